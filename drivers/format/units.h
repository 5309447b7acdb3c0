/* units: the quantities the command line takes and the outputs show: counts, sizes in bytes,
 * durations, reals, chunk sizes, and comma-separated lists of them, parsed and formatted.
 *
 * Every parser returns 0 on success or -1 with a message in err (errlen bytes, which names what
 * was wrong, e.g. "'1,,2': empty item"); the caller adds the option's name and exits 2.
 * Lists: "1,2,4", ranges "1-8" (every integer), mixed "1-4,8". Counts accept decimal suffixes
 * k, M, G (x1000); chunk sizes in bytes take binary suffixes B, K, M, G (x1024), as in "125K".
 * Thread-safety: pure functions; lists are malloc'ed and owned by the caller.
 */
#ifndef OMPSWEEP_UNITS_H
#define OMPSWEEP_UNITS_H

#include <stddef.h>

/* One --chunk item: "all" (one chunk per thread), a count in --size units, or bytes. */
enum chunk_kind { CHUNK_ALL, CHUNK_COUNT, CHUNK_BYTES };
struct chunk_spec {
    enum chunk_kind kind;
    long long value; /* units or bytes; 0 for CHUNK_ALL */
};

/* The size of every command's error message buffer: room for two whole paths (PATH_MAX each)
 * and the words around them, so that no message loses its reason at the end. */
enum { UNITS_ERRLEN = 2 * 4096 + 1024 };

/* A whole non-negative integer with an optional decimal suffix (k, M, G), within [min, max]. */
int units_parse_count(const char *s, long long min, long long max, long long *out, char *err,
                      size_t errlen);

/* A list of counts (with ranges a-b) each within [min, max]; at most 4096 items. */
int units_parse_count_list(const char *s, long long min, long long max, long long **out, size_t *n,
                           char *err, size_t errlen);

int units_parse_chunk_list(const char *s, struct chunk_spec **out, size_t *n, char *err,
                           size_t errlen);

/* A size in bytes: a number with an optional binary suffix (B, K, M, G; KiB, MB...), in
 * [min, max]. */
int units_parse_bytes(const char *s, long long min, long long max, long long *out, char *err,
                      size_t errlen);

/* Comma-separated non-empty names (the strings are copies; free with units_free_names). */
int units_parse_name_list(const char *s, char ***out, size_t *n, char *err, size_t errlen);
void units_free_names(char **names, size_t n);

/* A duration in seconds: "0.02", "20ms", "2s". Must be > 0 and <= 3600. */
int units_parse_seconds(const char *s, double *out, char *err, size_t errlen);

/* A finite real number within [min, max] ("0.5", "1e-3"); NaN and infinities are refused. */
int units_parse_real(const char *s, double min, double max, double *out, char *err, size_t errlen);

/* A fraction, as a percentage ("2%") or as a number ("0.02"), within [min, max] (as fractions). */
int units_parse_fraction(const char *s, double min, double max, double *out, char *err,
                         size_t errlen);

/* "48 KiB", "1.5 MiB": binary units, whole values as such, others to three significant
 * digits; "-" for a value that is not finite. Returns buf. */
const char *units_format_bytes(double bytes, char *buf, size_t len);

/* A time in the unit that suits it: "850 ns", "12.3 us", "4.56 ms", "2.1 s" (three significant
 * digits); "-" for a value that is not finite. Returns buf. */
const char *units_format_seconds(double seconds, char *buf, size_t len);

/* A chunk as given: "all", "5334", "125K" (bytes in the largest binary unit that divides them).
 * Returns buf, which holds at least 32 bytes. */
const char *units_format_chunk(const struct chunk_spec *c, char *buf, size_t len);

#endif
