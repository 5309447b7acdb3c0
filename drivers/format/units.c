#include "format/units.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_LIST = 4096 };

static int fail(char *err, size_t errlen, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

/* Digits, then an optional suffix from `suffixes` with its multiplier; nothing else. */
static int parse_scaled(const char *s, const char *const *suffixes, const long long *mult,
                        long long *out) {
    if (!s || *s < '0' || *s > '9')
        return -1;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno)
        return -1;
    long long m = 1;
    if (*end) {
        int found = 0;
        for (size_t i = 0; suffixes[i]; i++)
            if (strcmp(end, suffixes[i]) == 0) {
                m = mult[i];
                found = 1;
                break;
            }
        if (!found)
            return -1;
    }
    if (v > (unsigned long long)(__LONG_LONG_MAX__ / m))
        return -1;
    *out = (long long)v * m;
    return 0;
}

static const char *const count_suffixes[] = {"k", "K", "M", "G", NULL};
static const long long count_mult[] = {1000, 1000, 1000000, 1000000000};

int units_parse_count(const char *s, long long min, long long max, long long *out, char *err,
                      size_t errlen) {
    long long v;
    if (parse_scaled(s, count_suffixes, count_mult, &v))
        return fail(err, errlen, "'%s' is not a whole number (suffixes k, M, G allowed)", s);
    if (v < min || v > max)
        return fail(err, errlen, "%s is out of range (%lld to %lld)", s, min, max);
    *out = v;
    return 0;
}

/* Split s at commas into a fresh copy; each item is checked by the caller. */
static char *next_item(char **cursor) {
    char *item = *cursor;
    if (!item)
        return NULL;
    char *comma = strchr(item, ',');
    if (comma) {
        *comma = '\0';
        *cursor = comma + 1;
    } else {
        *cursor = NULL;
    }
    return item;
}

static int append(long long **v, size_t *n, size_t *cap, long long x) {
    if (*n == MAX_LIST)
        return -1;
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 16;
        long long *nv = realloc(*v, nc * sizeof **v);
        if (!nv)
            return -1;
        *v = nv;
        *cap = nc;
    }
    (*v)[(*n)++] = x;
    return 0;
}

static int parse_range_item(char *item, long long min, long long max, long long **v, size_t *n,
                            size_t *cap, char *err, size_t errlen) {
    char *dash = strchr(item, '-');
    long long lo, hi;
    if (dash == item)
        return fail(err, errlen, "'%s' is negative: counts start at %lld", item, min);
    if (!dash) {
        if (units_parse_count(item, min, max, &lo, err, errlen))
            return -1;
        return append(v, n, cap, lo) ? fail(err, errlen, "list too long") : 0;
    }
    *dash = '\0';
    if (units_parse_count(item, min, max, &lo, err, errlen) ||
        units_parse_count(dash + 1, min, max, &hi, err, errlen))
        return -1;
    if (hi < lo)
        return fail(err, errlen, "range %lld-%lld runs backwards", lo, hi);
    if (hi - lo >= MAX_LIST)
        return fail(err, errlen, "range %lld-%lld is too long", lo, hi);
    for (long long x = lo; x <= hi; x++)
        if (append(v, n, cap, x))
            return fail(err, errlen, "list too long");
    return 0;
}

int units_parse_count_list(const char *s, long long min, long long max, long long **out, size_t *n,
                           char *err, size_t errlen) {
    *out = NULL;
    *n = 0;
    if (!s || !*s)
        return fail(err, errlen, "empty list");
    char *copy = strdup(s), *cursor = copy, *item;
    long long *v = NULL;
    size_t count = 0, cap = 0;
    int rc = copy ? 0 : fail(err, errlen, "out of memory");
    while (!rc && (item = next_item(&cursor))) {
        if (!*item)
            rc = fail(err, errlen, "'%s': empty item", s);
        else
            rc = parse_range_item(item, min, max, &v, &count, &cap, err, errlen);
    }
    free(copy);
    if (rc) {
        free(v);
        return -1;
    }
    *out = v;
    *n = count;
    return 0;
}

