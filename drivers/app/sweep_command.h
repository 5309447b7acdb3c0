/* sweep_command: the commands that measure a sweep of one kernel and write it (run, cachemap,
 * chunkmap). They share options, checks, outputs and the placement check; a mode supplies its
 * own options, its defaults (as option strings, so they go through the same parsing and checks
 * as the user's) and its own analysis of the measured points.
 * Errors: run_command returns the process exit code (0, 1 a failed run or mismatch, 2 usage).
 * Thread-safety: one command per process.
 */
#ifndef OMPSWEEP_SWEEP_COMMAND_H
#define OMPSWEEP_SWEEP_COMMAND_H

#include "app/sweep_plan.h"
#include "format/json.h"
#include "machine/context.h"

#include <stdio.h>

/* The shared options every sweep command takes (app/options.h): all of them. */
enum {
    RUN_COMMON_OPTIONS = COMMON_THREADS | COMMON_SCHEDULE | COMMON_CHUNK | COMMON_SIZE |
                         COMMON_PARAM | COMMON_SAMPLES | COMMON_MIN_TIME | COMMON_SEED |
                         COMMON_CSV | COMMON_JSON | COMMON_QUIET
};

struct run_mode {
    const char *command;           /* "run": in messages and usage                    */
    const char *study;             /* recorded in the results                         */
    const struct option_row *rows; /* its own options (beyond --variant, --ceilings) */
    void (*usage)(FILE *f);
    /* Fill in what the user left out, as option strings (kept with run_args_own), given the
     * plan built from the user's options (its parameters parsed); the plan is then built
     * again from them. Returns 0 or an exit code. NULL: nothing. */
    int (*defaults)(const struct kernel *k, const struct context *ctx,
                    const struct sweep_plan *plan, struct run_args *a);
    /* After the table: the mode's own findings on stdout. NULL: nothing. */
    void (*analyse)(FILE *f, const struct sweep_plan *plan, const struct sweep_result *res,
                    const struct context *ctx);
    /* Extra members of the JSON result's top-level object. NULL: nothing. */
    void (*json_extra)(struct json_writer *w, const struct sweep_plan *plan,
                       const struct sweep_result *res, const struct context *ctx);
};

int run_command(const struct run_mode *mode, int argc, char **argv, int full_argc,
                char **full_argv);

/* Keeps a generated option string (takes ownership); returns it, or NULL when out of memory. */
const char *run_args_own(struct run_args *a, char *s);

/* The options every sweep command accepts, for the modes' usage texts. */
void run_print_common_options(FILE *f);

#endif
