#include "app/commands.h"

#include "file_clash.h"
#include "format/outfile.h"
#include "format/units.h"
#include "kernel.h"
#include "machine/context.h"
#include "machine/omp_team.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int command_usage_error(const char *command, const char *fmt, ...) {
    va_list ap;
    fprintf(stderr, "ompsweep %s: ", command);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, " (try 'ompsweep %s --help')\n", command);
    return EXIT_USAGE;
}

void command_blas_warning(const char *command, const struct context *ctx) {
    if (ctx->openblas_advice[0])
        fprintf(stderr, "ompsweep %s: warning: %s\n", command, ctx->openblas_advice);
}

int command_check_files(const char *command, const struct file_use *u, size_t n) {
    size_t i, j;
    int rc = file_clash_find(u, n, &i, &j);
    if (rc < 0) {
        fprintf(stderr, "ompsweep %s: cannot compare the files' names: %s\n", command,
                strerror(errno));
        return EXIT_FAILED;
    }
    if (rc == 0)
        return 0;
    if (rc == 2)
        return command_usage_error(command,
                                   "%s: '%s' would be written inside %s '%s', which is to be a "
                                   "file",
                                   u[j].what, u[j].path, u[i].what, u[i].path);
    const struct file_use *out = u[j].output ? &u[j] : &u[i], *other = out == &u[j] ? &u[i] : &u[j];
    if (other->output)
        return command_usage_error(command,
                                   "%s: '%s' is the same file as %s '%s': one would "
                                   "replace the other",
                                   out->what, out->path, other->what, other->path);
    if (other->what)
        return command_usage_error(command, "%s: '%s' would overwrite the input '%s' (%s)",
                                   out->what, out->path, other->path, other->what);
    return command_usage_error(command, "%s: '%s' would overwrite the input '%s'", out->what,
                               out->path, other->path);
}

int command_open_outputs(const char *command, const char *csv, const char *json,
                         const struct file_use *inputs, size_t ninputs, struct outfile *csv_file,
                         struct outfile *json_file) {
    char err[UNITS_ERRLEN], csv_path[sizeof csv_file->path], json_path[sizeof json_file->path];
    if (csv && outfile_expand(csv, csv_path, sizeof csv_path, err, sizeof err))
        return command_usage_error(command, "--csv: %s", err);
    if (json && outfile_expand(json, json_path, sizeof json_path, err, sizeof err))
        return command_usage_error(command, "--json: %s", err);
    struct file_use *u = malloc((ninputs + 2) * sizeof *u);
    if (!u)
        return command_usage_error(command, "out of memory");
    size_t n = 0;
    for (; n < ninputs; n++)
        u[n] = inputs[n];
    if (csv)
        u[n++] = (struct file_use){"--csv", csv_path, 1};
    if (json)
        u[n++] = (struct file_use){"--json", json_path, 1};
    int rc = command_check_files(command, u, n);
    free(u);
    if (rc)
        return rc;
    if (csv && outfile_open_name(csv_file, csv_path, err, sizeof err))
        return command_usage_error(command, "--csv: %s", err);
    if (json && outfile_open_name(json_file, json_path, err, sizeof err)) {
        outfile_abort(csv_file);
        return command_usage_error(command, "--json: %s", err);
    }
    return 0;
}

int command_commit_output(const char *command, struct outfile *o, const char *option) {
    char err[UNITS_ERRLEN];
    if (o->f && outfile_commit(o, err, sizeof err)) {
        fprintf(stderr, "ompsweep %s: %s: %s\n", command, option, err);
        return EXIT_FAILED;
    }
    return 0;
}

int command_find_kernel(const char *command, const char *name, const struct kernel **k) {
    *k = kernel_find(name);
    if (*k)
        return 0;
    return command_usage_error(command, "unknown kernel '%s' ('ompsweep list' shows them)", name);
}

int command_find_variant(const char *command, const struct kernel *k, const char *name,
                         const struct kernel_variant **v) {
    *v = kernel_find_variant(k, name);
    if (*v)
        return 0;
    char known[256] = "";
    for (size_t i = 0; k->variants[i].name; i++)
        snprintf(known + strlen(known), sizeof known - strlen(known), "%s%s", i ? ", " : "",
                 k->variants[i].name);
    return command_usage_error(command, "--variant: '%s' is not a variant of %s (it has: %s)", name,
                               k->name, known);
}

int command_check_teams(const char *command, const long long *threads, size_t n,
                        const char *option) {
    char err[UNITS_ERRLEN];
    for (size_t i = 0; i < n; i++)
        if (omp_team_check((int)threads[i], option ? option : "the default --threads", err,
                           sizeof err))
            return command_usage_error(command, "%s", err);
    return 0;
}

void command_drop_repeats(const char *command, const char *option, void *items, size_t size,
                          size_t *n, int (*same)(const void *, const void *)) {
    char *base = items;
    size_t kept = 0;
    for (size_t i = 0; i < *n; i++) {
        size_t j = 0;
        while (j < kept && !same(base + j * size, base + i * size))
            j++;
        if (j == kept)
            memmove(base + kept++ * size, base + i * size, size);
    }
    if (kept < *n)
        fprintf(stderr,
                "ompsweep %s: note: %s: %zu repeated value%s dropped (each is measured once)\n",
                command, option, *n - kept, *n - kept == 1 ? "" : "s");
    *n = kept;
}

int command_same_count(const void *a, const void *b) {
    return *(const long long *)a == *(const long long *)b;
}

int command_same_pointer(const void *a, const void *b) {
    return *(const void *const *)a == *(const void *const *)b;
}
