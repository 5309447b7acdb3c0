#include "report/report_caches.h"
#include "format/units.h"

#include "report/report_out.h"

#include <math.h>
#include <string.h>

const char *cache_name(const struct report_cache *c, char *buf, size_t len) {
    snprintf(buf, len, "L%d%s", c->level, strcmp(c->type, "data") == 0 ? "d" : "");
    return buf;
}

/* Logical CPUs per core (SMT), at least 1. */
static int smt(const struct report_context *ctx) {
    if (ctx->cores > 0 && ctx->logical_cpus >= ctx->cores)
        return ctx->logical_cpus / ctx->cores;
    return 1;
}

int cache_cores_per_instance(const struct report_context *ctx, const struct report_cache *c) {
    int per = c->shared_by_cpus / smt(ctx);
    return per > 1 ? per : 1;
}

double cache_share_per_thread(const struct report_context *ctx, const struct report_cache *c,
                              int threads) {
    int per = cache_cores_per_instance(ctx, c);
    int sharing = threads < per ? threads : per;
    return c->size_bytes / (sharing > 1 ? sharing : 1);
}

double cache_capacity(const struct report_context *ctx, const struct report_cache *c, int threads) {
    int per = cache_cores_per_instance(ctx, c);
    int used = (threads + per - 1) / per;
    if (c->instances > 0 && used > c->instances)
        used = c->instances;
    return c->size_bytes * (used > 1 ? used : 1);
}

void cache_describe(const struct report_context *ctx, const struct report_cache *c, char *buf,
                    size_t len) {
    char name[16], size[32];
    int per = cache_cores_per_instance(ctx, c);
    cache_name(c, name, sizeof name);
    units_format_bytes(c->size_bytes, size, sizeof size);
    if (per <= 1)
        snprintf(buf, len, "%s %s per core", name, size);
    else
        snprintf(buf, len, "%s %s shared by %d cores", name, size, per);
    if (c->instances > 1) {
        size_t used = strlen(buf);
        snprintf(buf + used, len - used, " (×%d)", c->instances);
    }
}
