/* json: a small streaming JSON writer for result files.
 *
 * Values go straight to the FILE; nothing is buffered beyond stdio, so memory use is constant.
 * Keys are required inside objects and must be NULL inside arrays and at the top level.
 * Strings are UTF-8: control characters become \u00XX and invalid byte sequences become
 * U+FFFD, so the output always parses. Numbers that are NaN or infinite are written as null;
 * finite doubles are written with the fewest digits (at most 17) that read back exactly.
 * A top-level value is followed by a newline, so several of them form JSON Lines.
 * Nesting deeper than 63 levels is written but comma tracking is then shared by the deepest
 * levels. I/O errors are left in the stream: check ferror(f) once at the end.
 *
 * Thread-safety: a writer belongs to one thread; distinct writers on distinct FILEs are
 * independent.
 */
#ifndef OMPSWEEP_JSON_H
#define OMPSWEEP_JSON_H

#include <stdio.h>

#define JSON_MAX_DEPTH 64

struct json_writer {
    FILE *f;
    int depth;
    int need_comma[JSON_MAX_DEPTH];
    int pretty; /* nonzero: newline and two-space indentation per level */
};

void json_init(struct json_writer *w, FILE *f, int pretty);

/* A result file's start: json_init (pretty), the top-level object, and its first member,
 * "schema": schema (format/schema.h). End it with json_object_end. */
void json_document_begin(struct json_writer *w, FILE *f, const char *schema);

void json_object_begin(struct json_writer *w, const char *key);
void json_object_end(struct json_writer *w);
void json_array_begin(struct json_writer *w, const char *key);
void json_array_end(struct json_writer *w);

void json_string(struct json_writer *w, const char *key, const char *value); /* NULL -> null */
void json_number(struct json_writer *w, const char *key, double value);      /* !finite -> null */
void json_integer(struct json_writer *w, const char *key, long long value);
void json_bool(struct json_writer *w, const char *key, int value);
void json_null(struct json_writer *w, const char *key);

#endif
