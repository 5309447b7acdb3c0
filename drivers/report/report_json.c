/* report_json: the JSON side of result files, read with jansson: the context, the study, the
 * ceilings and a cache map's knees. jansson's names (json_string, json_integer, ...) clash with
 * the project's writer (json.h), so this file includes only jansson.h, report.h and the
 * schema names. */
#include "report/report.h"

#include "format/schema.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void get_string(const json_t *obj, const char *key, char *buf, size_t len) {
    const char *s = json_string_value(json_object_get(obj, key));
    if (s)
        snprintf(buf, len, "%s", s);
}

/* A number, or NaN when missing, null or not a number. */
static double get_number(const json_t *obj, const char *key) {
    const json_t *v = json_object_get(obj, key);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

static int get_int(const json_t *obj, const char *key) {
    double v = get_number(obj, key);
    return isfinite(v) && v >= 0.0 && v < 1e9 ? (int)v : 0;
}

static void read_caches(const json_t *ctx, struct report_context *c) {
    const json_t *caches = json_object_get(ctx, "caches");
    size_t i;
    const json_t *cache;
    json_array_foreach(caches, i, cache) {
        if (c->ncaches >= REPORT_MAX_CACHES)
            break;
        struct report_cache *rc = &c->caches[c->ncaches];
        rc->level = get_int(cache, "level");
        rc->size_bytes = get_number(cache, "size_bytes");
        rc->shared_by_cpus = get_int(cache, "shared_by_cpus");
        rc->instances = get_int(cache, "instances");
        get_string(cache, "type", rc->type, sizeof rc->type);
        if (rc->level > 0 && isfinite(rc->size_bytes) && rc->size_bytes > 0)
            c->ncaches++;
    }
}

static void read_context(const json_t *root, struct report_context *c) {
    const json_t *ctx = json_object_get(root, "context");
    c->latency_start_ns = c->latency_end_ns = c->memory_bytes = NAN;
    if (!json_is_object(ctx))
        return;
    c->present = 1;
    get_string(ctx, "date", c->date, sizeof c->date);
    get_string(ctx, "run_id", c->run_id, sizeof c->run_id);
    get_string(ctx, "host", c->host, sizeof c->host);
    get_string(ctx, "cpu_model", c->cpu_model, sizeof c->cpu_model);
    get_string(ctx, "git_revision", c->git_revision, sizeof c->git_revision);
    get_string(ctx, "version", c->version, sizeof c->version);
    get_string(ctx, "hypervisor", c->hypervisor, sizeof c->hypervisor);
    get_string(ctx, "command_line", c->command_line, sizeof c->command_line);
    get_string(ctx, "openblas_core", c->openblas_core, sizeof c->openblas_core);
    get_string(ctx, "openblas_core_source", c->openblas_core_source,
               sizeof c->openblas_core_source);
    get_string(ctx, "openblas_advice", c->openblas_advice, sizeof c->openblas_advice);
    c->cores = get_int(ctx, "cores");
    c->logical_cpus = get_int(ctx, "logical_cpus");
    c->allowed_cpus = get_int(ctx, "allowed_cpus");
    c->memory_bytes = get_number(ctx, "memory_bytes");
    c->latency_start_ns = get_number(ctx, "latency_start_ns");
    c->latency_end_ns = get_number(ctx, "latency_end_ns");
    read_caches(ctx, c);
}

static void read_ceilings(const json_t *root, const char *name, struct report_ceilings *c) {
    const json_t *obj = json_object_get(root, "ceilings");
    if (!json_is_object(obj))
        return;
    c->peak_gflops = get_number(obj, "peak_gflops");
    c->triad_gbytes_per_s = get_number(obj, "triad_gbytes_per_s");
    c->read_gbytes_per_s = get_number(obj, "read_gbytes_per_s");
    get_string(obj, "host", c->host, sizeof c->host);
    get_string(obj, "measured", c->measured, sizeof c->measured);
    snprintf(c->source, sizeof c->source, "%s", name);
    /* All three are needed to draw the roofline; anything else is no ceilings. */
    c->present = c->peak_gflops > 0 && c->triad_gbytes_per_s > 0 && c->read_gbytes_per_s > 0;
}

static int read_knees(const json_t *root, struct report_sidecar *s) {
    const json_t *knees = json_object_get(root, "knees");
    if (!json_is_array(knees))
        return 0;
    s->has_knees = 1;
    size_t n = json_array_size(knees), i;
    s->knees = calloc(n ? n : 1, sizeof *s->knees);
    if (!s->knees)
        return -1;
    const json_t *k;
    json_array_foreach(knees, i, k) {
        struct report_knee *kn = &s->knees[s->nknees];
        get_string(k, "variant", kn->variant, sizeof kn->variant);
        kn->threads = get_int(k, "threads");
        kn->level = get_int(k, "level");
        kn->reported_bytes = get_number(k, "reported_bytes");
        kn->capacity_bytes = get_number(k, "capacity_bytes");
        kn->measured_bytes = get_number(k, "measured_bytes");
        kn->ratio = get_number(k, "ratio");
        kn->inside_gbytes_per_s = get_number(k, "inside_gbytes_per_s");
        kn->outside_gbytes_per_s = get_number(k, "outside_gbytes_per_s");
        kn->within_noise = json_is_true(json_object_get(k, "within_noise"));
        if (kn->threads > 0 && kn->level > 0)
            s->nknees++;
    }
    return 0;
}

/* The line of the first `"key":` in the file (1 when it cannot be found): jansson keeps no
 * positions of the values it parsed, so a message about one looks for its key in the text
 * (read again: this is only done for a file that has a problem). */
static long key_line(const char *path, const char *key) {
    FILE *f = fopen(path, "r");
    char *text = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    int c;
    while (f && m && (c = getc(f)) != EOF)
        putc(c, m);
    if (f)
        fclose(f);
    if (m)
        fclose(m);
    if (!f || !m) {
        free(text);
        return 1;
    }
    char quoted[80];
    snprintf(quoted, sizeof quoted, "\"%s\"", key);
    long line = 0;
    for (const char *at = strstr(text, quoted); at && !line; at = strstr(at + 1, quoted)) {
        const char *after = at + strlen(quoted);
        after += strspn(after, " \t\r\n");
        if (*after != ':')
            continue;
        line = 1;
        for (const char *p = text; p < at; p++)
            line += *p == '\n';
    }
    free(text);
    return line ? line : 1;
}

static const char *type_name(const json_t *v) {
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return "an object";
    case JSON_ARRAY:
        return "an array";
    case JSON_STRING:
        return "a string";
    case JSON_INTEGER:
    case JSON_REAL:
        return "a number";
    case JSON_TRUE:
    case JSON_FALSE:
        return "true or false";
    default:
        return "null";
    }
}

