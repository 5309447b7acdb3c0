/* ceilings_file: the machine's ceilings written to and read from JSON (see ceilings_file.h). */
#include "output/ceilings_file.h"

#include "format/schema.h"
#include "machine/context_write.h"
#include "peak.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- writing ------------------------------------------------------------------------------ */

static void write_ceiling(struct json_writer *w, const char *key, const struct ceiling *c) {
    char name[64];
    json_number(w, key, c->best);
    snprintf(name, sizeof name, "%s_threads", key);
    json_integer(w, name, c->best_threads);
    snprintf(name, sizeof name, "%s_1thread", key);
    json_number(w, name, c->one);
    snprintf(name, sizeof name, "%s_variant", key);
    json_string(w, name, c->variant);
}

void ceilings_file_write_object(struct json_writer *w, const struct ceilings *c) {
    json_object_begin(w, "ceilings");
    json_string(w, "measured", c->measured);
    json_string(w, "host", c->host);
    write_ceiling(w, "peak_gflops", &c->peak_gflops);
    write_ceiling(w, "triad_gbytes_per_s", &c->triad_gbytes_per_s);
    write_ceiling(w, "read_gbytes_per_s", &c->read_gbytes_per_s);
    json_integer(w, "stream_elements", c->stream_elements);
    /* How this build's peak loop computes: a peak is only as wide as the vectors it used. */
    json_integer(w, "peak_vector_doubles", peak_vector_doubles());
    json_bool(w, "peak_uses_fma", peak_uses_fma());
    json_object_end(w);
}

void ceilings_file_write(FILE *f, const struct ceilings *c, const struct context *ctx) {
    struct json_writer w;
    json_document_begin(&w, f, SCHEMA_CEILINGS);
    ceilings_file_write_object(&w, c);
    context_write_json(&w, ctx);
    json_object_end(&w);
}

/* ---- reading: a flat object of numbers and plain strings ------------------------------------ */

/* The text after `"key"` and its colon inside [obj, end), or NULL. */
static const char *find_value(const char *obj, const char *end, const char *key) {
    char quoted[80];
    snprintf(quoted, sizeof quoted, "\"%s\"", key);
    size_t len = strlen(quoted);
    for (const char *p = obj; p + len <= end; p++) {
        if (memcmp(p, quoted, len) != 0)
            continue;
        const char *q = p + len;
        while (q < end && (*q == ' ' || *q == '\n' || *q == '\t' || *q == '\r'))
            q++;
        if (q < end && *q == ':') {
            q++;
            while (q < end && (*q == ' ' || *q == '\n' || *q == '\t' || *q == '\r'))
                q++;
            return q < end ? q : NULL;
        }
    }
    return NULL;
}

static int is_space(char ch) {
    return ch == ' ' || ch == '\n' || ch == '\t' || ch == '\r';
}

/* The number under `key`: a JSON number followed by a delimiter, nothing else. *present tells a
 * missing key from a bad value. */
static int read_number(const char *obj, const char *end, const char *key, double *out, int *present,
                       char *err, size_t errlen) {
    const char *v = find_value(obj, end, key);
    char buf[64];
    size_t n = 0;
    *present = v != NULL;
    while (v && v + n < end && n < sizeof buf && strchr("0123456789+-.eE", v[n]))
        n++;
    int delimited = v && (v + n == end || is_space(v[n]) || v[n] == ',' || v[n] == '}');
    if (!v || n == 0 || n == sizeof buf || !delimited) {
        snprintf(err, errlen,
                 v ? "\"%s\" is not a number in the ceilings" : "no number \"%s\" in the ceilings",
                 key);
        return -1;
    }
    memcpy(buf, v, n);
    buf[n] = '\0';
    char *stop;
    errno = 0;
    *out = strtod(buf, &stop);
    if (*stop || errno || !isfinite(*out) || *out <= 0.0) {
        snprintf(err, errlen, "\"%s\" is not a positive number in the ceilings", key);
        return -1;
    }
    return 0;
}

