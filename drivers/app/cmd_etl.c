/* ompsweep etl ACTION: batch transformations of audio files (drivers/realdata/etl.h, docs/etl.md).
 * The only action so far is `noise`. */
#include "app/commands.h"
#include "app/options.h"
#include "atomic_file.h"
#include "file_clash.h"
#include "machine/omp_team.h"

#include "format/units.h"
#include "realdata/etl.h"

#include <errno.h>
#include <math.h>
#include <omp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define NOISE_CMD "etl noise"

static void etl_usage(FILE *f) {
    fprintf(f, "usage: ompsweep etl ACTION [options] FILE...\n\n"
               "Batch transformations of audio files, in parallel over the files and within\n"
               "each file, with the same output bytes at any thread count.\n\n"
               "actions:\n"
               "  noise   add reproducible Gaussian noise to audio files\n\n"
               "'ompsweep etl ACTION --help' describes each one.\n");
}

static void noise_usage(FILE *f) {
    fprintf(f,
            "usage: ompsweep etl noise IN... -o OUTDIR --sigma S [--seed N] [--threads N]\n\n"
            "Reads each audio file IN (any format libsndfile reads), adds Gaussian noise of\n"
            "standard deviation S and writes OUTDIR/<name of IN> in the same format, subtype,\n"
            "channels and sample rate. S is in full-scale units (integer PCM is read as\n"
            "[-1, 1)); integer formats clip at full scale instead of wrapping around.\n\n"
            "  -o, --output DIR  the output folder (created if missing; must not hold an input)\n"
            "  --sigma S         the noise's standard deviation, 0 <= S <= 1e6\n"
            "  --seed N          the generator's seed (default 0)\n"
            "  --threads N       threads (default: OMP_NUM_THREADS, else the CPUs)\n\n"
            "Sample i of a file (interleaved: frame x channels + channel) gets noise z(i) of the\n"
            "Philox stream numbered by the 64-bit FNV-1a hash of the file's name (without its\n"
            "folder), so the output depends on the name, the seed and S only: not on the\n"
            "other files, their order, or the threads. With at least as many files as threads,\n"
            "files are processed that many at a time, each on one thread; with fewer, one after\n"
            "another on all threads. Outputs are written to a temporary file and renamed.\n\n"
            "A file that cannot be read or written is reported and skipped; the others are\n"
            "written. Exit codes: 0 ok, 1 some file failed, 2 a usage error.\n");
}

struct noise_args {
    struct common_options o; /* --seed */
    const char *outdir;
    double sigma;
    long long threads;
    char **inputs;
    size_t ninputs;
};

/* --sigma has no default: it is checked against NaN after parsing (a NaN is never parsed). */
static const struct option_row noise_rows[] = {
    {"output", 'o', OPTION_TEXT, offsetof(struct noise_args, outdir), 0, 0},
    {"sigma", 0, OPTION_REAL, offsetof(struct noise_args, sigma), 0, 1e6},
    {"threads", 0, OPTION_COUNT, offsetof(struct noise_args, threads), 1, OMP_TEAM_MAX},
    {NULL, 0, OPTION_FLAG, 0, 0, 0},
};

/* 0 to go on, -1 after --help, else the exit code. */
static int parse_options(int argc, char **argv, struct noise_args *a) {
    const struct options_spec spec = {.command = NOISE_CMD,
                                      .usage = noise_usage,
                                      .common = COMMON_SEED,
                                      .values = &a->o,
                                      .rows = noise_rows,
                                      .args = a,
                                      .max_operands = -1};
    int first, rc = options_parse(&spec, argc, argv, &first);
    if (rc)
        return rc;
    a->inputs = argv + first;
    a->ninputs = (size_t)(argc - first);
    if (isnan(a->sigma))
        return command_usage_error(NOISE_CMD, "--sigma: missing (the noise's standard deviation)");
    if (!a->outdir || !*a->outdir)
        return command_usage_error(NOISE_CMD, "-o: missing (the output folder)");
    if (a->ninputs == 0)
        return command_usage_error(NOISE_CMD, "no input files");
    return 0;
}

/* ---- checks of the inputs against each other and the output folder ---------------------- */

static int by_basename(const void *x, const void *y) {
    const char *a = *(const char *const *)x, *b = *(const char *const *)y;
    return strcmp(etl_basename(a), etl_basename(b));
}

/* Every input has a file name, and no two share one (their outputs would be the same file). */
static int check_names(char **inputs, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (!etl_basename(inputs[i]))
            return command_usage_error(NOISE_CMD, "input '%s': no file name to write to",
                                       inputs[i]);
    const char **sorted = malloc(n * sizeof *sorted);
    if (!sorted)
        return command_usage_error(NOISE_CMD, "out of memory");
    memcpy(sorted, inputs, n * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, by_basename);
    int rc = 0;
    for (size_t i = 1; i < n && !rc; i++)
        if (by_basename(&sorted[i - 1], &sorted[i]) == 0)
            rc = command_usage_error(NOISE_CMD,
                                     "inputs '%s' and '%s' have the same name: both would be "
                                     "written to the same output",
                                     sorted[i - 1], sorted[i]);
    free(sorted);
    return rc;
}

static int join_output(const char *outdir, const char *in, char *out, size_t len) {
    size_t d = strlen(outdir);
    const char *sep = d && outdir[d - 1] == '/' ? "" : "/";
    int n = snprintf(out, len, "%s%s%s", outdir, sep, etl_basename(in));
    if (n < 0 || (size_t)n >= len)
        return command_usage_error(NOISE_CMD, "-o: '%s%s%s': name too long", outdir, sep,
                                   etl_basename(in));
    return 0;
}

