/* cli: parsing of the command line's values and lists, with messages that name the problem.
 *
 * Every parser returns 0 on success or -1 with a message in err (errlen bytes, which names what
 * was wrong, e.g. "'1,,2': empty item"); the caller adds the option's name and exits 2.
 * Lists: "1,2,4", ranges "1-8" (every integer), mixed "1-4,8". Counts accept decimal suffixes
 * k, M, G (x1000); chunk sizes in bytes take binary suffixes B, K, M, G (x1024), as in "125K".
 * Thread-safety: pure functions; lists are malloc'ed and owned by the caller.
 */
#ifndef OMPSWEEP_CLI_H
#define OMPSWEEP_CLI_H

#include <stddef.h>

/* One --chunk item: "all" (one chunk per thread), a count in --size units, or bytes. */
enum chunk_kind { CHUNK_ALL, CHUNK_COUNT, CHUNK_BYTES };
struct chunk_spec {
    enum chunk_kind kind;
    long long value; /* units or bytes; 0 for CHUNK_ALL */
};

enum { CLI_ERRLEN = 256 };

/* A whole non-negative integer with an optional decimal suffix (k, M, G), within [min, max]. */
int cli_parse_count(const char *s, long long min, long long max, long long *out, char *err,
                    size_t errlen);

/* A list of counts (with ranges a-b) each within [min, max]; at most 4096 items. */
int cli_parse_count_list(const char *s, long long min, long long max, long long **out, size_t *n,
                         char *err, size_t errlen);

int cli_parse_chunk_list(const char *s, struct chunk_spec **out, size_t *n, char *err,
                         size_t errlen);

/* A size in bytes: a number with an optional binary suffix (B, K, M, G; KiB, MB...), in
 * [min, max]. */
int cli_parse_bytes(const char *s, long long min, long long max, long long *out, char *err,
                    size_t errlen);

/* Comma-separated non-empty names (the strings are copies; free with cli_free_names). */
int cli_parse_name_list(const char *s, char ***out, size_t *n, char *err, size_t errlen);
void cli_free_names(char **names, size_t n);

/* A duration in seconds: "0.02", "20ms", "2s". Must be > 0 and <= 3600. */
int cli_parse_seconds(const char *s, double *out, char *err, size_t errlen);

/* A finite real number within [min, max] ("0.5", "1e-3"); NaN and infinities are refused. */
int cli_parse_real(const char *s, double min, double max, double *out, char *err, size_t errlen);

/* Format a chunk for tables and CSV: "all", "5334", "125K". buf holds at least 32 bytes. */
/* "48 KiB", "1.5 MiB": binary units, whole values as such, others to three significant
 * digits; "-" for a value that is not finite. Returns buf. */
const char *cli_format_bytes(double bytes, char *buf, size_t len);

const char *cli_format_chunk(const struct chunk_spec *c, char *buf, size_t len);

#endif
