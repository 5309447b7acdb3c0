/* run_id: the identity of one run of a command, written into both files of a CSV/JSON pair
 * (the CSV's run_id column, the JSON context's "run_id"), so that a reader can tell a pair one
 * run wrote from two runs' files that met under the same names.
 *
 * An id is "YYYYMMDDTHHMMSSZ-" followed by 16 hexadecimal digits: the start time (UTC), for a
 * reader's eye, and 64 random bits from getrandom(), which make two runs' ids differ even when
 * they start in the same second on the same host.
 * Errors: run_id_make returns 0, or an errno value (getrandom failed, len too small) with out
 * set to "" (a file without an id: the pair cannot be checked). Thread-safety: none needed.
 */
#ifndef OMPSWEEP_RUN_ID_H
#define OMPSWEEP_RUN_ID_H

#include <stddef.h>
#include <time.h>

enum { RUN_ID_LEN = 34 }; /* 16 + 1 + 16 characters and the NUL */

int run_id_make(char *out, size_t len, time_t start);

#endif
