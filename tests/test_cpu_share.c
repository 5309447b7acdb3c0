/* cpu_share: a CPU shared with busy threads shows in the probe's balance, and the disturbance
 * evidence turns a low balance into a disturbed stretch. The probe test is alone in this
 * binary, since other tests running beside it would load the CPUs it compares. */
#include "engine/cpu_share.h"
#include "engine/disturbance.h"
#include "machine/affinity.h"

#include <criterion/criterion.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

static atomic_int stop_spinning;

struct spinner {
    int cpu;
    pthread_t tid;
};

static void *spin(void *arg) {
    struct spinner *s = arg;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(s->cpu, &set);
    pthread_setaffinity_np(pthread_self(), sizeof set, &set);
    while (!atomic_load_explicit(&stop_spinning, memory_order_relaxed))
        ;
    return NULL;
}

/* Two busy threads on the first CPU leave the probe's thread there about a third of it, while
 * the one on another CPU has its CPU to itself: the balance falls far below the threshold. */
Test(cpu_share, a_cpu_shared_with_busy_threads_shows) {
    int cpus[2];
    if (affinity_allowed_cpus(cpus, 2) < 2)
        cr_skip_test("fewer than two CPUs allowed");
    /* The least CPU's absolute speed first, with nothing else running. */
    double alone_rate, rate;
    cpu_share_balance(0.2, &alone_rate);
    cr_assert(alone_rate > 0.0, "turns per second %g", alone_rate);
    struct spinner spinners[2] = {{cpus[0], 0}, {cpus[0], 0}};
    atomic_store(&stop_spinning, 0);
    for (int i = 0; i < 2; i++)
        cr_assert_eq(pthread_create(&spinners[i].tid, NULL, spin, &spinners[i]), 0);
    nanosleep(&(struct timespec){0, 20000000}, NULL);
    double shared = cpu_share_balance(0.2, &rate);
    atomic_store(&stop_spinning, 1);
    for (int i = 0; i < 2; i++)
        pthread_join(spinners[i].tid, NULL);
    cr_expect(shared < DISTURBANCE_BALANCE, "balance %.3f with a CPU shared three ways", shared);
    cr_expect(shared > 0.0, "balance %.3f: the shared CPU still ran some", shared);
    cr_expect(rate < 0.75 * alone_rate, "the least CPU's %g turns/s against %g alone", rate,
              alone_rate);
}

Test(cpu_share, no_window_no_balance) {
    double rate = 1.0;
    cr_expect(isnan(cpu_share_balance(0.0, &rate)));
    cr_expect(isnan(rate));
    cr_expect(isnan(cpu_share_balance(-1.0, NULL)));
}

/* The evidence of a stretch with the counters unchanged and only the probes differing. */
static struct disturbance evidence(double latency, double base, double balance) {
    struct disturbance_mark a = {100, 10, 0, 1.0, 5.0, 0}, b = {200, 10, 0, 1.0, 6.0, 0};
    struct disturbance_probes probes = {latency, base, balance, NAN};
    struct disturbance d;
    disturbance_between(&a, &b, &probes, &d);
    return d;
}

Test(disturbance, a_cpu_that_did_not_run_its_share_disturbs_the_round) {
    struct disturbance d = evidence(40, 40, 0.45);
    cr_expect(d.disturbed);
    cr_expect_str_eq(d.why, "a CPU ran 45 % of the busiest one's share");
    cr_expect_float_eq(d.balance, 0.45, 1e-12);
    d = evidence(40, 40, 0.8);
    cr_expect(d.disturbed, "a CPU at 80 %% of the busiest one's share slows a static region");
    d = evidence(40, 40, 0.9);
    cr_expect_not(d.disturbed, "%s", d.why);
    d = evidence(40, 40, NAN);
    cr_expect_not(d.disturbed, "not probed: no evidence");
    d = evidence(200, 40, 0.9);
    cr_expect(d.disturbed);
    cr_expect_str_eq(d.why, "core-to-core latency 200 ns (was 40 ns)");
}
