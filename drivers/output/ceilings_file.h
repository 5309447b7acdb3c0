/* ceilings_file: the machine's ceilings (engine/ceilings.h) in JSON: the file `ompsweep ceilings
 * --json` writes (schema SCHEMA_CEILINGS: the ceilings and the context), the "ceilings" object a
 * result file copies, and the reading back that `ompsweep run --ceilings FILE` does.
 * Units: GFLOP/s, GB/s. Errors: writers leave them in the FILE (check ferror); readers return
 * 0 or -1 with a message naming the file and the key. Thread-safety: reentrant.
 */
#ifndef OMPSWEEP_CEILINGS_FILE_H
#define OMPSWEEP_CEILINGS_FILE_H

#include "engine/ceilings.h"
#include "format/json.h"
#include "machine/context.h"

#include <stddef.h>
#include <stdio.h>

/* The whole file: {"schema": ..., "ceilings": {...}, "context": {...}}. */
void ceilings_file_write(FILE *f, const struct ceilings *c, const struct context *ctx);

/* The object under the key "ceilings" (the writer must be inside an object). */
void ceilings_file_write_object(struct json_writer *w, const struct ceilings *c);

/* Reads the "ceilings" object of a file written by ceilings_file_write (or of a result file). */
int ceilings_file_load(const char *path, struct ceilings *c, char *err, size_t errlen);

/* The same from a string (what ceilings_file_load does after reading the file). */
int ceilings_file_parse(const char *text, struct ceilings *c, char *err, size_t errlen);

#endif
