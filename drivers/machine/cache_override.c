#include "machine/cache_override.h"

#include "format/units.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int parse_item(const char *item, struct cache_size *c, char *err, size_t errlen) {
    char inner[CLI_ERRLEN];
    const char *eq = strchr(item, '=');
    if ((item[0] != 'L' && item[0] != 'l') || item[1] < '1' || item[1] > '5' || eq != item + 2) {
        snprintf(err, errlen, "'%s' is not LEVEL=SIZE (e.g. L2=2M)", item);
        return -1;
    }
    c->level = item[1] - '0';
    if (cli_parse_bytes(eq + 1, 1024, 1LL << 40, &c->size_bytes, inner, sizeof inner)) {
        snprintf(err, errlen, "L%d: %s", c->level, inner);
        return -1;
    }
    return 0;
}

int cache_override_parse(const char *spec, struct cache_size *out, int max, int *n, char *err,
                         size_t errlen) {
    char **items = NULL;
    size_t count = 0;
    *n = 0;
    if (cli_parse_name_list(spec, &items, &count, err, errlen))
        return -1;
    int rc = 0;
    for (size_t i = 0; !rc && i < count; i++) {
        if (*n == max) {
            snprintf(err, errlen, "more than %d levels", max);
            rc = -1;
            break;
        }
        rc = parse_item(items[i], &out[*n], err, errlen);
        for (int j = 0; !rc && j < *n; j++)
            if (out[j].level == out[*n].level) {
                snprintf(err, errlen, "L%d is given twice", out[j].level);
                rc = -1;
            }
        if (!rc)
            (*n)++;
    }
    cli_free_names(items, count);
    return rc;
}

static int by_level(const void *a, const void *b) {
    return ((const struct cache_level *)a)->level - ((const struct cache_level *)b)->level;
}

void cache_override_apply(struct context *ctx, const char *spec, const struct cache_size *sizes,
                          int n) {
    memcpy(ctx->caches_detected, ctx->caches, sizeof ctx->caches);
    ctx->ncaches_detected = ctx->ncaches;
    snprintf(ctx->caches_override, sizeof ctx->caches_override, "%s", spec);
    for (int i = 0; i < n; i++) {
        struct cache_level *c = NULL;
        for (int j = 0; j < ctx->ncaches && !c; j++)
            if (ctx->caches[j].level == sizes[i].level)
                c = &ctx->caches[j];
        if (!c && ctx->ncaches < CONTEXT_MAX_CACHES) {
            c = &ctx->caches[ctx->ncaches++];
            memset(c, 0, sizeof *c);
            c->level = sizes[i].level;
            snprintf(c->type, sizeof c->type, "unified");
            c->line_bytes = 64;
            c->instances = ctx->packages > 0 ? ctx->packages : 1;
            c->shared_by_cpus = ctx->logical_cpus / c->instances;
        }
        if (c)
            c->size_bytes = sizes[i].size_bytes;
    }
    qsort(ctx->caches, (size_t)ctx->ncaches, sizeof ctx->caches[0], by_level);
}
