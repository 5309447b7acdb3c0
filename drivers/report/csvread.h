/* csvread: a small RFC 4180 CSV reader for result files.
 *
 * The first record names the columns; every other record must have as many fields. Fields may
 * be quoted ("a,b", with "" for a quote inside) and may then hold commas and line breaks;
 * records end at LF or CRLF. Completely empty lines are skipped (a file ending in blank lines
 * is common after hand edits). A UTF-8 byte-order mark at the start (spreadsheets write one) is
 * skipped. A last record without its line end is read, and marked: ompsweep ends every line,
 * so such a file was cut short or edited. A NUL byte, an unterminated quote, a quote inside an
 * unquoted field or text after a closing quote are errors. Values stay text until asked for as a
 * number: an empty field is "not measured" (NaN), anything else must parse completely.
 *
 * Errors: -1 with "FILE:LINE: what" in err (LINE is where the record starts, 1-based).
 * Thread-safety: a table is read-only after csv_parse; distinct tables are independent.
 */
#ifndef OMPSWEEP_CSVREAD_H
#define OMPSWEEP_CSVREAD_H

#include <stddef.h>

#define CSV_MAX_BYTES (1L << 30) /* larger files are refused rather than read into memory */

struct csv_table {
    char name[512]; /* the file name used in messages */
    size_t ncols, nrows;
    char **header;    /* ncols names */
    char **cells;     /* nrows * ncols values, row-major */
    long *lines;      /* nrows: the line where each record starts */
    char *storage;    /* every field's text, NUL-terminated */
    int unterminated; /* the last record (the header if there are no rows) has no line end */
};

/* Parses len bytes of text; name is used in error messages. */
int csv_parse(const char *text, size_t len, const char *name, struct csv_table *t, char *err,
              size_t errlen);

/* Reads and parses a file. */
int csv_read_file(const char *path, struct csv_table *t, char *err, size_t errlen);

void csv_free(struct csv_table *t);

/* Index of the column called name, or -1. */
int csv_column(const struct csv_table *t, const char *name);

/* The same, but a missing column is an error: "FILE: missing required column 'name'". */
int csv_require(const struct csv_table *t, const char *name, int *col, char *err, size_t errlen);

/* The text of a cell; "" for col < 0 (an optional column that is absent). */
const char *csv_cell(const struct csv_table *t, size_t row, int col);

/* A cell as a finite number: empty (or col < 0) gives NaN and 0; text that is not a whole
 * finite number gives -1 with "FILE:LINE: column 'name': 'text' is not a number". */
int csv_cell_number(const struct csv_table *t, size_t row, int col, double *v, char *err,
                    size_t errlen);

/* The same, but the cell must be present and a whole number within [min, max]. */
int csv_cell_integer(const struct csv_table *t, size_t row, int col, long long min, long long max,
                     long long *v, char *err, size_t errlen);

#endif
