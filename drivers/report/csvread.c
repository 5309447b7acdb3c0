#include "report/csvread.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Fields are appended to one text buffer; their offsets are turned into pointers at the end,
 * once the buffer no longer moves. */
struct parser {
    const char *text, *name;
    size_t len, pos;
    long line; /* current line, 1-based */
    char *buf;
    size_t used, cap;
    size_t *offsets; /* start of each field in buf */
    size_t nfields, fcap;
    long *lines; /* start line of each record */
    size_t nrecords, rcap;
    size_t ncols;
    int unterminated; /* the text ended inside the last record */
    char *err;
    size_t errlen;
};

static int fail(struct parser *ps, long line, const char *what) {
    snprintf(ps->err, ps->errlen, "%s:%ld: %s", ps->name, line, what);
    return -1;
}

static int grow(void **p, size_t *cap, size_t need, size_t elem) {
    if (need <= *cap)
        return 0;
    size_t n = *cap ? *cap : 64;
    while (n < need)
        n *= 2;
    void *q = realloc(*p, n * elem);
    if (!q)
        return -1;
    *p = q;
    *cap = n;
    return 0;
}

static int put_char(struct parser *ps, char c) {
    if (grow((void **)&ps->buf, &ps->cap, ps->used + 1, 1))
        return fail(ps, ps->line, "out of memory");
    ps->buf[ps->used++] = c;
    return 0;
}

static int begin_field(struct parser *ps) {
    if (grow((void **)&ps->offsets, &ps->fcap, ps->nfields + 1, sizeof *ps->offsets))
        return fail(ps, ps->line, "out of memory");
    ps->offsets[ps->nfields++] = ps->used;
    return 0;
}

static int at_record_end(const struct parser *ps) {
    if (ps->pos >= ps->len || ps->text[ps->pos] == '\n')
        return 1;
    return ps->text[ps->pos] == '\r' && ps->pos + 1 < ps->len && ps->text[ps->pos + 1] == '\n';
}

/* A quoted field: the opening quote is at pos. */
static int quoted_field(struct parser *ps, long start_line) {
    ps->pos++;
    for (;;) {
        if (ps->pos >= ps->len)
            return fail(ps, start_line, "unterminated quoted field");
        char c = ps->text[ps->pos++];
        if (c == '\0')
            return fail(ps, ps->line, "NUL byte (not a text file)");
        if (c == '"') {
            if (ps->pos < ps->len && ps->text[ps->pos] == '"') {
                ps->pos++;
                if (put_char(ps, '"'))
                    return -1;
                continue;
            }
            break;
        }
        if (c == '\n')
            ps->line++;
        if (put_char(ps, c))
            return -1;
    }
    if (!at_record_end(ps) && ps->text[ps->pos] != ',')
        return fail(ps, ps->line, "text after the closing quote of a field");
    return 0;
}

static int plain_field(struct parser *ps) {
    while (!at_record_end(ps) && ps->text[ps->pos] != ',') {
        char c = ps->text[ps->pos++];
        if (c == '\0')
            return fail(ps, ps->line, "NUL byte (not a text file)");
        if (c == '"')
            return fail(ps, ps->line, "quote inside an unquoted field (quote the whole field)");
        if (put_char(ps, c))
            return -1;
    }
    return 0;
}

/* One record from pos; consumes its line ending. */
static int record(struct parser *ps) {
    long start_line = ps->line;
    size_t first = ps->nfields;
    for (;;) {
        if (begin_field(ps))
            return -1;
        int rc = ps->pos < ps->len && ps->text[ps->pos] == '"' ? quoted_field(ps, start_line)
                                                               : plain_field(ps);
        if (rc || put_char(ps, '\0'))
            return -1;
        if (ps->pos < ps->len && ps->text[ps->pos] == ',') {
            ps->pos++;
            continue;
        }
        break;
    }
    if (ps->pos < ps->len) { /* LF or CRLF */
        ps->pos += ps->text[ps->pos] == '\r' ? 2 : 1;
        ps->line++;
    } else {
        ps->unterminated = 1;
    }
    size_t n = ps->nfields - first;
    if (ps->nrecords == 0)
        ps->ncols = n;
    else if (n != ps->ncols) {
        char what[128];
        snprintf(what, sizeof what, "%zu fields where the header has %zu", n, ps->ncols);
        return fail(ps, start_line, what);
    }
    if (grow((void **)&ps->lines, &ps->rcap, ps->nrecords + 1, sizeof *ps->lines))
        return fail(ps, start_line, "out of memory");
    ps->lines[ps->nrecords++] = start_line;
    return 0;
}

static void skip_blank_lines(struct parser *ps) {
    for (;;) {
        if (ps->pos < ps->len && ps->text[ps->pos] == '\n')
            ps->pos += 1;
        else if (ps->pos + 1 < ps->len && ps->text[ps->pos] == '\r' &&
                 ps->text[ps->pos + 1] == '\n')
            ps->pos += 2;
        else
            return;
        ps->line++;
    }
}

