/* What the kernel test suites share: a fresh seed per run (printed by a failing assertion, so
 * the inputs can be replayed) and an exact bit comparison of doubles. */
#ifndef OMPSWEEP_TEST_SUPPORT_H
#define OMPSWEEP_TEST_SUPPORT_H

#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* A new seed every run, so the tests see fresh inputs each time. */
static inline uint64_t fresh_seed(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 20) ^ ((uint64_t)getpid() << 40);
}

/* NaN == NaN and 0.0 != -0.0 here: the promise is the same bits, not the same value. */
static inline int same_bits(double a, double b) {
    return memcmp(&a, &b, sizeof a) == 0;
}

#endif
