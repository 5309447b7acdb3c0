/* csv_writer: fields and rows of a result CSV (see csv_writer.h). */
#include "format/csv_writer.h"

#include <math.h>
#include <string.h>

static void separate(struct csv_row *r) {
    if (r->fields++ > 0)
        fputc(',', r->f);
}

void csv_put_header(FILE *f, const char *const *columns, size_t n) {
    struct csv_row r;
    csv_row_begin(&r, f);
    for (size_t i = 0; i < n; i++)
        csv_put_text(&r, columns[i]);
    csv_row_end(&r);
}

void csv_row_begin(struct csv_row *r, FILE *f) {
    r->f = f;
    r->fields = 0;
}

void csv_put_text(struct csv_row *r, const char *s) {
    separate(r);
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, r->f);
        return;
    }
    fputc('"', r->f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', r->f);
        fputc(*s, r->f);
    }
    fputc('"', r->f);
}

void csv_put_number(struct csv_row *r, double v, const char *fmt) {
    separate(r);
    if (isfinite(v))
        fprintf(r->f, fmt, v);
}

void csv_put_integer(struct csv_row *r, long long v) {
    separate(r);
    fprintf(r->f, "%lld", v);
}

void csv_put_count(struct csv_row *r, long long v) {
    separate(r);
    if (v >= 0)
        fprintf(r->f, "%lld", v);
}

void csv_put_yes_no(struct csv_row *r, int v) {
    csv_put_text(r, v ? "yes" : "no");
}

void csv_row_end(struct csv_row *r) {
    fputc('\n', r->f);
}