static int read_required(const char *obj, const char *end, const char *key, double *out, char *err,
                         size_t errlen) {
    int present;
    return read_number(obj, end, key, out, &present, err, errlen);
}

/* A JSON string with its \" and \\ escapes decoded (others keep the escaped character). */
static void read_string(const char *obj, const char *end, const char *key, char *out, size_t len) {
    const char *v = find_value(obj, end, key);
    size_t n = 0;
    if (v && *v == '"')
        for (v++; v < end && *v != '"' && n + 1 < len; v++) {
            if (*v == '\\' && v + 1 < end)
                v++;
            out[n++] = *v;
        }
    out[n] = '\0';
}

static int read_ceiling(const char *obj, const char *end, const char *key, struct ceiling *c,
                        char *err, size_t errlen) {
    char name[64];
    double threads, one;
    int present;
    snprintf(name, sizeof name, "%s_threads", key);
    if (read_required(obj, end, key, &c->best, err, errlen) ||
        read_required(obj, end, name, &threads, err, errlen))
        return -1;
    if (threads < 1 || threads > 1e6 || threads != floor(threads)) {
        snprintf(err, errlen, "\"%s_threads\" is not a thread count", key);
        return -1;
    }
    c->best_threads = (int)threads;
    snprintf(name, sizeof name, "%s_1thread", key); /* optional, but not malformed */
    if (read_number(obj, end, name, &one, &present, err, errlen) == 0)
        c->one = one;
    else if (present)
        return -1;
    else
        c->one = NAN;
    snprintf(name, sizeof name, "%s_variant", key);
    read_string(obj, end, name, c->variant, sizeof c->variant);
    return 0;
}

/* The object under the key "ceilings": the key, a colon, then '{'. */
static const char *find_object(const char *text) {
    for (const char *p = strstr(text, "\"ceilings\""); p; p = strstr(p + 1, "\"ceilings\"")) {
        const char *q = p + strlen("\"ceilings\"");
        while (is_space(*q))
            q++;
        if (*q++ != ':')
            continue;
        while (is_space(*q))
            q++;
        if (*q == '{')
            return q;
    }
    return NULL;
}

int ceilings_file_parse(const char *text, struct ceilings *c, char *err, size_t errlen) {
    memset(c, 0, sizeof *c);
    const char *obj = find_object(text);
    const char *end = obj ? strchr(obj, '}') : NULL;
    if (!end) {
        snprintf(err, errlen, "no \"ceilings\" object (write one with 'ompsweep ceilings --json')");
        return -1;
    }
    double elements;
    if (read_ceiling(obj, end, "peak_gflops", &c->peak_gflops, err, errlen) ||
        read_ceiling(obj, end, "triad_gbytes_per_s", &c->triad_gbytes_per_s, err, errlen) ||
        read_ceiling(obj, end, "read_gbytes_per_s", &c->read_gbytes_per_s, err, errlen) ||
        read_required(obj, end, "stream_elements", &elements, err, errlen))
        return -1;
    if (elements < 1 || elements > 0x1p40 || elements != floor(elements)) {
        snprintf(err, errlen, "\"stream_elements\" is not an element count");
        return -1;
    }
    c->stream_elements = (long long)elements;
    read_string(obj, end, "measured", c->measured, sizeof c->measured);
    read_string(obj, end, "host", c->host, sizeof c->host);
    return 0;
}

int ceilings_file_load(const char *path, struct ceilings *c, char *err, size_t errlen) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    enum { MAX_BYTES = 1 << 20 };
    char *text = malloc(MAX_BYTES + 1);
    size_t n = text ? fread(text, 1, MAX_BYTES, f) : 0;
    int too_big = text && n == MAX_BYTES && fgetc(f) != EOF;
    fclose(f);
    if (!text || too_big) {
        snprintf(err, errlen, "%s: %s", path, text ? "larger than 1 MiB" : "out of memory");
        free(text);
        return -1;
    }
    text[n] = '\0';
    char inner[256];
    int rc = ceilings_file_parse(text, c, inner, sizeof inner);
    if (rc)
        snprintf(err, errlen, "%s: %s", path, inner);
    free(text);
    return rc;
}
