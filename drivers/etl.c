#include "etl.h"

#include "audio.h"
#include "noise.h"

#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

uint64_t etl_stream_of_name(const char *name) {
    uint64_t h = UINT64_C(0xcbf29ce484222325); /* FNV-1a 64: offset basis, then prime */
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        h ^= *p;
        h *= UINT64_C(0x100000001b3);
    }
    return h;
}

const char *etl_basename(const char *path) {
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    if (!*base || strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
        return NULL;
    return base;
}

int etl_files_at_once(size_t n, int threads) {
    return threads > 1 && n >= (size_t)threads ? threads : 1;
}

/* In place: the kernel allows out == in, and the file's samples are needed only once. */
static int add_noise(struct etl_file *f, struct audio *a, const struct etl_noise_settings *s) {
    size_t n = audio_samples(a);
    if (n == 0)
        return 0;
    struct noise_source src = {s->seed, etl_stream_of_name(etl_basename(f->in_path)), 0};
    int rc = a->is_double ? noise_add_f64(a->samples, n, a->samples, n, s->sigma, src)
                          : noise_add_f32(a->samples, n, a->samples, n, s->sigma, src);
    if (rc)
        snprintf(f->err, sizeof f->err, "%s: adding noise: %s", f->in_path, strerror(rc));
    return rc ? -1 : 0;
}

int etl_noise_file(struct etl_file *f, const struct etl_noise_settings *s, struct audio *a) {
    double t0 = omp_get_wtime();
    struct stat st;
    f->in_bytes = stat(f->in_path, &st) == 0 ? (long long)st.st_size : 0;
    f->samples = f->clipped = 0;
    f->err[0] = '\0';
    int rc = -1;
    if (!etl_basename(f->in_path))
        snprintf(f->err, sizeof f->err, "%s: not a file name", f->in_path);
    else
        rc = audio_read(f->in_path, a, f->err, sizeof f->err);
    if (!rc) {
        f->samples = audio_samples(a);
        rc = add_noise(f, a, s);
        if (!rc)
            rc = audio_write(f->out_path, a, &f->clipped, f->err, sizeof f->err);
    }
    f->failed = rc != 0;
    f->seconds = omp_get_wtime() - t0;
    return rc;
}

static void file_done(struct etl_file *f, size_t *done, size_t n, etl_progress_fn progress,
                      void *arg) {
#pragma omp critical(etl_progress)
    {
        ++*done;
        if (progress)
            progress(*done, n, f, arg);
    }
}

/* Files `threads` at a time, the kernel of each on one thread (its own nthreads-var). Each
 * thread reuses one sample buffer for its files. */
static size_t files_in_parallel(struct etl_file *files, size_t n,
                                const struct etl_noise_settings *s, etl_progress_fn progress,
                                void *arg) {
    size_t failed = 0, done = 0;
#pragma omp parallel num_threads(s->threads) reduction(+ : failed)
    {
        struct audio a = {0};
        omp_set_num_threads(1);
#pragma omp for schedule(dynamic, 1)
        for (size_t i = 0; i < n; i++) {
            failed += etl_noise_file(&files[i], s, &a) != 0;
            file_done(&files[i], &done, n, progress, arg);
        }
        audio_free(&a);
    }
    return failed;
}

static size_t files_in_turn(struct etl_file *files, size_t n, const struct etl_noise_settings *s,
                            etl_progress_fn progress, void *arg) {
    size_t failed = 0, done = 0;
    struct audio a = {0};
    omp_set_num_threads(s->threads);
    for (size_t i = 0; i < n; i++) {
        failed += etl_noise_file(&files[i], s, &a) != 0;
        file_done(&files[i], &done, n, progress, arg);
    }
    audio_free(&a);
    return failed;
}

size_t etl_noise_files(struct etl_file *files, size_t n, const struct etl_noise_settings *s,
                       etl_progress_fn progress, void *arg) {
    int saved_threads = omp_get_max_threads(), chunk;
    omp_sched_t saved_kind;
    omp_get_schedule(&saved_kind, &chunk);
    /* libgomp's default runtime schedule is dynamic,1: per-block dispatch the kernel's
     * equal blocks do not need. OMP_SCHEDULE, when set, is left to the user. */
    const char *env = getenv("OMP_SCHEDULE");
    if (!env || !*env)
        omp_set_schedule(omp_sched_static, 0);
    size_t failed = etl_files_at_once(n, s->threads) > 1
                        ? files_in_parallel(files, n, s, progress, arg)
                        : files_in_turn(files, n, s, progress, arg);
    omp_set_schedule(saved_kind, chunk);
    omp_set_num_threads(saved_threads);
    return failed;
}
