/* omp_team: the teams OpenMP will really start, checked before anything is measured.
 *
 * A sweep point is recorded as "T threads" only if its parallel regions run T threads. The
 * OpenMP settings of the environment can silently give fewer (OMP_THREAD_LIMIT,
 * OMP_MAX_ACTIVE_LEVELS=0, OMP_DYNAMIC=true lets the runtime shrink a team), and an enormous
 * OMP_NUM_THREADS crashes libgomp inside the first region (it keeps per-thread data on the
 * stack). These checks refuse such settings with a message that names the variable.
 *
 * Errors: 0, or -1 with the message in err (len bytes). Thread-safety: call outside any
 * parallel region (omp_team_check starts a team).
 */
#ifndef OMPSWEEP_OMP_TEAM_H
#define OMPSWEEP_OMP_TEAM_H

#include "format/schema.h"

#include <stddef.h>

/* The most threads any command runs in a team: the most a result file may record. */
enum { OMP_TEAM_MAX = SCHEMA_MAX_THREADS };

/* The team size the environment gives a plain region (OMP_NUM_THREADS's first level) must not
 * exceed OMP_TEAM_MAX: every command starts such a region to record where threads run. */
int omp_team_env_check(char *err, size_t len);

/* wanted, or fewer if OMP_THREAD_LIMIT allows fewer: a command's default thread count. */
int omp_team_within_limit(int wanted);

/* A team of exactly `threads` threads can be started: OMP_DYNAMIC is off, OMP_THREAD_LIMIT
 * and OMP_MAX_ACTIVE_LEVELS allow it, and a region asking for `threads` got them (counted with
 * omp_get_num_threads() inside it). `option` names where the count came from ("--threads"). */
int omp_team_check(int threads, const char *option, char *err, size_t len);

#endif
