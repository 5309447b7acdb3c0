#include "engine/ceilings.h"

#include "engine/sweep_run.h"
#include "kernel.h"
#include "peak.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

long long ceilings_stream_elements(long long llc_total_bytes, long long memory_bytes) {
    long long n = 4 * llc_total_bytes / 8;
    if (n < (1LL << 23))
        n = 1LL << 23;
    if (memory_bytes > 0 && n > memory_bytes / 16 / 8)
        n = memory_bytes / 16 / 8;
    return n < (1LL << 32) ? n : 1LL << 32; /* the stream kernels' largest size */
}

/* The best rate of `kname`'s parallel variants (all but the reference and library ones) over
 * the thread counts, and the best at 1 thread. */
static int measure_one(const char *kname, long long size, const struct ceilings_settings *s,
                       int bandwidth, struct ceiling *out, char *err, size_t errlen) {
    const struct kernel *k = kernel_find(kname);
    enum { MAX_VARIANTS = 16 }; /* far more than any kernel has */
    const struct kernel_variant *variants[MAX_VARIANTS];
    size_t nvariants = 0;
    for (size_t v = 1; k && k->variants[v].name && nvariants < MAX_VARIANTS; v++)
        if (!(k->variants[v].flags & (VARIANT_SERIAL | VARIANT_LIBRARY)))
            variants[nvariants++] = &k->variants[v];
    if (!nvariants) {
        snprintf(err, errlen, "this build has no kernel %s with a parallel variant", kname);
        return -1;
    }
    enum sweep_schedule schedule = SCHED_STATIC;
    long long sz = size > 0 ? size : k->default_size;
    struct sweep_plan plan = {
        .kernel = k,
        .variants = variants,
        .nvariants = nvariants,
        .threads = (long long *)s->threads,
        .nthreads = s->nthreads,
        .schedules = &schedule,
        .nschedules = 1,
        .sizes = &sz,
        .nsizes = 1,
        .samples = s->samples,
        .min_time = s->min_time,
        .precision = s->precision,
        .max_time = s->max_time,
        .memory_budget = s->memory_budget,
        .max_repeats = s->samples,
        .seed = 1,
        .cpus = s->cpus,
        .progress = s->progress,
    };
    kernel_default_params(k, plan.params);
    struct sweep_result res;
    if (sweep_run(&plan, &res, err, errlen)) {
        sweep_result_free(&res);
        return -1;
    }
    *out = (struct ceiling){0.0, 0, NAN, ""};
    int rc = 0;
    for (size_t i = 0; i < res.npoints; i++) {
        const struct sweep_point *p = &res.points[i];
        if (p->variant == &k->variants[0])
            continue;
        if (!p->validated) {
            snprintf(err, errlen, "%s/%s at %d threads: checksum mismatch", kname, p->variant->name,
                     p->threads);
            rc = -1;
            break;
        }
        double rate = bandwidth ? p->gbytes_per_s : p->gflops;
        if (p->threads == 1 && !(rate <= out->one))
            out->one = rate;
        if (rate > out->best) {
            out->best = rate;
            out->best_threads = p->threads;
            snprintf(out->variant, sizeof out->variant, "%s", p->variant->name);
        }
    }
    sweep_result_free(&res);
    return rc;
}

int ceilings_measure(const struct ceilings_settings *s, struct ceilings *c, char *err,
                     size_t errlen) {
    memset(c, 0, sizeof *c);
    c->stream_elements = s->stream_elements;
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(c->measured, sizeof c->measured, "%Y-%m-%dT%H:%M:%SZ", &tm);
    if (gethostname(c->host, sizeof c->host - 1))
        strcpy(c->host, "unknown");
    if (measure_one("peak_flops", 0, s, 0, &c->peak_gflops, err, errlen))
        return -1;
    if (measure_one("stream_triad", s->stream_elements, s, 1, &c->triad_gbytes_per_s, err, errlen))
        return -1;
    return measure_one("stream_read", s->stream_elements, s, 1, &c->read_gbytes_per_s, err, errlen);
}
