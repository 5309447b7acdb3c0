#include "realdata/etl.h"

#include "audio.h"
#include "noise.h"

#include <errno.h>
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

/* In place: the kernel allows out == in. `first` is the block's first interleaved index in the
 * file, so the blocks of a file draw z(0), z(1), ... as one whole-file call would. */
static int add_noise(struct etl_file *f, void *block, size_t n, size_t first, int is_double,
                     const struct etl_noise_settings *s) {
    struct noise_source src = {s->seed, etl_stream_of_name(etl_basename(f->in_path)), first};
    int rc = is_double ? noise_add_f64(block, n, block, n, s->sigma, src)
                       : noise_add_f32(block, n, block, n, s->sigma, src);
    if (rc)
        snprintf(f->err, sizeof f->err, "%s: adding noise: %s", f->in_path, strerror(rc));
    return rc ? -1 : 0;
}

/* Read, noise, write, one block at a time, until the reader's end. */
static int stream_blocks(struct etl_file *f, struct audio_reader *r, struct audio_writer *w,
                         void *block, const struct etl_noise_settings *s) {
    size_t ch = (size_t)r->fmt.channels, frames = ETL_BLOCK_SAMPLES / ch;
    for (;;) {
        long long got = audio_reader_read(r, block, frames, f->err, sizeof f->err);
        if (got <= 0)
            return got < 0 ? -1 : 0;
        size_t n = (size_t)got * ch;
        if (add_noise(f, block, n, f->samples, r->fmt.is_double, s))
            return -1;
        if (audio_writer_write(w, block, (size_t)got, f->err, sizeof f->err))
            return -1;
        f->samples += n;
    }
}

/* Reads, adds noise to and writes one file, block by block through `block` (block_alloc), the
 * kernel on the calling thread's team size: 0, or -1 with the reason in f->err. */
static int noise_file(struct etl_file *f, const struct etl_noise_settings *s, void *block) {
    double t0 = omp_get_wtime();
    struct stat st;
    f->in_bytes = stat(f->in_path, &st) == 0 ? (long long)st.st_size : 0;
    f->samples = f->clipped = 0;
    f->err[0] = '\0';
    int rc = -1;
    struct audio_reader r;
    struct audio_writer w;
    if (!etl_basename(f->in_path)) {
        snprintf(f->err, sizeof f->err, "%s: not a file name", f->in_path);
    } else if (audio_reader_open(&r, f->in_path, f->err, sizeof f->err) == 0) {
        if (audio_writer_open(&w, f->out_path, &r.fmt, f->err, sizeof f->err) == 0) {
            rc = stream_blocks(f, &r, &w, block, s);
            if (rc)
                audio_writer_abort(&w);
            else
                rc = audio_writer_commit(&w, &f->clipped, f->err, sizeof f->err);
        }
        audio_reader_close(&r);
    }
    f->failed = rc != 0;
    f->seconds = omp_get_wtime() - t0;
    return rc;
}

/* A block buffer (ETL_BLOCK_SAMPLES doubles, 64-byte aligned; free() it), or NULL. */
static void *block_alloc(void) {
    return aligned_alloc(64, ETL_BLOCK_SAMPLES * sizeof(double));
}

static int out_of_memory(struct etl_file *f) {
    snprintf(f->err, sizeof f->err, "%s: %s", f->in_path, strerror(ENOMEM));
    f->failed = 1;
    return 1;
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
 * thread reuses one block buffer for its files. */
static size_t files_in_parallel(struct etl_file *files, size_t n,
                                const struct etl_noise_settings *s, etl_progress_fn progress,
                                void *arg) {
    size_t failed = 0, done = 0;
#pragma omp parallel num_threads(s->threads) reduction(+ : failed)
    {
        void *block = block_alloc();
        omp_set_num_threads(1);
#pragma omp for schedule(dynamic, 1)
        for (size_t i = 0; i < n; i++) {
            failed += block ? noise_file(&files[i], s, block) != 0 : out_of_memory(&files[i]);
            file_done(&files[i], &done, n, progress, arg);
        }
        free(block);
    }
    return failed;
}

static size_t files_in_turn(struct etl_file *files, size_t n, const struct etl_noise_settings *s,
                            etl_progress_fn progress, void *arg) {
    size_t failed = 0, done = 0;
    void *block = block_alloc();
    omp_set_num_threads(s->threads);
    for (size_t i = 0; i < n; i++) {
        failed += block ? noise_file(&files[i], s, block) != 0 : out_of_memory(&files[i]);
        file_done(&files[i], &done, n, progress, arg);
    }
    free(block);
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
