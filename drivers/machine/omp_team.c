/* omp_team: the teams OpenMP will really start (see omp_team.h). */
#include "machine/omp_team.h"

#include <omp.h>
#include <stdio.h>
#include <stdlib.h>

/* The variable as the user wrote it, for messages ("unset" when it is not set). */
static const char *env_text(const char *name) {
    const char *v = getenv(name);
    return v ? v : "unset";
}

int omp_team_env_check(char *err, size_t len) {
    int n = omp_get_max_threads();
    if (n <= OMP_TEAM_MAX)
        return 0;
    snprintf(err, len,
             "OMP_NUM_THREADS=%s asks for %d threads; ompsweep runs at most %d (set it lower, "
             "or unset it and choose with --threads)",
             env_text("OMP_NUM_THREADS"), n, OMP_TEAM_MAX);
    return -1;
}

int omp_team_within_limit(int wanted) {
    return wanted < omp_get_thread_limit() ? wanted : omp_get_thread_limit();
}

/* The size of the team a region asking for `threads` threads starts. */
static int team_started(int threads) {
    int got = 0;
#pragma omp parallel num_threads(threads)
    {
#pragma omp single
        got = omp_get_num_threads();
    }
    return got;
}

int omp_team_check(int threads, const char *option, char *err, size_t len) {
    if (threads <= 1)
        return 0;
    if (omp_get_dynamic()) {
        snprintf(err, len,
                 "%s %d: OMP_DYNAMIC=%s lets OpenMP start fewer threads than asked, so a point "
                 "could run on fewer than it is recorded with; unset OMP_DYNAMIC",
                 option, threads, env_text("OMP_DYNAMIC"));
        return -1;
    }
    if (omp_get_max_active_levels() < 1) {
        snprintf(err, len,
                 "%s %d: OMP_MAX_ACTIVE_LEVELS=%s allows no parallel region, so every point "
                 "would run on one thread; unset it",
                 option, threads, env_text("OMP_MAX_ACTIVE_LEVELS"));
        return -1;
    }
    if (omp_get_thread_limit() < threads) {
        snprintf(err, len,
                 "%s %d: OMP_THREAD_LIMIT=%s caps a team at %d thread%s; ask for at most that "
                 "many or raise the limit",
                 option, threads, env_text("OMP_THREAD_LIMIT"), omp_get_thread_limit(),
                 omp_get_thread_limit() == 1 ? "" : "s");
        return -1;
    }
    int got = team_started(threads);
    if (got != threads) {
        snprintf(err, len, "%s %d: OpenMP started a team of %d thread%s, not %d", option, threads,
                 got, got == 1 ? "" : "s", threads);
        return -1;
    }
    return 0;
}
