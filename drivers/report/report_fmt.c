/* report_fmt: how numbers, sizes and text appear in the report's Markdown and gnuplot
 * scripts. */
#include "format/units.h"
#include "report/report_out.h"

#include <math.h>
#include <string.h>

const char *fmt_num(double v, int sig, char *buf, size_t len) {
    if (!isfinite(v))
        snprintf(buf, len, "–");
    else
        snprintf(buf, len, "%.*g", sig, v);
    return buf;
}

const char *fmt_count(double v, char *buf, size_t len) {
    static const struct {
        double scale;
        const char *suffix;
    } units[] = {{1e12, "T"}, {1e9, "G"}, {1e6, "M"}, {1e3, "k"}};
    if (!isfinite(v)) {
        snprintf(buf, len, "–");
        return buf;
    }
    /* The --size suffixes (decimal), where they give the number exactly. */
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        double q = v / units[i].scale;
        if (fabs(v) >= units[i].scale && q == floor(q) && q < 1e6) {
            snprintf(buf, len, "%.0f%s", q, units[i].suffix);
            return buf;
        }
    }
    snprintf(buf, len, "%.15g", v);
    return buf;
}

void md_text(FILE *f, const char *s) {
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c < 0x20)
            fputc(' ', f);
        else if (strchr("\\`*_[]<>|#", c))
            fprintf(f, "\\%c", c);
        else
            fputc(c, f);
    }
}

void gp_string(FILE *f, const char *s) {
    fputc('\'', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '\'')
            fputs("''", f); /* the only escape inside single quotes */
        else if (c >= 0x20)
            fputc(c, f);
    }
    fputc('\'', f);
}

void gp_data_string(FILE *f, const char *s) {
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c >= 0x20)
            fputc(c == '"' ? '\'' : c, f);
    }
    fputc('"', f);
}

void gp_byte_tics(FILE *f, char axis, double lo, double hi) {
    if (!(lo > 0) || !(hi > lo))
        return;
    int a = (int)floor(log2(lo)), b = (int)ceil(log2(hi));
    int step = 1;
    while ((b - a) / step > 9)
        step++;
    /* Steps of a whole number of powers of two, aligned so 1 KiB, 1 MiB... appear. */
    if (step > 1 && step < 10)
        step = step <= 2 ? 2 : step <= 5 ? 5 : 10;
    fprintf(f, "set %ctics (", axis);
    int first = 1;
    for (int k = a; k <= b; k++) {
        if (((k % step) + step) % step != 0)
            continue;
        char buf[32];
        fprintf(f, "%s'%s' %.17g", first ? "" : ", ",
                units_format_bytes(ldexp(1.0, k), buf, sizeof buf), ldexp(1.0, k));
        first = 0;
    }
    fprintf(f, ")\n");
}

const char *gp_color(size_t i) {
    /* Distinct for the colour-blind (Okabe-Ito), then repeated. */
    static const char *const colors[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7",
                                         "#E69F00", "#56B4E9", "#000000", "#F0E442"};
    return colors[i % (sizeof colors / sizeof colors[0])];
}

void md_open(struct report_out *o, const char *heading_and_intro) {
    o->section = heading_and_intro;
}

void md_flush(struct report_out *o) {
    if (o->section)
        fputs(o->section, o->md);
    o->section = NULL;
}

void md_close(struct report_out *o) {
    o->section = NULL;
}