/* No output is an input (the same name, a link, OUTDIR = an input's folder): io/file_clash.h. */
static int check_overwrite(const struct etl_file *files, size_t n) {
    struct file_use *u = malloc(2 * n * sizeof *u);
    if (!u)
        return command_usage_error(NOISE_CMD, "out of memory");
    for (size_t i = 0; i < n; i++) {
        u[i] = (struct file_use){NULL, files[i].in_path, 0};
        u[n + i] = (struct file_use){"-o", files[i].out_path, 1};
    }
    int rc = command_check_files(NOISE_CMD, u, 2 * n);
    free(u);
    return rc;
}

static int make_folder(const char *dir) {
    char failed[4096];
    int e = atomic_file_make_folders(dir, failed, sizeof failed);
    if (e == ENAMETOOLONG)
        return command_usage_error(NOISE_CMD, "-o: '%s': name too long", dir);
    if (e)
        return command_usage_error(NOISE_CMD, "-o: cannot create folder '%s': %s", failed,
                                   strerror(e));
    return 0;
}

static int check_outdir(const char *dir) {
    struct stat st;
    if (stat(dir, &st) == 0 && !S_ISDIR(st.st_mode))
        return command_usage_error(NOISE_CMD, "-o: '%s' is not a folder", dir);
    return 0;
}

/* The outputs, checked; the folder is created last, so a usage error creates nothing. */
static int plan_files(const struct noise_args *a, struct etl_file *files) {
    int rc = check_names(a->inputs, a->ninputs);
    if (!rc)
        rc = check_outdir(a->outdir);
    for (size_t i = 0; !rc && i < a->ninputs; i++) {
        files[i].in_path = a->inputs[i];
        files[i].failed = -1;
        rc = join_output(a->outdir, a->inputs[i], files[i].out_path, sizeof files[i].out_path);
    }
    if (!rc)
        rc = check_overwrite(files, a->ninputs);
    if (!rc)
        rc = make_folder(a->outdir);
    if (!rc && access(a->outdir, W_OK | X_OK) != 0)
        rc = command_usage_error(NOISE_CMD, "-o: cannot write in '%s': %s", a->outdir,
                                 strerror(errno));
    return rc;
}

/* ---- running and reporting ---------------------------------------------------------------- */

static void progress(size_t done, size_t total, const struct etl_file *f, void *arg) {
    (void)f;
    (void)arg;
    fprintf(stderr, "\rompsweep etl noise: %zu/%zu files", done, total);
    if (done == total)
        fputc('\n', stderr);
    fflush(stderr);
}

static void report(const struct noise_args *a, const struct etl_file *files, size_t failed,
                   double seconds) {
    size_t samples = 0, clipped = 0, clipped_files = 0;
    long long bytes = 0;
    for (size_t i = 0; i < a->ninputs; i++)
        if (files[i].failed == 0) {
            samples += files[i].samples;
            bytes += files[i].in_bytes;
            clipped += files[i].clipped;
            clipped_files += files[i].clipped > 0;
        }
    for (size_t i = 0; i < a->ninputs; i++)
        if (files[i].failed)
            fprintf(stderr, "ompsweep etl noise: skipped %s\n", files[i].err);
    double s = seconds > 0.0 ? seconds : 1e-9;
    printf("etl noise: %zu of %zu files written to %s (%zu failed): %.4g M samples, %.4g MB "
           "read in %.3f s: %.4g M samples/s, %.4g MB/s; %lld threads, %d files at a time\n",
           a->ninputs - failed, a->ninputs, a->outdir, failed, 1e-6 * (double)samples,
           1e-6 * (double)bytes, seconds, 1e-6 * (double)samples / s, 1e-6 * (double)bytes / s,
           a->threads, etl_files_at_once(a->ninputs, (int)a->threads));
    if (clipped)
        printf("etl noise: %zu samples in %zu files clipped at full scale\n", clipped,
               clipped_files);
}

static int etl_noise(int argc, char **argv) {
    /* By default OpenMP's team size, or as many threads as OMP_THREAD_LIMIT allows. */
    const long long default_threads = omp_team_within_limit(omp_get_max_threads());
    struct noise_args a = {.sigma = NAN, .threads = default_threads};
    int rc = parse_options(argc, argv, &a);
    if (rc)
        return rc < 0 ? 0 : rc;
    if (command_check_teams(NOISE_CMD, &a.threads, 1,
                            a.threads == default_threads ? NULL : "--threads"))
        return EXIT_USAGE;
    struct etl_file *files = calloc(a.ninputs, sizeof *files);
    if (!files)
        return command_usage_error(NOISE_CMD, "out of memory");
    rc = plan_files(&a, files);
    if (!rc) {
        struct etl_noise_settings s = {a.sigma, (uint64_t)a.o.seed, (int)a.threads};
        double t0 = omp_get_wtime();
        size_t failed =
            etl_noise_files(files, a.ninputs, &s, isatty(STDERR_FILENO) ? progress : NULL, NULL);
        report(&a, files, failed, omp_get_wtime() - t0);
        rc = failed ? EXIT_FAILED : 0;
    }
    free(files);
    return rc;
}

int cmd_etl(int argc, char **argv, int full_argc, char **full_argv) {
    (void)full_argc;
    (void)full_argv;
    if (argc < 2)
        return command_usage_error("etl", "missing action (noise)");
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        etl_usage(stdout);
        return 0;
    }
    if (strcmp(argv[1], "noise") == 0)
        return etl_noise(argc - 1, argv + 1);
    return command_usage_error("etl", "unknown action '%s' (the actions: noise)", argv[1]);
}