/* The key holding the file's list of points, by its schema. */
static const char *list_key(const char *schema) {
    if (strncmp(schema, SCHEMA_OVERHEAD, strlen(SCHEMA_OVERHEAD) - 1) == 0)
        return "overheads";
    if (strncmp(schema, SCHEMA_BREAKEVEN, strlen(SCHEMA_BREAKEVEN) - 1) == 0)
        return "breakeven";
    return "points";
}

/* Every key the report reads whose value has another type than the schema's is named in
 * s->problems (the reader then takes it as absent). */
static void check_types(const json_t *root, const char *path, const char *name,
                        struct report_sidecar *s) {
    const struct {
        const char *key;
        json_type type;
    } keys[] = {{"schema", JSON_STRING},          {"study", JSON_STRING},
                {"context", JSON_OBJECT},         {"ceilings", JSON_OBJECT},
                {"measurement", JSON_OBJECT},     {"knees", JSON_ARRAY},
                {list_key(s->schema), JSON_ARRAY}};
    size_t used = strlen(s->problems);
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        const json_t *v = json_object_get(root, keys[i].key);
        if (!v || json_typeof(v) == keys[i].type || used >= sizeof s->problems)
            continue;
        used += (size_t)snprintf(s->problems + used, sizeof s->problems - used,
                                 "%s%s:%ld: '%s' is %s, not %s", used ? "; " : "", name,
                                 key_line(path, keys[i].key), keys[i].key, type_name(v),
                                 keys[i].type == JSON_OBJECT  ? "an object"
                                 : keys[i].type == JSON_ARRAY ? "an array"
                                                              : "a string");
    }
}

int report_json_read(const char *path, const char *name, struct report_sidecar *s, char *err,
                     size_t errlen) {
    memset(s, 0, sizeof *s);
    json_error_t je;
    json_t *root = json_load_file(path, JSON_DECODE_ANY, &je);
    if (!root) {
        snprintf(err, errlen, "%s:%d:%d: %s", name, je.line, je.column, je.text);
        return -1;
    }
    if (!json_is_object(root)) {
        snprintf(err, errlen, "%s:1:1: not a JSON object", name);
        json_decref(root);
        return -1;
    }
    get_string(root, "schema", s->schema, sizeof s->schema);
    get_string(root, "study", s->study, sizeof s->study);
    check_types(root, path, name, s);
    const json_t *list = json_object_get(root, list_key(s->schema));
    s->npoints = json_is_array(list) ? (long)json_array_size(list) : -1;
    read_context(root, &s->ctx);
    read_ceilings(root, name, &s->ceilings);
    const json_t *m = json_object_get(root, "measurement");
    s->rounds_measured = json_is_object(m) ? get_int(m, "rounds_measured") : -1;
    s->rounds_repeated = json_is_object(m) ? get_int(m, "rounds_repeated") : -1;
    int rc = read_knees(root, s);
    json_decref(root);
    if (rc) {
        snprintf(err, errlen, "%s: out of memory", name);
        report_sidecar_free(s);
    }
    return rc;
}

void report_sidecar_free(struct report_sidecar *s) {
    free(s->knees);
    s->knees = NULL;
    s->nknees = 0;
}
