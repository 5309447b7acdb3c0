/* ae_extract: the features of every hit of a .tradb file as CSV rows (`ompsweep ae`).
 *
 * Records are fetched from the file serially, in TRAI order, in batches (bounded in records
 * and in blob bytes, so memory stays bounded whatever the file's size); each batch is decoded
 * and its features computed in parallel (schedule(runtime) over the batch's records, one
 * decode buffer per thread), then written in TRAI order. The rows are therefore the same
 * bytes for any thread count, schedule and chunk.
 *
 * A record that cannot be decoded is reported on stderr ("FILE: record TRAI n (SetID m): ...")
 * and skipped; a file that cannot be opened is reported and yields no rows.
 * Thread-safety: one call at a time (it uses the process's OpenMP settings).
 */
#ifndef OMPSWEEP_AE_EXTRACT_H
#define OMPSWEEP_AE_EXTRACT_H

#include <stddef.h>
#include <stdio.h>

struct ae_extract_options {
    size_t batch_records; /* most records per batch (>= 1)         */
    size_t batch_bytes;   /* most blob bytes per batch (>= 1)       */
    int progress;         /* a progress line on stderr             */
};

struct ae_extract_totals {
    long hits;   /* rows written                             */
    long failed; /* records reported and skipped             */
    long files_failed;
};

/* The CSV header line: every column with its unit. */
void ae_extract_header(FILE *out);

/* Appends the rows of path to out: 0 when the file was read to its end (some records may have
 * been skipped: see totals), -1 when it could not be opened or read (reported). */
int ae_extract_file(const char *path, const struct ae_extract_options *o, FILE *out,
                    struct ae_extract_totals *totals);

#endif
