/* sweep_states: points of a sweep made ready to be sampled in rounds, and the sampling.
 *
 * Points that share inputs - one size and thread count: every variant, schedule and chunk
 * there - share one state (a "group"), set up once after the thread count and the schedule of
 * the group's first point are set, so the arrays are first-touched by the threads that then
 * compute on them. Opening the states of some points sets up their groups, then prepares each
 * point: its ICVs (threads, schedule, chunk in loop iterations), the CPUs its threads run on,
 * one warm-up run, the calibration of its repetitions (engine/measure.h), its checksum right
 * after its own runs, and its validation against the reference point's checksum (or the
 * kernel's expected() where the reference is not run). A sample then sets the point's ICVs
 * again and times its repetitions as one.
 * Across MPI ranks every step is collective, as in sweep.h.
 * Errors: sweep_states_open returns 0, or -1 with a message in err, having freed what it set
 * up; sweep_states_sample returns 0 or the variant's error. Thread-safety: main thread only.
 */
#ifndef OMPSWEEP_SWEEP_STATES_H
#define OMPSWEEP_SWEEP_STATES_H

#include "engine/sweep.h"

#include <stddef.h>

struct sweep_group {
    long long size;
    int threads;
    void *state;
};

struct sweep_states {
    const struct sweep_plan *plan;
    const struct sweep_spec *specs; /* of the whole sweep                        */
    struct sweep_point *points;     /* of the whole sweep                        */
    const int *index;               /* the points open: indices into points      */
    size_t n;
    int *group_of; /* n: the group of each open point           */
    struct sweep_group *groups;
    size_t ngroups;
};

/* The bytes of the state of a spec's group on this rank (its part's working set). */
double sweep_states_bytes(const struct sweep_plan *plan, const struct sweep_spec *spec);

/* Sets up the groups of points index[0 .. n) and prepares each of them into points[index[k]];
 * ref_of (sweep_baselines) names the reference point whose checksum validates each, which is
 * either prepared before it here or already prepared. */
int sweep_states_open(struct sweep_states *st, const struct sweep_plan *plan,
                      const struct sweep_spec *specs, struct sweep_point *points, const int *ref_of,
                      const int *index, size_t n, char *err, size_t errlen);

/* One sample of the open point k (index[k]): its time per run, in seconds. For rounds.h. */
int sweep_states_sample(void *states, size_t k, double *seconds);

/* Tears down the states (the points keep their results). */
void sweep_states_close(struct sweep_states *st);

#endif
