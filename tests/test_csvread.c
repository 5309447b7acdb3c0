/* The CSV reader: RFC 4180 quoting, CRLF, look-up by name, numbers and "not measured", the
 * errors with their file and line, a round trip of random tables, and garbled input (which
 * must be accepted or refused cleanly: make asan checks the memory side). */
#include "report/csvread.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int parse(const char *text, struct csv_table *t, char *err, size_t errlen) {
    return csv_parse(text, strlen(text), "t.csv", t, err, errlen);
}

Test(csvread, header_quotes_crlf_and_lookup) {
    const char *text = "kernel,note,median_s\r\n"
                       "dot,\"a, b\",0.5\r\n"
                       "\"ex\"\"p\",\"two\nlines\",\r\n"
                       "gemm,,1e-3";
    struct csv_table t;
    char err[256];
    cr_assert_eq(parse(text, &t, err, sizeof err), 0, "%s", err);
    cr_assert_eq(t.ncols, 3);
    cr_assert_eq(t.nrows, 3);
    cr_assert_eq(csv_column(&t, "note"), 1);
    cr_assert_eq(csv_column(&t, "nope"), -1);
    cr_assert_str_eq(csv_cell(&t, 0, 1), "a, b");
    cr_assert_str_eq(csv_cell(&t, 1, 0), "ex\"p");
    cr_assert_str_eq(csv_cell(&t, 1, 1), "two\nlines");
    cr_assert_str_eq(csv_cell(&t, 2, -1), "", "an absent optional column reads as empty");
    cr_assert_eq(t.lines[0], 2);
    cr_assert_eq(t.lines[1], 3);
    cr_assert_eq(t.lines[2], 5, "the quoted line break counts");
    double v;
    cr_assert_eq(csv_cell_number(&t, 0, 2, &v, err, sizeof err), 0);
    cr_assert_eq(v, 0.5);
    cr_assert_eq(csv_cell_number(&t, 1, 2, &v, err, sizeof err), 0);
    cr_assert(isnan(v), "empty is not measured");
    cr_assert_eq(csv_cell_number(&t, 2, 2, &v, err, sizeof err), 0);
    cr_assert_eq(v, 1e-3);
    csv_free(&t);
}

Test(csvread, blank_lines_are_skipped_and_counted) {
    struct csv_table t;
    char err[256];
    cr_assert_eq(parse("a,b\n\n1,2\r\n\r\n3,4\n\n", &t, err, sizeof err), 0, "%s", err);
    cr_assert_eq(t.nrows, 2);
    cr_assert_eq(t.lines[0], 3);
    cr_assert_eq(t.lines[1], 5);
    csv_free(&t);
    cr_assert_eq(parse("a,b\n", &t, err, sizeof err), 0, "a header alone is a table");
    cr_assert_eq(t.nrows, 0);
    csv_free(&t);
}

Test(csvread, a_byte_order_mark_is_skipped_and_a_missing_last_line_end_is_marked) {
    struct csv_table t;
    char err[256];
    cr_assert_eq(parse("\xEF\xBB\xBFkernel,threads\ndot,2\n", &t, err, sizeof err), 0, "%s", err);
    cr_expect_str_eq(t.header[0], "kernel");
    cr_expect_eq(t.lines[0], 2);
    cr_expect_eq(t.unterminated, 0);
    csv_free(&t);
    /* Only at the start: elsewhere the bytes are text. */
    cr_assert_eq(parse("kernel,threads\n\xEF\xBB\xBF,2", &t, err, sizeof err), 0, "%s", err);
    cr_expect_str_eq(csv_cell(&t, 0, 0), "\xEF\xBB\xBF");
    cr_expect_eq(t.unterminated, 1, "the last row has no line end");
    csv_free(&t);
    cr_assert_eq(parse("kernel,thr", &t, err, sizeof err), 0, "%s", err);
    cr_expect_eq(t.nrows, 0);
    cr_expect_eq(t.unterminated, 1, "the header has no line end");
    csv_free(&t);
    cr_assert_eq(parse("kernel,threads\r\ndot,2\r\n\n", &t, err, sizeof err), 0, "%s", err);
    cr_expect_eq(t.unterminated, 0);
    csv_free(&t);
}

