/* report_rows: what a result CSV holds, decoded by the columns of format/schema.h: its kind
 * (a sweep's points, overheads or break-evens, told apart by the first columns) and its rows,
 * appended to the report's data. A column the kind needs that is missing, a value that is not
 * a number, a time or size below zero (or a point's time, size or working set of 0), a thread
 * count above SCHEMA_MAX_THREADS, or a yes/no that is neither stops the file with
 * "FILE:LINE: column 'name': ..."; an optional column that is missing reads as "not measured".
 * A speedup that is not believable is a warning (report_warn) and reads as not measured.
 * Thread-safety: one report at a time.
 */
#ifndef OMPSWEEP_REPORT_ROWS_H
#define OMPSWEEP_REPORT_ROWS_H

#include "report/report.h"

#include <stddef.h>

/* The kind of a CSV (enum report_kind) from its first columns; -1 for a CSV that is not an
 * ompsweep result. */
int report_rows_kind(const struct csv_table *t);

/* Appends the rows of d->files[file] (its csv and kind set) to d's points, overheads or
 * break-evens: 0, or -1 with the message in err. */
int report_rows_read(struct report_data *d, size_t file, char *err, size_t errlen);

/* Room for element n of the array *p of n elements of elem bytes: the capacity doubles at each
 * power of two, so many rows cost a logarithmic number of reallocations. 0, or -1 when out of
 * memory (*p unchanged). */
int report_grow(void **p, size_t n, size_t elem);

/* Adds a formatted line to d->warnings (shown at the top of the report and on stderr) or
 * d->notes (listed at its end; say "Not used: ..." for a file left out): 0, or -1 when out of
 * memory. */
__attribute__((format(printf, 2, 3))) int report_warn(struct report_data *d, const char *fmt, ...);
__attribute__((format(printf, 2, 3))) int report_note(struct report_data *d, const char *fmt, ...);

#endif
