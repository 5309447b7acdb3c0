/* etl: batch transformations of audio files (the `ompsweep etl` command's engine).
 *
 * noise: each input is streamed (io/audio.h, block by block), gets out[i] = in[i] + sigma * z(i)
 * from the noise kernel (kernels/noise.h) and is written to its output in the same format,
 * atomically.
 *   i      the interleaved sample index (frame * channels + channel), from 0 in every file;
 *   sigma  in the units libsndfile presents the samples in (full scale = 1.0);
 *   z      the kernel's stream (seed, etl_stream_of_name(basename of the input), 0): one
 *          Philox stream per file, chosen by the file's name alone, so a file's noise depends
 *          on neither the other inputs, nor their order, nor the threads.
 * Threads: with at least as many files as threads, files are processed `threads` at a time
 * (an OpenMP loop over the files, schedule(dynamic,1)) and the kernel of each runs on one
 * thread; with fewer files, one file at a time with the kernel on all the threads. Either
 * way the kernel computes the same bits, so every output is byte-identical at any --threads.
 *
 * Errors: a file that cannot be read or written is marked failed with the reason (naming the
 * file) in its err; one file's failure never stops the others. Thread-safety: etl_noise_files is
 * called from one thread and opens its own parallel regions; the progress callback runs in a
 * critical section.
 */
#ifndef OMPSWEEP_ETL_H
#define OMPSWEEP_ETL_H

#include <stddef.h>
#include <stdint.h>

struct etl_noise_settings {
    double sigma;  /* standard deviation, full scale = 1.0 */
    uint64_t seed; /* the kernel's seed, shared by every file */
    int threads;   /* >= 1 */
};

/* One input and what became of it. */
struct etl_file {
    const char *in_path; /* as given on the command line */
    char out_path[4096]; /* OUTDIR/basename of in_path */
    int failed;          /* -1 not processed yet, 0 written, 1 failed (err says why) */
    char err[512];
    size_t samples;     /* frames x channels */
    size_t clipped;     /* samples clamped to full scale (integer PCM, io/audio.h) */
    long long in_bytes; /* size of the input file */
    double seconds;     /* read + noise + write of this file */
};

/* The 64-bit FNV-1a hash of name's bytes: the noise stream of a file of that name. */
uint64_t etl_stream_of_name(const char *name);

/* The part of path after its last '/' ("a/b/x.wav" -> "x.wav"), or NULL when that is not a
 * file name ("", "a/", ".", ".."). Points into path. */
const char *etl_basename(const char *path);

/* Samples a file is streamed in: read, noise and write one block at a time, so a file of any
 * length needs one block of memory (512 KiB as double), which stays in the L2 cache between
 * the three steps. Frames per block: ETL_BLOCK_SAMPLES / channels. */
enum { ETL_BLOCK_SAMPLES = 1 << 16 };

/* Called after each file with the number done so far. */
typedef void (*etl_progress_fn)(size_t done, size_t total, const struct etl_file *f, void *arg);

/* Every file, by the rule above. Returns the number of failed files. */
size_t etl_noise_files(struct etl_file *files, size_t n, const struct etl_noise_settings *s,
                       etl_progress_fn progress, void *arg);

/* Files processed at once under the rule: threads when n >= threads, else 1. */
int etl_files_at_once(size_t n, int threads);

#endif
