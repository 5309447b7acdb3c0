/* cpu_share: one pinned pthread per allowed CPU counting turns of arithmetic in a common window
 * (see cpu_share.h). */
#include "engine/cpu_share.h"

#include "engine/measure.h"
#include "machine/affinity.h"

#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>

#define READY_TIMEOUT_S 0.2

/* Each counter on its own cache line: the threads must not slow each other down. */
struct share_slot {
    _Alignas(64) long long turns;
    double sink;
    int cpu, failed;
    struct share_run *run;
};

struct share_run {
    _Alignas(64) atomic_int ready;
    _Alignas(64) atomic_int go; /* 1: start counting; -1: give up */
    double deadline_s;          /* measure_now() time, written before go is set */
};

/* A turn's arithmetic: independent fma chains, enough of them (64 lanes) to keep a core's
 * vector units busy, about a microsecond's worth between two looks at the clock. */
enum { TURN_LANES = 64, TURN_STEPS = 256 };

static void turn_work(double *restrict acc) {
    for (int k = 0; k < TURN_STEPS; k++) {
#pragma omp simd
        for (int l = 0; l < TURN_LANES; l++)
            acc[l] = fma(acc[l], 0.999999, 1e-9);
    }
}

static void *share_thread(void *arg) {
    struct share_slot *slot = arg;
    struct share_run *run = slot->run;
    slot->failed = affinity_pin_self(slot->cpu) != 0;
    atomic_fetch_add(&run->ready, 1);
    int go;
    while ((go = atomic_load_explicit(&run->go, memory_order_acquire)) == 0)
        ;
    if (go < 0 || slot->failed)
        return NULL;
    long long turns = 0;
    double deadline = run->deadline_s;
    double acc[TURN_LANES] = {0.0};
    while (measure_now() < deadline) {
        turn_work(acc);
        turns++;
    }
    slot->turns = turns;
    slot->sink = acc[0]; /* the arithmetic is not dead code */
    return NULL;
}

/* Starts one thread per CPU; returns how many started. */
static int start_threads(struct share_slot *slots, pthread_t *tids, const int *cpus, int n,
                         struct share_run *run) {
    int started = 0;
    for (int i = 0; i < n; i++) {
        slots[i] = (struct share_slot){.cpu = cpus[i], .run = run};
        if (pthread_create(&tids[i], NULL, share_thread, &slots[i]) != 0)
            break;
        started++;
    }
    return started;
}

double cpu_share_balance(double seconds, double *turns_per_s) {
    if (turns_per_s)
        *turns_per_s = NAN;
    int cpus[CPU_SHARE_MAX_CPUS];
    int n = affinity_allowed_cpus(cpus, CPU_SHARE_MAX_CPUS);
    if (n < 2 || !(seconds > 0))
        return NAN;
    if (n > CPU_SHARE_MAX_CPUS)
        n = CPU_SHARE_MAX_CPUS;
    /* aligned_alloc: the slots' alignment (a cache line each) is beyond what malloc promises */
    struct share_slot *slots = aligned_alloc(64, (size_t)n * sizeof *slots);
    pthread_t *tids = calloc((size_t)n, sizeof *tids);
    struct share_run *run = aligned_alloc(64, sizeof *run);
    double result = NAN;
    if (slots && tids && run) {
        atomic_init(&run->ready, 0);
        atomic_init(&run->go, 0);
        int started = start_threads(slots, tids, cpus, n, run);
        double give_up = measure_now() + READY_TIMEOUT_S;
        while (atomic_load(&run->ready) < started && measure_now() < give_up)
            sched_yield();
        int all = started == n && atomic_load(&run->ready) == n;
        run->deadline_s = measure_now() + seconds;
        atomic_store_explicit(&run->go, all ? 1 : -1, memory_order_release);
        long long least = -1, most = 0;
        for (int i = 0; i < started; i++) {
            pthread_join(tids[i], NULL);
            all &= !slots[i].failed;
            least = least < 0 || slots[i].turns < least ? slots[i].turns : least;
            most = slots[i].turns > most ? slots[i].turns : most;
        }
        if (all && most > 0) {
            result = (double)least / (double)most;
            if (turns_per_s)
                *turns_per_s = (double)least / seconds;
        }
    }
    free(slots);
    free(tids);
    free(run);
    return result;
}
