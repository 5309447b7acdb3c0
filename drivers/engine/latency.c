/* latency: cache-line ping-pong between two pinned pthreads (see latency.h). */
#include "engine/latency.h"

#include "engine/stats.h"
#include "machine/affinity.h"

#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum {
    LATENCY_ROUNDS = 11,        /* the first is a warm-up; the median is taken over the others */
    LATENCY_ITERS = 1000,       /* round trips per round: ~0.1-1 ms on current hardware */
    LATENCY_CHECK_EVERY = 1024, /* spins between looks at the clock and the abort flag */
};
#define LATENCY_TIMEOUT_NS 200000000LL

struct latency_shared {
    /* The line that travels; the alignment of the next member keeps everything else off it. */
    _Alignas(64) atomic_long ball;
    _Alignas(64) atomic_int abort_flag;
    atomic_int ready;
    long long deadline_ns;
    double round_ns[LATENCY_ROUNDS]; /* written by the ping thread, read after join */
    int rounds_done;
};

struct latency_role {
    struct latency_shared *s;
    int cpu;
    int ping;
};

static long long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int latency_pick_cpus(int *a, int *b) {
    int ids[2];
    if (affinity_allowed_cpus(ids, 2) < 2)
        return -1;
    *a = ids[0];
    *b = ids[1];
    return 0;
}

static int cpu_allowed(int cpu) {
    int n = affinity_allowed_cpus(NULL, 0), found = 0;
    int *ids = n > 0 ? malloc((size_t)n * sizeof *ids) : NULL;
    if (!ids)
        return 0;
    n = affinity_allowed_cpus(ids, n);
    for (int i = 0; i < n && !found; i++)
        found = ids[i] == cpu;
    free(ids);
    return found;
}

/* Reading the clock costs about as much as one transfer, so it is done only now and then. */
static int should_stop(struct latency_shared *s) {
    if (atomic_load_explicit(&s->abort_flag, memory_order_relaxed))
        return 1;
    if (now_ns() < s->deadline_ns)
        return 0;
    atomic_store(&s->abort_flag, 1);
    return 1;
}

static int wait_for_ball(struct latency_shared *s, long want) {
    for (unsigned n = 1;; n++) {
        if (atomic_load_explicit(&s->ball, memory_order_acquire) == want)
            return 0;
        if (n % LATENCY_CHECK_EVERY == 0 && should_stop(s))
            return -1;
    }
}

/* Both threads must be pinned before the first round, or it would time a migration. */
static int wait_for_partner(struct latency_shared *s) {
    atomic_fetch_add(&s->ready, 1);
    for (unsigned n = 1; atomic_load(&s->ready) < 2; n++)
        if (n % LATENCY_CHECK_EVERY == 0 && should_stop(s))
            return -1;
    return 0;
}

/* Ping sends odd values and waits for the even reply; each round trip moves the line twice. */
static void run_ping(struct latency_shared *s) {
    long ball = 0;
    for (int r = 0; r < LATENCY_ROUNDS; r++) {
        long long t0 = now_ns();
        for (int i = 0; i < LATENCY_ITERS; i++) {
            atomic_store_explicit(&s->ball, ++ball, memory_order_release);
            if (wait_for_ball(s, ++ball) != 0)
                return;
        }
        s->round_ns[r] = (double)(now_ns() - t0);
        s->rounds_done = r + 1;
    }
}

static void run_pong(struct latency_shared *s) {
    long ball = 0;
    for (long i = 0; i < (long)LATENCY_ROUNDS * LATENCY_ITERS; i++) {
        if (wait_for_ball(s, ++ball) != 0)
            return;
        atomic_store_explicit(&s->ball, ++ball, memory_order_release);
    }
}

static void *latency_thread(void *arg) {
    struct latency_role *role = arg;
    if (affinity_pin_self(role->cpu) != 0) {
        atomic_store(&role->s->abort_flag, 1);
        return NULL;
    }
    if (wait_for_partner(role->s) != 0)
        return NULL;
    if (role->ping)
        run_ping(role->s);
    else
        run_pong(role->s);
    return NULL;
}

static double median_round_ns(struct latency_shared *s) {
    double *v = s->round_ns + 1; /* skip the warm-up round */
    int n = LATENCY_ROUNDS - 1;
    return stats_median_inplace(v, (size_t)n);
}

double latency_core_to_core_ns(int cpu_a, int cpu_b) {
    struct latency_shared s;
    struct latency_role roles[2] = {{&s, cpu_a, 1}, {&s, cpu_b, 0}};
    pthread_t threads[2];
    int started = 0;

    if (cpu_a < 0 || cpu_b < 0 || cpu_a == cpu_b || affinity_allowed_cpus(NULL, 0) < 2 ||
        !cpu_allowed(cpu_a) || !cpu_allowed(cpu_b))
        return NAN;
    memset(&s, 0, sizeof s);
    atomic_init(&s.ball, 0);
    atomic_init(&s.abort_flag, 0);
    atomic_init(&s.ready, 0);
    s.deadline_ns = now_ns() + LATENCY_TIMEOUT_NS;

    for (; started < 2; started++) {
        if (pthread_create(&threads[started], NULL, latency_thread, &roles[started]) != 0) {
            atomic_store(&s.abort_flag, 1); /* releases a partner already waiting */
            break;
        }
    }
    for (int i = 0; i < started; i++)
        pthread_join(threads[i], NULL);

    if (s.rounds_done < LATENCY_ROUNDS || atomic_load(&s.abort_flag))
        return NAN;
    return median_round_ns(&s) / LATENCY_ITERS / 2.0;
}

/* ---- the run's placement ------------------------------------------------------------------ */

void latency_record(struct context *ctx, int at_end) {
    if (!at_end && latency_pick_cpus(&ctx->latency_cpu_a, &ctx->latency_cpu_b) != 0)
        return;
    if (ctx->latency_cpu_a < 0)
        return;
    double ns = latency_core_to_core_ns(ctx->latency_cpu_a, ctx->latency_cpu_b);
    if (at_end)
        ctx->latency_end_ns = ns;
    else
        ctx->latency_start_ns = ns;
}

/* More than LATENCY_PLACEMENT_CHANGE either way: the host moved the CPUs. */
static int placement_changed(const struct context *ctx) {
    double a = ctx->latency_start_ns, b = ctx->latency_end_ns;
    return isfinite(a) && isfinite(b) &&
           (a > LATENCY_PLACEMENT_CHANGE * b || b > LATENCY_PLACEMENT_CHANGE * a);
}

void latency_warn_placement(FILE *f, const char *command, const struct context *ctx) {
    if (placement_changed(ctx))
        fprintf(f,
                "ompsweep %s: warning: core-to-core latency changed during the run (%.0f ns -> "
                "%.0f ns): the host moved the CPUs; multi-thread figures may mix two "
                "placements\n",
                command, ctx->latency_start_ns, ctx->latency_end_ns);
}