static int finish(struct parser *ps, struct csv_table *t) {
    if (ps->nrecords == 0)
        return fail(ps, 1, "empty file: no header row");
    char **ptrs = malloc(ps->nfields * sizeof *ptrs);
    if (!ptrs)
        return fail(ps, 1, "out of memory");
    for (size_t i = 0; i < ps->nfields; i++)
        ptrs[i] = ps->buf + ps->offsets[i];
    t->ncols = ps->ncols;
    t->nrows = ps->nrecords - 1;
    t->header = ptrs;
    t->cells = ptrs + ps->ncols;
    t->storage = ps->buf;
    t->lines = ps->lines;
    t->unterminated = ps->unterminated;
    memmove(t->lines, t->lines + 1, t->nrows * sizeof *t->lines);
    ps->buf = NULL;
    ps->lines = NULL;
    return 0;
}

int csv_parse(const char *text, size_t len, const char *name, struct csv_table *t, char *err,
              size_t errlen) {
    memset(t, 0, sizeof *t);
    snprintf(t->name, sizeof t->name, "%s", name);
    struct parser ps = {
        .text = text, .len = len, .name = t->name, .line = 1, .err = err, .errlen = errlen};
    static const char bom[] = "\xEF\xBB\xBF";
    if (len >= 3 && memcmp(text, bom, 3) == 0)
        ps.pos = 3;
    int rc = 0;
    for (skip_blank_lines(&ps); rc == 0 && ps.pos < ps.len; skip_blank_lines(&ps))
        rc = record(&ps);
    if (rc == 0)
        rc = finish(&ps, t);
    free(ps.buf);
    free(ps.lines);
    free(ps.offsets);
    return rc;
}

int csv_read_file(const char *path, struct csv_table *t, char *err, size_t errlen) {
    memset(t, 0, sizeof *t);
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    char *text = NULL;
    size_t len = 0, cap = 0;
    int rc = 0;
    for (;;) {
        if (grow((void **)&text, &cap, len + 65536, 1)) {
            rc = -1;
            snprintf(err, errlen, "%s: out of memory", path);
            break;
        }
        size_t got = fread(text + len, 1, cap - len, f);
        len += got;
        if (got == 0 || len > (size_t)CSV_MAX_BYTES)
            break;
    }
    if (rc == 0 && ferror(f)) {
        rc = -1;
        snprintf(err, errlen, "%s: read error: %s", path, strerror(errno));
    } else if (rc == 0 && len > (size_t)CSV_MAX_BYTES) {
        rc = -1;
        snprintf(err, errlen, "%s: larger than %ld bytes", path, CSV_MAX_BYTES);
    }
    fclose(f);
    if (rc == 0)
        rc = csv_parse(text, len, path, t, err, errlen);
    free(text);
    return rc;
}

void csv_free(struct csv_table *t) {
    free(t->header);
    free(t->storage);
    free(t->lines);
    memset(t, 0, sizeof *t);
}

int csv_column(const struct csv_table *t, const char *name) {
    for (size_t i = 0; i < t->ncols; i++)
        if (strcmp(t->header[i], name) == 0)
            return (int)i;
    return -1;
}

int csv_require(const struct csv_table *t, const char *name, int *col, char *err, size_t errlen) {
    *col = csv_column(t, name);
    if (*col >= 0)
        return 0;
    snprintf(err, errlen, "%s: missing required column '%s'", t->name, name);
    return -1;
}

const char *csv_cell(const struct csv_table *t, size_t row, int col) {
    if (col < 0 || (size_t)col >= t->ncols || row >= t->nrows)
        return "";
    return t->cells[row * t->ncols + (size_t)col];
}

static int bad_value(const struct csv_table *t, size_t row, int col, const char *what, char *err,
                     size_t errlen) {
    if (col < 0 || (size_t)col >= t->ncols || row >= t->nrows) {
        snprintf(err, errlen, "%s: no such cell (row %zu, column %d)", t->name, row, col);
        return -1;
    }
    snprintf(err, errlen, "%s:%ld: column '%s': '%.40s' %s", t->name, t->lines[row], t->header[col],
             csv_cell(t, row, col), what);
    return -1;
}

int csv_cell_number(const struct csv_table *t, size_t row, int col, double *v, char *err,
                    size_t errlen) {
    const char *s = csv_cell(t, row, col);
    *v = NAN;
    if (!*s)
        return 0;
    /* strtod would also take leading blanks, hex, "nan" and "inf": none is a measurement. */
    if (strspn(s, "0123456789+-.eE") != strlen(s))
        return bad_value(t, row, col, "is not a number", err, errlen);
    char *end;
    errno = 0;
    double x = strtod(s, &end);
    if (*end || end == s || !isfinite(x) || (errno == ERANGE && fabs(x) > 1.0))
        return bad_value(t, row, col, "is not a number", err, errlen);
    *v = x;
    return 0;
}

int csv_cell_integer(const struct csv_table *t, size_t row, int col, long long min, long long max,
                     long long *v, char *err, size_t errlen) {
    const char *s = csv_cell(t, row, col);
    if (!*s)
        return bad_value(t, row, col, "is empty (a whole number is required)", err, errlen);
    if (strspn(s, "0123456789+-") != strlen(s))
        return bad_value(t, row, col, "is not a whole number", err, errlen);
    char *end;
    errno = 0;
    long long x = strtoll(s, &end, 10);
    if (*end || end == s || errno == ERANGE)
        return bad_value(t, row, col, "is not a whole number", err, errlen);
    if (x < min || x > max) {
        char what[96];
        snprintf(what, sizeof what, "is out of range (%lld to %lld)", min, max);
        return bad_value(t, row, col, what, err, errlen);
    }
    *v = x;
    return 0;
}