Test(csvread, errors_name_the_file_and_line) {
    static const struct {
        const char *text, *expect;
    } cases[] = {
        {"a,b,c\n1,2,3\n4,5\n", "t.csv:3: 2 fields where the header has 3"},
        {"a,b\n1,\"x\ny\",\n", "t.csv:2: 3 fields where the header has 2"},
        {"a,b\n1,2\n\"open,3\n4,5\n", "t.csv:3: unterminated quoted field"},
        {"a,b\n\"x\"y,2\n", "t.csv:2: text after the closing quote"},
        {"a,b\n1,x\"y\n", "t.csv:2: quote inside an unquoted field"},
        {"", "t.csv:1: empty file"},
        {"\n\r\n", "t.csv:1: empty file"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct csv_table t;
        char err[256] = "";
        cr_assert_eq(parse(cases[i].text, &t, err, sizeof err), -1, "accepted: %s", cases[i].text);
        cr_assert(strstr(err, cases[i].expect), "said '%s', expected '%s'", err, cases[i].expect);
        cr_assert_null(t.cells, "nothing is kept on error");
    }
    struct csv_table t;
    char err[256];
    cr_assert_eq(csv_parse("a\n1\0", 4, "t.csv", &t, err, sizeof err), -1);
    cr_assert(strstr(err, "NUL byte"), "%s", err);
}

Test(csvread, numbers_must_parse_completely) {
    struct csv_table t;
    char err[256];
    cr_assert_eq(parse("x,n\n1.5x,\n nan,1\ninf,+7\n0x10,8.5\n1e999,-3\n", &t, err, sizeof err), 0);
    double v;
    long long k;
    for (size_t r = 0; r < t.nrows; r++) {
        cr_assert_eq(csv_cell_number(&t, r, 0, &v, err, sizeof err), -1, "row %zu", r);
        cr_assert(strstr(err, "column 'x'") && strstr(err, "is not a number"), "%s", err);
    }
    cr_assert(strstr(err, "t.csv:6:"), "%s", err);
    cr_assert_eq(csv_cell_integer(&t, 0, 1, 1, 10, &k, err, sizeof err), -1);
    cr_assert(strstr(err, "is empty"), "%s", err);
    cr_assert_eq(csv_cell_integer(&t, 1, 1, 1, 10, &k, err, sizeof err), 0);
    cr_assert_eq(k, 1);
    cr_assert_eq(csv_cell_integer(&t, 2, 1, 1, 10, &k, err, sizeof err), 0);
    cr_assert_eq(k, 7);
    cr_assert_eq(csv_cell_integer(&t, 3, 1, 1, 10, &k, err, sizeof err), -1);
    cr_assert(strstr(err, "not a whole number"), "%s", err);
    cr_assert_eq(csv_cell_integer(&t, 4, 1, 1, 10, &k, err, sizeof err), -1);
    cr_assert(strstr(err, "out of range"), "%s", err);
    int col;
    cr_assert_eq(csv_require(&t, "median_s", &col, err, sizeof err), -1);
    cr_assert_str_eq(err, "t.csv: missing required column 'median_s'");
    cr_assert_eq(csv_require(&t, "n", &col, err, sizeof err), 0);
    cr_assert_eq(col, 1);
    csv_free(&t);
}

Test(csvread, missing_file_is_named) {
    struct csv_table t;
    char err[512];
    cr_assert_eq(csv_read_file("/nonexistent/r.csv", &t, err, sizeof err), -1);
    cr_assert(strstr(err, "/nonexistent/r.csv: No such file"), "%s", err);
}

static unsigned next(unsigned *state) {
    *state = *state * 1103515245u + 12345u;
    return *state >> 16;
}

/* Random tables of awkward strings, written the RFC 4180 way, read back equal. */
Test(csvread, random_tables_round_trip) {
    static const char alphabet[] = "ab,\"\n\r 1.";
    unsigned state = 777u;
    for (int iter = 0; iter < 2000; iter++) {
        size_t rows = 1 + next(&state) % 5, cols = 1 + next(&state) % 4;
        char cell[20][8][8];
        char *text = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&text, &len);
        for (size_t r = 0; r < rows; r++) {
            for (size_t c = 0; c < cols; c++) {
                size_t n = 1 + next(&state) % 6; /* never empty: a 1-column empty row is blank */
                for (size_t i = 0; i < n; i++)
                    cell[r][c][i] = alphabet[next(&state) % (sizeof alphabet - 1)];
                cell[r][c][n] = '\0';
                fputc('"', f);
                for (const char *s = cell[r][c]; *s; s++)
                    fprintf(f, *s == '"' ? "\"\"" : "%c", *s);
                fprintf(f, "\"%s", c + 1 < cols ? "," : next(&state) % 2 ? "\r\n" : "\n");
            }
        }
        fclose(f);
        struct csv_table t;
        char err[256];
        cr_assert_eq(csv_parse(text, len, "rt.csv", &t, err, sizeof err), 0, "%s\n%s", err, text);
        cr_assert_eq(t.ncols, cols);
        cr_assert_eq(t.nrows, rows - 1);
        for (size_t c = 0; c < cols; c++)
            cr_assert_str_eq(t.header[c], cell[0][c]);
        for (size_t r = 1; r < rows; r++)
            for (size_t c = 0; c < cols; c++)
                cr_assert_str_eq(csv_cell(&t, r - 1, (int)c), cell[r][c]);
        csv_free(&t);
        free(text);
    }
}