static const char *const byte_suffixes[] = {"B",   "K", "KB", "KiB", "M", "MB",
                                            "MiB", "G", "GB", "GiB", NULL};
static const long long byte_mult[] = {1,       1024,    1024,       1024,       1048576,
                                      1048576, 1048576, 1073741824, 1073741824, 1073741824};

static int parse_chunk(const char *item, struct chunk_spec *c, char *err, size_t errlen) {
    if (strcmp(item, "all") == 0) {
        *c = (struct chunk_spec){CHUNK_ALL, 0};
        return 0;
    }
    long long v;
    const char *end = item;
    while (*end >= '0' && *end <= '9')
        end++;
    int bytes = *end != '\0';
    if (bytes ? parse_scaled(item, byte_suffixes, byte_mult, &v)
              : parse_scaled(item, count_suffixes, count_mult, &v))
        return fail(err, errlen,
                    "'%s' is not a chunk: use a count, bytes with B/K/M/G (125K), or all", item);
    if (v <= 0)
        return fail(err, errlen, "chunk '%s' must be larger than 0", item);
    *c = (struct chunk_spec){bytes ? CHUNK_BYTES : CHUNK_COUNT, v};
    return 0;
}

int units_parse_chunk_list(const char *s, struct chunk_spec **out, size_t *n, char *err,
                           size_t errlen) {
    *out = NULL;
    *n = 0;
    if (!s || !*s)
        return fail(err, errlen, "empty list");
    size_t cap = 1;
    for (const char *p = s; *p; p++)
        cap += *p == ',';
    if (cap > MAX_LIST)
        return fail(err, errlen, "list too long");
    struct chunk_spec *v = calloc(cap, sizeof *v);
    char *copy = strdup(s), *cursor = copy, *item;
    int rc = v && copy ? 0 : fail(err, errlen, "out of memory");
    size_t count = 0;
    while (!rc && (item = next_item(&cursor))) {
        if (!*item)
            rc = fail(err, errlen, "'%s': empty item", s);
        else
            rc = parse_chunk(item, &v[count++], err, errlen);
    }
    free(copy);
    if (rc) {
        free(v);
        return -1;
    }
    *out = v;
    *n = count;
    return 0;
}

void units_free_names(char **names, size_t n) {
    for (size_t i = 0; names && i < n; i++)
        free(names[i]);
    free(names);
}

int units_parse_bytes(const char *s, long long min, long long max, long long *out, char *err,
                      size_t errlen) {
    long long v;
    if (parse_scaled(s, byte_suffixes, byte_mult, &v))
        return fail(err, errlen, "'%s' is not a size in bytes (e.g. 4096, 64K, 2M, 1G)", s);
    if (v < min || v > max)
        return fail(err, errlen, "'%s' is out of range: %lld to %lld bytes", s, min, max);
    *out = v;
    return 0;
}

int units_parse_name_list(const char *s, char ***out, size_t *n, char *err, size_t errlen) {
    *out = NULL;
    *n = 0;
    if (!s || !*s)
        return fail(err, errlen, "empty list");
    size_t cap = 1;
    for (const char *p = s; *p; p++)
        cap += *p == ',';
    char **names = calloc(cap, sizeof *names);
    char *copy = strdup(s), *cursor = copy, *item;
    int rc = names && copy ? 0 : fail(err, errlen, "out of memory");
    size_t count = 0;
    while (!rc && (item = next_item(&cursor))) {
        if (!*item)
            rc = fail(err, errlen, "'%s': empty item", s);
        else if (!(names[count++] = strdup(item)))
            rc = fail(err, errlen, "out of memory");
    }
    free(copy);
    if (rc) {
        units_free_names(names, count);
        return -1;
    }
    *out = names;
    *n = count;
    return 0;
}

