/* json: streaming JSON writer (see json.h). */
#include "format/json.h"

#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void json_init(struct json_writer *w, FILE *f, int pretty) {
    memset(w, 0, sizeof *w);
    w->f = f;
    w->pretty = pretty;
}

/* Comma state lives per level; levels past the array share its last slot rather than overflow. */
static int *comma_slot(struct json_writer *w) {
    int d = w->depth < 0 ? 0 : w->depth;
    return &w->need_comma[d < JSON_MAX_DEPTH ? d : JSON_MAX_DEPTH - 1];
}

static void newline_indent(struct json_writer *w) {
    fputc('\n', w->f);
    for (int i = 0; i < w->depth; i++)
        fputs("  ", w->f);
}

/* Length of the well-formed UTF-8 sequence starting at s, 0 if it is not one. Overlong forms,
 * surrogates and code points past U+10FFFF are rejected so that strict parsers accept the
 * output. The terminating NUL fails the continuation test, so reads stay inside the string. */
static int utf8_sequence_length(const unsigned char *s) {
    unsigned c = s[0], cp, min;
    int n;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2, cp = c & 0x1F, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
        n = 3, cp = c & 0x0F, min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4, cp = c & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    for (int i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3Fu);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

static void write_escaped(FILE *f, const char *str) {
    const unsigned char *s = (const unsigned char *)str;
    fputc('"', f);
    while (*s) {
        if (*s == '"' || *s == '\\') {
            fputc('\\', f);
            fputc(*s++, f);
        } else if (*s < 0x20) {
            fprintf(f, "\\u%04x", (unsigned)*s++);
        } else {
            int n = utf8_sequence_length(s);
            if (n == 0) {
                fputs("\\ufffd", f); /* host names or arguments in a legacy encoding */
                s++;
            } else {
                fwrite(s, 1, (size_t)n, f);
                s += n;
            }
        }
    }
    fputc('"', f);
}

/* Everything a value needs before it: separator, layout and its key. */
static void begin_value(struct json_writer *w, const char *key) {
    int *comma = comma_slot(w);
    if (w->depth > 0) {
        if (*comma)
            fputc(',', w->f);
        if (w->pretty)
            newline_indent(w);
    }
    *comma = 1;
    if (key) {
        write_escaped(w->f, key);
        fputs(w->pretty ? ": " : ":", w->f);
    }
}

/* Top-level values end with a newline so a file of several of them is valid JSON Lines. */
static void end_value(struct json_writer *w) {
    if (w->depth <= 0)
        fputc('\n', w->f);
}

static void open_container(struct json_writer *w, const char *key, char bracket) {
    begin_value(w, key);
    fputc(bracket, w->f);
    w->depth++;
    *comma_slot(w) = 0;
}

static void close_container(struct json_writer *w, char bracket) {
    int had_members = *comma_slot(w);
    if (w->depth > 0)
        w->depth--;
    if (w->pretty && had_members)
        newline_indent(w);
    fputc(bracket, w->f);
    end_value(w);
}

void json_document_begin(struct json_writer *w, FILE *f, const char *schema) {
    json_init(w, f, 1);
    json_object_begin(w, NULL);
    json_string(w, "schema", schema);
}

void json_object_begin(struct json_writer *w, const char *key) {
    open_container(w, key, '{');
}
void json_object_end(struct json_writer *w) {
    close_container(w, '}');
}
void json_array_begin(struct json_writer *w, const char *key) {
    open_container(w, key, '[');
}
void json_array_end(struct json_writer *w) {
    close_container(w, ']');
}

void json_string(struct json_writer *w, const char *key, const char *value) {
    if (!value) {
        json_null(w, key);
        return;
    }
    begin_value(w, key);
    write_escaped(w->f, value);
    end_value(w);
}

/* A program that called setlocale() may print "1,5"; JSON only knows the dot. */
static void force_decimal_dot(char *buf) {
    const char *dp = localeconv()->decimal_point;
    size_t len = strlen(dp);
    char *at;
    if (len == 0 || strcmp(dp, ".") == 0 || (at = strstr(buf, dp)) == NULL)
        return;
    *at = '.';
    memmove(at + 1, at + len, strlen(at + len) + 1);
}

/* Shortest of %.15g..%.17g that reads back to the same double: 0.1 stays "0.1", and every
 * value still round-trips because %.17g always does. */
static void format_double(char *buf, size_t cap, double v) {
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, cap, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    force_decimal_dot(buf);
}

void json_number(struct json_writer *w, const char *key, double value) {
    char buf[64];
    if (!isfinite(value)) {
        json_null(w, key);
        return;
    }
    format_double(buf, sizeof buf, value);
    begin_value(w, key);
    fputs(buf, w->f);
    end_value(w);
}

void json_integer(struct json_writer *w, const char *key, long long value) {
    begin_value(w, key);
    fprintf(w->f, "%lld", value);
    end_value(w);
}

void json_bool(struct json_writer *w, const char *key, int value) {
    begin_value(w, key);
    fputs(value ? "true" : "false", w->f);
    end_value(w);
}

void json_null(struct json_writer *w, const char *key) {
    begin_value(w, key);
    fputs("null", w->f);
    end_value(w);
}