/* Every accessor on a table that parsed must work; a refusal must say where. */
static void check_parse(const char *text, size_t len) {
    struct csv_table t;
    char err[256] = "";
    if (csv_parse(text, len, "fz.csv", &t, err, sizeof err) != 0) {
        cr_assert(strncmp(err, "fz.csv:", 7) == 0, "refused without a location: '%s'", err);
        return;
    }
    cr_assert_gt(t.ncols, 0);
    for (size_t r = 0; r < t.nrows; r++) {
        cr_assert_geq(t.lines[r], 1);
        for (size_t c = 0; c < t.ncols; c++) {
            double v;
            long long k;
            const char *s = csv_cell(&t, r, (int)c);
            cr_assert_not_null(s);
            if (csv_cell_number(&t, r, (int)c, &v, err, sizeof err) == 0)
                cr_assert(isnan(v) == (s[0] == '\0'), "'%s' gave %g", s, v);
            else
                cr_assert(strstr(err, "is not a number"), "%s", err);
            if (csv_cell_integer(&t, r, (int)c, 0, 100, &k, err, sizeof err) == 0)
                cr_assert(k >= 0 && k <= 100);
        }
    }
    for (size_t c = 0; c < t.ncols; c++)
        cr_assert_eq(csv_column(&t, t.header[c]) <= (int)c, 1);
    csv_free(&t);
}

Test(csvread, garbled_input_never_crashes) {
    static const char seed_text[] = "kernel,variant,threads,median_s,note\r\n"
                                    "dot,omp,2,0.25,\"a \"\"b\"\", c\"\n"
                                    "dot,ref,1,1e-3,\n";
    static const char alphabet[] = ",\"\r\n\0a1.-e ";
    unsigned state = 4242u;
    char buf[256];
    for (int iter = 0; iter < 100000; iter++) {
        size_t len = sizeof seed_text - 1;
        memcpy(buf, seed_text, len);
        int edits = 1 + (int)(next(&state) % 6);
        for (int e = 0; e < edits; e++) {
            size_t at = next(&state) % (len + 1);
            char c = alphabet[next(&state) % (sizeof alphabet - 1)];
            switch (next(&state) % 3) {
            case 0: /* replace */
                if (at < len)
                    buf[at] = c;
                break;
            case 1: /* insert */
                if (len + 1 < sizeof buf) {
                    memmove(buf + at + 1, buf + at, len - at);
                    buf[at] = c;
                    len++;
                }
                break;
            default: /* delete */
                if (at < len) {
                    memmove(buf + at, buf + at + 1, len - at - 1);
                    len--;
                }
            }
        }
        /* An exact-size heap copy, so ASan sees any read past the end. */
        char *copy = malloc(len ? len : 1);
        memcpy(copy, buf, len);
        check_parse(copy, len);
        free(copy);
    }
}

Test(csvread, random_bytes_never_crash) {
    unsigned state = 99u;
    for (int iter = 0; iter < 20000; iter++) {
        size_t len = next(&state) % 64;
        char *text = malloc(len ? len : 1);
        for (size_t i = 0; i < len; i++)
            text[i] = next(&state) % 4 == 0 ? ",\"\r\n"[next(&state) % 4] : (char)next(&state);
        check_parse(text, len);
        free(text);
    }
}