int units_parse_seconds(const char *s, double *out, char *err, size_t errlen) {
    char *end;
    errno = 0;
    double v = s ? strtod(s, &end) : 0.0;
    if (!s || end == s || errno)
        return fail(err, errlen, "'%s' is not a duration (e.g. 0.02, 20ms, 2s)", s ? s : "");
    if (strcmp(end, "ms") == 0)
        v /= 1000.0;
    else if (*end && strcmp(end, "s") != 0)
        return fail(err, errlen, "'%s' is not a duration (e.g. 0.02, 20ms, 2s)", s);
    if (!(v > 0.0 && v <= 3600.0))
        return fail(err, errlen, "'%s' must be more than 0 and at most 3600 seconds", s);
    *out = v;
    return 0;
}

int units_parse_real(const char *s, double min, double max, double *out, char *err, size_t errlen) {
    char *end;
    errno = 0;
    double v = s && !isspace((unsigned char)*s) ? strtod(s, &end) : 0.0;
    if (!s || isspace((unsigned char)*s) || end == s || *end || errno == EINVAL)
        return fail(err, errlen, "'%s' is not a number", s ? s : "");
    if (!isfinite(v))
        return fail(err, errlen, "'%s' is not a finite number", s);
    if (errno == ERANGE) /* underflow: the value would silently become 0 or a denormal */
        return fail(err, errlen, "'%s' is too small to represent", s);
    v += 0.0; /* -0 becomes +0 */
    if (v < min || v > max)
        return fail(err, errlen, "%s is out of range (%.15g to %.15g)", s, min, max);
    *out = v;
    return 0;
}

int units_parse_fraction(const char *s, double min, double max, double *out, char *err,
                         size_t errlen) {
    size_t n = s ? strlen(s) : 0;
    int percent = n > 1 && s[n - 1] == '%';
    char number[64];
    if (n == 0 || n >= sizeof number)
        return fail(err, errlen, "'%s' is not a fraction (e.g. 2%% or 0.02)", s ? s : "");
    memcpy(number, s, n + 1);
    if (percent)
        number[n - 1] = '\0';
    double v;
    if (units_parse_real(number, 0.0, 1e300, &v, err, errlen))
        return fail(err, errlen, "'%s' is not a fraction (e.g. 2%% or 0.02)", s);
    if (percent)
        v /= 100.0;
    if (v < min || v > max)
        return fail(err, errlen, "%s is out of range (%.15g%% to %.15g%%)", s, 100.0 * min,
                    100.0 * max);
    *out = v;
    return 0;
}

const char *units_format_chunk(const struct chunk_spec *c, char *buf, size_t len) {
    if (c->kind == CHUNK_ALL)
        snprintf(buf, len, "all");
    else if (c->kind == CHUNK_COUNT)
        snprintf(buf, len, "%lld", c->value);
    else if (c->value % 1048576 == 0)
        snprintf(buf, len, "%lldM", c->value / 1048576);
    else if (c->value % 1024 == 0)
        snprintf(buf, len, "%lldK", c->value / 1024);
    else
        snprintf(buf, len, "%lldB", c->value);
    return buf;
}

const char *units_format_bytes(double bytes, char *buf, size_t len) {
    static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
    if (!isfinite(bytes)) {
        snprintf(buf, len, "-");
        return buf;
    }
    size_t u = 0;
    double v = bytes;
    while (fabs(v) >= 1024.0 && u + 1 < sizeof units / sizeof units[0]) {
        v /= 1024.0;
        u++;
    }
    snprintf(buf, len, v == floor(v) ? "%.0f %s" : "%.3g %s", v, units[u]);
    return buf;
}

const char *units_format_seconds(double s, char *buf, size_t len) {
    if (!isfinite(s))
        snprintf(buf, len, "-");
    else if (s < 1e-6)
        snprintf(buf, len, "%.3g ns", s * 1e9);
    else if (s < 1e-3)
        snprintf(buf, len, "%.3g us", s * 1e6);
    else if (s < 1.0)
        snprintf(buf, len, "%.3g ms", s * 1e3);
    else
        snprintf(buf, len, "%.3g s", s);
    return buf;
}
