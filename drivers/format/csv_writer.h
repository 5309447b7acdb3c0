/* csv_writer: the one CSV writer of the result files (RFC 4180, as report/csvread.h reads it).
 *
 * A row is written field by field: csv_put_* adds the separating comma itself, so the fields
 * of a row are simply put in the order of its header. Text is quoted when it holds a comma, a
 * quote or a line break (a quote inside is doubled); a number that was not measured (NaN or
 * infinite) and a count below zero (none) are empty fields, which readers take as "not
 * measured". Rows end in LF.
 * Errors: left in the FILE (check ferror once at the end). Thread-safety: one row per FILE.
 */
#ifndef OMPSWEEP_CSV_WRITER_H
#define OMPSWEEP_CSV_WRITER_H

#include <stddef.h>
#include <stdio.h>

struct csv_row {
    FILE *f;
    int fields; /* put so far */
};

/* The header line: the n column names. */
void csv_put_header(FILE *f, const char *const *columns, size_t n);

void csv_row_begin(struct csv_row *r, FILE *f);
void csv_put_text(struct csv_row *r, const char *s);
/* v with printf's fmt (one double conversion, e.g. "%.9g"); empty when not finite. */
void csv_put_number(struct csv_row *r, double v, const char *fmt);
void csv_put_integer(struct csv_row *r, long long v);
/* A count or size that may be absent: empty when v < 0. */
void csv_put_count(struct csv_row *r, long long v);
void csv_put_yes_no(struct csv_row *r, int v);
void csv_row_end(struct csv_row *r);

#endif
