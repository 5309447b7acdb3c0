/* `ompsweep etl noise` and io/audio: outputs in the input's format, the noise the kernel
 * promises (exactly for float and double files, statistically for all), exact integer round
 * trips and clipping, the same bytes at any thread count and in any argument order, one bad
 * file among good ones, and every usage error. Test files are written with libsndfile into a
 * fresh temporary folder per test. */
#include "audio.h"
#include "cli_support.h"
#include "noise.h"
#include "realdata/etl.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <math.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char out_text[1 << 16];

/* ---- fixtures ------------------------------------------------------------------------------ */

struct fixture {
    const char *name;
    int format, channels, rate;
    long frames;
};

/* 16-bit and float WAV, FLAC, mono and stereo; double WAV, AIFF, 8 and 32-bit PCM. */
static const struct fixture fixtures[] = {
    {"pcm16_mono.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16, 1, 44100, 30000},
    {"float_stereo.wav", SF_FORMAT_WAV | SF_FORMAT_FLOAT, 2, 48000, 20000},
    {"pcm16_stereo.flac", SF_FORMAT_FLAC | SF_FORMAT_PCM_16, 2, 44100, 12000},
    {"pcm24_mono.flac", SF_FORMAT_FLAC | SF_FORMAT_PCM_24, 1, 22050, 9000},
    {"double_mono.wav", SF_FORMAT_WAV | SF_FORMAT_DOUBLE, 1, 8000, 5000},
    {"pcm24_stereo.aiff", SF_FORMAT_AIFF | SF_FORMAT_PCM_24, 2, 44100, 6000},
    {"pcm8_mono.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_U8, 1, 8000, 7000},
    {"pcm32_stereo.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_32, 2, 16000, 5000},
};
#define NFIXTURES (sizeof fixtures / sizeof fixtures[0])

/* Each test runs in its own process with its own folder, made by the suite's init and
 * removed by its fini (also after a failed assertion). */
static char test_dir[] = "/tmp/ompsweep-etl-XXXXXX";

static void make_test_dir(void) {
    test_dir_make(test_dir);
}

static void remove_test_dir(void) {
    test_dir_remove(test_dir);
}

TestSuite(etl, .init = make_test_dir, .fini = remove_test_dir);
TestSuite(audio, .init = make_test_dir, .fini = remove_test_dir);

/* A 440 Hz tone at half scale plus a small deterministic wobble, per channel. */
static double tone(long i, int ch, int rate) {
    double t = (double)i / rate;
    unsigned h = (unsigned)(i * 2654435761u) ^ (unsigned)(ch * 40503u);
    return 0.5 * sin(2.0 * M_PI * 440.0 * t + ch) + 0.05 * ((double)(h % 1000) / 1000.0 - 0.5);
}

/* Writes frames of f(i, ch) into dir/name in the fixture's format. */
static void write_audio(const char *dir, const struct fixture *fx, double (*f)(long, int, int)) {
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, fx->name);
    SF_INFO info = {.samplerate = fx->rate, .channels = fx->channels, .format = fx->format};
    SNDFILE *sf = sf_open(path, SFM_WRITE, &info);
    cr_assert_not_null(sf, "%s: %s", path, sf_strerror(NULL));
    sf_command(sf, SFC_SET_CLIPPING, NULL, SF_TRUE);
    double *v = malloc((size_t)fx->frames * (size_t)fx->channels * sizeof *v);
    cr_assert_not_null(v);
    for (long i = 0; i < fx->frames; i++)
        for (int c = 0; c < fx->channels; c++)
            v[i * fx->channels + c] = f(i, c, fx->rate);
    cr_assert_eq(sf_writef_double(sf, v, fx->frames), fx->frames);
    free(v);
    cr_assert_eq(sf_close(sf), 0);
}

static void write_fixtures(const char *dir) {
    for (size_t i = 0; i < NFIXTURES; i++)
        write_audio(dir, &fixtures[i], tone);
}

static void write_text(const char *path, const char *text) {
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "%s", path);
    fputs(text, f);
    fclose(f);
}

/* The whole of dir/name as the given sample type (1 float, 2 double, 3 int), with its info. */
static void *read_samples(const char *dir, const char *name, int type, SF_INFO *info) {
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    memset(info, 0, sizeof *info);
    SNDFILE *sf = sf_open(path, SFM_READ, info);
    cr_assert_not_null(sf, "%s: %s", path, sf_strerror(NULL));
    size_t n = (size_t)info->frames * (size_t)info->channels;
    void *v = malloc((n ? n : 1) * 8);
    cr_assert_not_null(v);
    sf_count_t got = type == 1   ? sf_read_float(sf, v, (sf_count_t)n)
                     : type == 2 ? sf_read_double(sf, v, (sf_count_t)n)
                                 : sf_read_int(sf, v, (sf_count_t)n);
    cr_assert_eq(got, (sf_count_t)n, "%s", path);
    sf_close(sf);
    return v;
}

static int same_bytes(const char *a, const char *b) {
    FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
    int same = fa && fb;
    while (same) {
        int ca = fgetc(fa), cb = fgetc(fb);
        same = ca == cb;
        if (ca == EOF || cb == EOF)
            break;
    }
    if (fa)
        fclose(fa);
    if (fb)
        fclose(fb);
    return same;
}

static int entries_in(const char *dir) {
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)))
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    if (d)
        closedir(d);
    return n;
}

/* `ompsweep etl noise` on the named files of in_dir into out_dir; returns the exit code. */
static int etl_noise(const char *in_dir, const char *const *names, size_t n, const char *out_dir,
                     const char *options) {
    char args[3000];
    int len = snprintf(args, sizeof args, "etl noise -o %s %s", out_dir, options);
    for (size_t i = 0; i < n; i++)
        len += snprintf(args + len, sizeof args - (size_t)len, " %s/%s", in_dir, names[i]);
    cr_assert_lt((size_t)len, sizeof args);
    return run_ompsweep(args, out_text, sizeof out_text);
}

static const char *fixture_names[NFIXTURES];

static const char *const *all_names(void) {
    for (size_t i = 0; i < NFIXTURES; i++)
        fixture_names[i] = fixtures[i].name;
    return fixture_names;
}

/* ---- the stream rule ----------------------------------------------------------------------- */

Test(etl, stream_is_fnv1a_of_the_file_name) {
    /* Published FNV-1a 64 test vectors. */
    cr_assert_eq(etl_stream_of_name(""), UINT64_C(0xcbf29ce484222325));
    cr_assert_eq(etl_stream_of_name("a"), UINT64_C(0xaf63dc4c8601ec8c));
    cr_assert_eq(etl_stream_of_name("foobar"), UINT64_C(0x85944171f73967e8));
    cr_assert_str_eq(etl_basename("a/b/x.wav"), "x.wav");
    cr_assert_str_eq(etl_basename("x.wav"), "x.wav");
    cr_assert_str_eq(etl_basename("/x"), "x");
    cr_assert_null(etl_basename(""));
    cr_assert_null(etl_basename("a/"));
    cr_assert_null(etl_basename("a/.."));
    cr_assert_null(etl_basename("."));
    cr_assert_eq(etl_files_at_once(24, 2), 2);
    cr_assert_eq(etl_files_at_once(1, 2), 1);
    cr_assert_eq(etl_files_at_once(3, 4), 1);
    cr_assert_eq(etl_files_at_once(5, 1), 1);
}

/* ---- outputs -------------------------------------------------------------------------------- */

Test(etl, outputs_keep_format_subtype_channels_rate_and_frames) {
    const char *in = test_dir;
    char out[600];
    snprintf(out, sizeof out, "%s/out", in);
    write_fixtures(in);
    int rc = etl_noise(in, all_names(), NFIXTURES, out, "--sigma 0.01");
    cr_assert_eq(rc, 0, "%s", out_text);
    cr_assert(strstr(out_text, "8 of 8 files written"), "%s", out_text);
    for (size_t i = 0; i < NFIXTURES; i++) {
        SF_INFO a, b;
        free(read_samples(in, fixtures[i].name, 2, &a));
        free(read_samples(out, fixtures[i].name, 2, &b));
        cr_expect_eq(b.format, a.format, "%s: format %x, not %x", fixtures[i].name, b.format,
                     a.format);
        cr_expect_eq(b.channels, a.channels, "%s", fixtures[i].name);
        cr_expect_eq(b.samplerate, a.samplerate, "%s", fixtures[i].name);
        cr_expect_eq(b.frames, a.frames, "%s", fixtures[i].name);
        cr_expect_eq(b.format, fixtures[i].format, "%s", fixtures[i].name);
    }
    cr_expect_eq(temp_files_in(out), 0);
}

/* mean 0 and sd sigma of out - in, to 6 standard errors (n samples; quantisation adds
 * 1/12 LSB^2 to the variance of integer files, negligible at sigma = 0.01). */
static void expect_noise_statistics(const double *x, const double *y, size_t n, double sigma,
                                    const char *name) {
    double sum = 0.0, sq = 0.0;
    for (size_t i = 0; i < n; i++)
        sum += y[i] - x[i];
    double mean = sum / (double)n;
    for (size_t i = 0; i < n; i++)
        sq += (y[i] - x[i] - mean) * (y[i] - x[i] - mean);
    double sd = sqrt(sq / (double)(n - 1));
    cr_expect_lt(fabs(mean), 6.0 * sigma / sqrt((double)n), "%s: mean %g", name, mean);
    cr_expect_lt(fabs(sd - sigma), 6.0 * sigma / sqrt(2.0 * (double)n), "%s: sd %g", name, sd);
}

Test(etl, added_noise_has_mean_0_and_sd_sigma) {
    const char *in = test_dir;
    char out[600];
    snprintf(out, sizeof out, "%s/out", in);
    write_fixtures(in);
    cr_assert_eq(etl_noise(in, all_names(), NFIXTURES, out, "--sigma 0.01 --seed 42"), 0, "%s",
                 out_text);
    for (size_t i = 0; i < NFIXTURES; i++) {
        SF_INFO a, b;
        double *x = read_samples(in, fixtures[i].name, 2, &a);
        double *y = read_samples(out, fixtures[i].name, 2, &b);
        expect_noise_statistics(x, y, (size_t)a.frames * (size_t)a.channels, 0.01,
                                fixtures[i].name);
        free(x);
        free(y);
    }
}

static struct noise_source source_of(const char *name, uint64_t seed) {
    struct noise_source src = {seed, etl_stream_of_name(name), 0};
    return src;
}

/* Float and double files hold in + sigma z exactly: the kernel's values, bit for bit. */
Test(etl, float_and_double_files_get_exactly_the_kernels_noise) {
    const char *in = test_dir;
    char out[600];
    snprintf(out, sizeof out, "%s/out", in);
    write_fixtures(in);
    const char *names[] = {"float_stereo.wav", "double_mono.wav"};
    cr_assert_eq(etl_noise(in, names, 2, out, "--sigma 0.25 --seed 7 --threads 3"), 0, "%s",
                 out_text);
    SF_INFO a, b;
    float *xf = read_samples(in, names[0], 1, &a), *yf = read_samples(out, names[0], 1, &b);
    size_t n = (size_t)a.frames * (size_t)a.channels;
    cr_assert_eq(noise_add_f32(xf, n, xf, n, 0.25, source_of(names[0], 7)), 0);
    cr_expect_eq(memcmp(xf, yf, n * sizeof *xf), 0, "float file: not the kernel's noise");
    double *xd = read_samples(in, names[1], 2, &a), *yd = read_samples(out, names[1], 2, &b);
    n = (size_t)a.frames * (size_t)a.channels;
    cr_assert_eq(noise_add_f64(xd, n, xd, n, 0.25, source_of(names[1], 7)), 0);
    cr_expect_eq(memcmp(xd, yd, n * sizeof *xd), 0, "double file: not the kernel's noise");
    free(xf);
    free(yf);
    free(xd);
    free(yd);
}

/* With sigma 0 an integer file comes back with the very integers it holds. */
Test(etl, sigma_zero_returns_integer_samples_unchanged) {
    const char *in = test_dir;
    char out[600];
    snprintf(out, sizeof out, "%s/out", in);
    write_fixtures(in);
    const char *names[] = {"pcm16_mono.wav",    "pcm16_stereo.flac", "pcm24_mono.flac",
                           "pcm24_stereo.aiff", "pcm8_mono.wav",     "pcm32_stereo.wav"};
    cr_assert_eq(etl_noise(in, names, 6, out, "--sigma 0"), 0, "%s", out_text);
    for (size_t i = 0; i < 6; i++) {
        SF_INFO a, b;
        int *x = read_samples(in, names[i], 3, &a), *y = read_samples(out, names[i], 3, &b);
        cr_expect_eq(memcmp(x, y, (size_t)a.frames * (size_t)a.channels * sizeof *x), 0,
                     "%s changed", names[i]);
        free(x);
        free(y);
    }
}

static double near_full_scale(long i, int ch, int rate) {
    (void)rate;
    return (i + ch) % 2 ? 0.99 : -0.99;
}

/* Noise beyond full scale clips to the largest (smallest) 16-bit value instead of wrapping;
 * inside full scale the integer is the nearest to 32768 (in + sigma z), ties to even. */
Test(etl, integer_samples_clip_at_full_scale) {
    const char *in = test_dir;
    char out[600];
    snprintf(out, sizeof out, "%s/out", in);
    const struct fixture fx = {"loud.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16, 2, 8000, 4000};
    write_audio(in, &fx, near_full_scale);
    const char *names[] = {fx.name};
    cr_assert_eq(etl_noise(in, names, 1, out, "--sigma 0.05 --seed 3"), 0, "%s", out_text);
    SF_INFO a, b;
    float *x = read_samples(in, fx.name, 1, &a);
    short *y = malloc(8000 * sizeof *y);
    cr_assert_not_null(y);
    char path[700];
    snprintf(path, sizeof path, "%s/%s", out, fx.name);
    SNDFILE *sf = sf_open(path, SFM_READ, &b);
    cr_assert_eq(sf_read_short(sf, y, 8000), 8000);
    sf_close(sf);
    cr_assert_eq(noise_add_f32(x, 8000, x, 8000, 0.05, source_of(fx.name, 3)), 0);
    int clipped = 0;
    for (size_t i = 0; i < 8000; i++) {
        double v = rint((double)x[i] * 32768.0);
        if (v > 32767.0) {
            cr_assert_eq(y[i], 32767, "sample %zu: %g became %d", i, v, y[i]);
            clipped++;
        } else if (v < -32768.0) {
            cr_assert_eq(y[i], -32768, "sample %zu: %g became %d", i, v, y[i]);
            clipped++;
        } else {
            cr_assert_eq(y[i], (short)v, "sample %zu: %g became %d", i, v, y[i]);
        }
    }
    cr_expect_gt(clipped, 1000, "only %d samples went beyond full scale", clipped);
    char line[64];
    snprintf(line, sizeof line, "%d samples in 1 files clipped", clipped);
    cr_expect(strstr(out_text, line), "%s\nexpected: %s", out_text, line);
    free(x);
    free(y);
}

/* ---- determinism ---------------------------------------------------------------------------- */

static void expect_same_outputs(const char *dir_a, const char *dir_b, const char *what) {
    for (size_t i = 0; i < NFIXTURES; i++) {
        char a[700], b[700];
        snprintf(a, sizeof a, "%s/%s", dir_a, fixtures[i].name);
        snprintf(b, sizeof b, "%s/%s", dir_b, fixtures[i].name);
        cr_expect(same_bytes(a, b), "%s: %s differs from %s", what, b, a);
    }
}

/* 5 files: 1 thread, 2 and 3 (files in parallel), 5 (one file at a time, the kernel on 5). */
Test(etl, same_bytes_at_any_thread_count) {
    const char *in = test_dir;
    char ref[600];
    write_fixtures(in);
    snprintf(ref, sizeof ref, "%s/t1", in);
    cr_assert_eq(etl_noise(in, all_names(), NFIXTURES, ref, "--sigma 0.1 --threads 1"), 0, "%s",
                 out_text);
    static const int threads[] = {2, 3, 5, 7};
    for (size_t t = 0; t < sizeof threads / sizeof threads[0]; t++) {
        char dir[600], opt[64], what[32];
        snprintf(dir, sizeof dir, "%s/t%d", in, threads[t]);
        snprintf(opt, sizeof opt, "--sigma 0.1 --threads %d", threads[t]);
        snprintf(what, sizeof what, "%d threads", threads[t]);
        cr_assert_eq(etl_noise(in, all_names(), NFIXTURES, dir, opt), 0, "%s", out_text);
        expect_same_outputs(ref, dir, what);
    }
}

/* A file's output depends on its name only: not on the order, the other files, or its folder. */
Test(etl, same_bytes_in_any_order_and_alone) {
    const char *in = test_dir;
    char ref[600], rev[600], alone[600], moved[600];
    write_fixtures(in);
    snprintf(ref, sizeof ref, "%s/ref", in);
    snprintf(rev, sizeof rev, "%s/rev", in);
    snprintf(alone, sizeof alone, "%s/alone", in);
    cr_assert_eq(etl_noise(in, all_names(), NFIXTURES, ref, "--sigma 0.1 --threads 2"), 0, "%s",
                 out_text);
    const char *reversed[NFIXTURES];
    for (size_t i = 0; i < NFIXTURES; i++)
        reversed[i] = fixtures[NFIXTURES - 1 - i].name;
    cr_assert_eq(etl_noise(in, reversed, NFIXTURES, rev, "--sigma 0.1 --threads 2"), 0, "%s",
                 out_text);
    expect_same_outputs(ref, rev, "reversed order");
    for (size_t i = 0; i < NFIXTURES; i++)
        cr_assert_eq(etl_noise(in, &fixtures[i].name, 1, alone, "--sigma 0.1 --threads 2"), 0, "%s",
                     out_text);
    expect_same_outputs(ref, alone, "one file at a time");
    /* The same name in another folder: the same noise. */
    snprintf(moved, sizeof moved, "%s/sub", in);
    cr_assert_eq(mkdir(moved, 0777), 0);
    const char *sub_name[] = {"sub/pcm16_mono.wav"};
    char a[700], b[700];
    snprintf(a, sizeof a, "%s/pcm16_mono.wav", in);
    snprintf(b, sizeof b, "%s/pcm16_mono.wav", moved);
    cr_assert_eq(rename(a, b), 0);
    char out2[600];
    snprintf(out2, sizeof out2, "%s/moved", in);
    cr_assert_eq(etl_noise(in, sub_name, 1, out2, "--sigma 0.1"), 0, "%s", out_text);
    snprintf(a, sizeof a, "%s/pcm16_mono.wav", ref);
    snprintf(b, sizeof b, "%s/pcm16_mono.wav", out2);
    cr_expect(same_bytes(a, b), "the same file in another folder got other noise");
}

/* ---- failures ------------------------------------------------------------------------------- */

Test(etl, bad_files_are_skipped_and_the_others_written) {
    const char *in = test_dir;
    char out[600], path[700];
    snprintf(out, sizeof out, "%s/out", in);
    write_fixtures(in);
    snprintf(path, sizeof path, "%s/text.wav", in);
    write_text(path, "this is not a WAV file\n");
    snprintf(path, sizeof path, "%s/empty.wav", in);
    write_text(path, "");
    const char *names[] = {"pcm16_mono.wav", "text.wav",         "missing.wav",
                           "empty.wav",      "float_stereo.wav", "pcm16_stereo.flac"};
    int rc = etl_noise(in, names, 6, out, "--sigma 0.01 --threads 2");
    cr_assert_eq(rc, 1, "%s", out_text);
    cr_expect(strstr(out_text, "text.wav: "), "%s", out_text);
    cr_expect(strstr(out_text, "empty.wav: "), "%s", out_text);
    cr_expect(strstr(out_text, "missing.wav: No such file or directory"), "%s", out_text);
    cr_expect(strstr(out_text, "3 of 6 files written"), "%s", out_text);
    cr_expect_eq(entries_in(out), 3, "%s", out_text);
    cr_expect_eq(temp_files_in(out), 0);
    const size_t good[] = {0, 1, 2};
    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/%s", out, fixtures[good[i]].name);
        cr_expect_eq(access(path, F_OK), 0, "%s was not written", path);
    }
}

/* A write that fails (a format libsndfile cannot write; a folder that does not exist) leaves
 * neither the output nor a temporary file; one that succeeds rounds and clips 16-bit PCM. */
Test(audio, failed_write_leaves_nothing_and_pcm_is_rounded_and_clipped) {
    const char *dir = test_dir;
    char path[600], err[512];
    float samples[4] = {0.25f, 1.5f, -2.0f, 2.5f / 32768.0f};
    size_t clipped = 99;
    struct audio a = {.format = SF_FORMAT_WAV | SF_FORMAT_VORBIS,
                      .channels = 1,
                      .sample_rate = 8000,
                      .frames = 4,
                      .samples = samples};
    snprintf(path, sizeof path, "%s/x.wav", dir);
    cr_expect_eq(audio_write(path, &a, NULL, err, sizeof err), -1);
    cr_expect(strstr(err, "x.wav: libsndfile cannot write"), "%s", err);
    a.format = SF_FORMAT_WAV | SF_FORMAT_PCM_16;
    snprintf(path, sizeof path, "%s/no/x.wav", dir);
    cr_expect_eq(audio_write(path, &a, NULL, err, sizeof err), -1);
    cr_expect(strstr(err, "No such file"), "%s", err);
    cr_expect(dir_is_empty(dir));
    snprintf(path, sizeof path, "%s/x.wav", dir);
    cr_expect_eq(audio_write(path, &a, &clipped, err, sizeof err), 0, "%s", err);
    cr_expect_eq(entries_in(dir), 1);
    /* Rounded to the nearest step (2.5 steps: ties to even), clamped at full scale. */
    cr_expect_eq(clipped, 2);
    SF_INFO info;
    int *v = read_samples(dir, "x.wav", 3, &info);
    const int want[4] = {8192 << 16, 32767 << 16, -32768 * 65536, 2 << 16};
    cr_expect_arr_eq(v, want, sizeof want);
    free(v);
}

Test(audio, reads_as_float_or_double_by_subtype) {
    const char *dir = test_dir;
    char path[600], err[512];
    write_fixtures(dir);
    static const int want_double[NFIXTURES] = {0, 0, 0, 0, 1, 0, 0, 1};
    struct audio a = {0}; /* one buffer for every file, reused or grown */
    for (size_t i = 0; i < NFIXTURES; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, fixtures[i].name);
        cr_assert_eq(audio_read(path, &a, err, sizeof err), 0, "%s", err);
        cr_expect_eq(a.is_double, want_double[i], "%s", fixtures[i].name);
        cr_expect_eq(a.frames, (size_t)fixtures[i].frames, "%s", fixtures[i].name);
        cr_expect_eq(audio_samples(&a), a.frames * (size_t)fixtures[i].channels);
        cr_expect_geq(a.capacity, audio_samples(&a) * (a.is_double ? 8 : 4));
    }
    snprintf(path, sizeof path, "%s/none.wav", dir);
    cr_expect_eq(audio_read(path, &a, err, sizeof err), -1);
    cr_expect(strstr(err, "none.wav: No such file"), "%s", err);
    audio_free(&a);
    cr_expect_null(a.samples);
    char name[128];
    audio_format_name(SF_FORMAT_FLAC | SF_FORMAT_PCM_24, name, sizeof name);
    cr_expect(strstr(name, "FLAC") && strstr(name, "24"), "%s", name);
}

/* Reading in blocks of any size gives audio_read's samples; writing them in blocks of any size
 * gives audio_write's bytes; an aborted writer leaves the file it would replace untouched. */
Test(audio, blocks_of_any_size_match_whole_files) {
    const char *dir = test_dir;
    char path[600], whole_path[700], block_path[700], err[512];
    write_fixtures(dir);
    static const size_t block_frames[] = {1, 7, 4096, 100000};
    struct audio a = {0};
    for (size_t i = 0; i < NFIXTURES; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, fixtures[i].name);
        snprintf(whole_path, sizeof whole_path, "%s/whole-%s", dir, fixtures[i].name);
        cr_assert_eq(audio_read(path, &a, err, sizeof err), 0, "%s", err);
        cr_assert_eq(audio_write(whole_path, &a, NULL, err, sizeof err), 0, "%s", err);
        size_t size = a.is_double ? 8 : 4, n = audio_samples(&a), ch = (size_t)a.channels;
        char *got = malloc((n + 100000 * ch) * size); /* room for a whole last block */
        cr_assert_not_null(got);
        for (size_t b = 0; b < sizeof block_frames / sizeof block_frames[0]; b++) {
            struct audio_reader r;
            cr_assert_eq(audio_reader_open(&r, path, err, sizeof err), 0, "%s", err);
            cr_expect_eq(r.fmt.format, a.format);
            cr_expect_eq(r.fmt.is_double, a.is_double);
            size_t done = 0;
            long long k;
            while ((k = audio_reader_read(&r, got + done * ch * size, block_frames[b], err,
                                          sizeof err)) > 0)
                done += (size_t)k;
            cr_expect_eq(k, 0, "%s", err);
            cr_expect_eq(done, a.frames, "%s in blocks of %zu", fixtures[i].name, block_frames[b]);
            cr_expect_eq(r.fmt.frames, done);
            cr_expect_eq(memcmp(got, a.samples, n * size), 0, "%s: other samples in blocks of %zu",
                         fixtures[i].name, block_frames[b]);
            audio_reader_close(&r);
            audio_reader_close(&r); /* closing twice is harmless */

            struct audio_writer w;
            snprintf(block_path, sizeof block_path, "%s/blocks-%s", dir, fixtures[i].name);
            cr_assert_eq(audio_writer_open(&w, block_path, &a, err, sizeof err), 0, "%s", err);
            for (size_t f = 0; f < a.frames; f += block_frames[b]) {
                size_t m = a.frames - f < block_frames[b] ? a.frames - f : block_frames[b];
                cr_assert_eq(
                    audio_writer_write(&w, (char *)a.samples + f * ch * size, m, err, sizeof err),
                    0, "%s", err);
            }
            size_t clipped = 99;
            cr_assert_eq(audio_writer_commit(&w, &clipped, err, sizeof err), 0, "%s", err);
            cr_expect_eq(clipped, 0);
            cr_expect(same_bytes(whole_path, block_path), "%s: other bytes in blocks of %zu",
                      fixtures[i].name, block_frames[b]);
        }
        free(got);
    }
    /* Abort: the file of that name keeps its bytes, no temporary file stays. */
    snprintf(block_path, sizeof block_path, "%s/blocks-%s", dir, fixtures[0].name);
    cr_assert_eq(audio_read(block_path, &a, err, sizeof err), 0, "%s", err);
    struct audio_writer w;
    cr_assert_eq(audio_writer_open(&w, whole_path, &a, err, sizeof err), 0, "%s", err);
    cr_assert_eq(audio_writer_write(&w, a.samples, a.frames / 2, err, sizeof err), 0, "%s", err);
    cr_expect_eq(temp_files_in(dir), 1);
    audio_writer_abort(&w);
    audio_writer_abort(&w);
    cr_expect_eq(temp_files_in(dir), 0);
    snprintf(path, sizeof path, "%s/blocks-%s", dir, fixtures[NFIXTURES - 1].name);
    cr_expect(same_bytes(whole_path, path), "an aborted writer changed %s", whole_path);
    /* A failed open leaves nothing either, and an aborted failed writer is harmless. */
    snprintf(path, sizeof path, "%s/no/x.wav", dir);
    cr_expect_eq(audio_writer_open(&w, path, &a, err, sizeof err), -1);
    cr_expect(strstr(err, "no/x.wav: No such file"), "%s", err);
    audio_writer_abort(&w);
    cr_expect_eq(temp_files_in(dir), 0);
    audio_free(&a);
}

/* Files longer than a block, with block boundaries that fall inside the kernel's blocks (3
 * channels): the noise of one whole-file kernel call, bit for bit, at any thread count; and a
 * long 16-bit file gives the bytes of the whole-file pipeline (read, noise, write). */
Test(etl, long_files_are_streamed_with_the_whole_files_noise) {
    const char *in = test_dir;
    char out[600], err[512];
    const struct fixture longs[] = {
        {"long_float.wav", SF_FORMAT_WAV | SF_FORMAT_FLOAT, 3, 44100,
         5 * ETL_BLOCK_SAMPLES / 6 + 7},
        {"long_double.wav", SF_FORMAT_WAV | SF_FORMAT_DOUBLE, 1, 8000, 2 * ETL_BLOCK_SAMPLES + 5},
        {"long_pcm16.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16, 2, 44100,
         3 * ETL_BLOCK_SAMPLES / 2 + 1},
    };
    const char *names[] = {longs[0].name, longs[1].name, longs[2].name};
    for (size_t i = 0; i < 3; i++)
        write_audio(in, &longs[i], tone);
    static const char *const options[] = {"--sigma 0.2 --seed 3 --threads 1",
                                          "--sigma 0.2 --seed 3 --threads 2",
                                          "--sigma 0.2 --seed 3 --threads 5"};
    for (size_t t = 0; t < 3; t++) {
        snprintf(out, sizeof out, "%s/out%zu", in, t);
        cr_assert_eq(etl_noise(in, names, 3, out, options[t]), 0, "%s", out_text);
        SF_INFO a, b;
        float *xf = read_samples(in, names[0], 1, &a), *yf = read_samples(out, names[0], 1, &b);
        size_t n = (size_t)a.frames * (size_t)a.channels;
        cr_assert_gt(n, 2 * ETL_BLOCK_SAMPLES);
        cr_assert_eq(noise_add_f32(xf, n, xf, n, 0.2, source_of(names[0], 3)), 0);
        cr_expect_eq(memcmp(xf, yf, n * sizeof *xf), 0, "%s: float file", options[t]);
        double *xd = read_samples(in, names[1], 2, &a), *yd = read_samples(out, names[1], 2, &b);
        n = (size_t)a.frames * (size_t)a.channels;
        cr_assert_eq(noise_add_f64(xd, n, xd, n, 0.2, source_of(names[1], 3)), 0);
        cr_expect_eq(memcmp(xd, yd, n * sizeof *xd), 0, "%s: double file", options[t]);
        free(xf);
        free(yf);
        free(xd);
        free(yd);
        /* The 16-bit file, whole: read, noise, write. */
        struct audio whole = {0};
        char path[700], want[700], got[700];
        snprintf(path, sizeof path, "%s/%s", in, names[2]);
        snprintf(want, sizeof want, "%s/whole-%s", in, names[2]);
        snprintf(got, sizeof got, "%s/%s", out, names[2]);
        cr_assert_eq(audio_read(path, &whole, err, sizeof err), 0, "%s", err);
        n = audio_samples(&whole);
        cr_assert_eq(noise_add_f32(whole.samples, n, whole.samples, n, 0.2, source_of(names[2], 3)),
                     0);
        cr_assert_eq(audio_write(want, &whole, NULL, err, sizeof err), 0, "%s", err);
        cr_expect(same_bytes(want, got), "%s: the 16-bit file differs from the whole-file pipeline",
                  options[t]);
        audio_free(&whole);
    }
}

/* The benchmark script, tiny: it runs every command, checks the outputs agree across threads,
 * and records each run (wall, user and system time) and the ratios. */
Test(etl, benchmark_script_records_runs_and_ratios) {
    char cmd[1024], path[700];
    snprintf(cmd, sizeof cmd,
             "TMPDIR=%s scripts/bench_etl.sh --files 2 --seconds 1 --reps 2 %s/bench %s 2>&1",
             test_dir, test_dir, OMPSWEEP_BIN);
    cr_assert_eq(run_shell(cmd, out_text, sizeof out_text), 0, "%s", out_text);
    cr_expect(strstr(out_text, "outputs identical at 1 and"), "%s", out_text);
    snprintf(path, sizeof path, "%s/bench/etl.csv", test_dir);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "%s", path);
    char line[512];
    int rows = 0;
    cr_assert_not_null(fgets(line, sizeof line, f));
    cr_expect_str_eq(line, "tool,threads,rep,seconds,user_s,sys_s,files,input_bytes\n");
    while (fgets(line, sizeof line, f)) {
        double wall = 0, user = -1, sys = -1;
        int fields = sscanf(strchr(strchr(strchr(line, ',') + 1, ',') + 1, ',') + 1, "%lf,%lf,%lf",
                            &wall, &user, &sys);
        cr_expect_eq(fields, 3, "%s", line);
        cr_expect(wall > 0 && user >= 0 && sys >= 0, "%s", line);
        rows++;
    }
    fclose(f);
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    cr_expect_eq(rows, 2 * (cpus > 1 ? 3 : 2), "rows of %s", path);
    snprintf(path, sizeof path, "%s/bench/etl.json", test_dir);
    f = fopen(path, "r");
    cr_assert_not_null(f, "%s", path);
    size_t n = fread(out_text, 1, sizeof out_text - 1, f);
    out_text[n] = '\0';
    fclose(f);
    cr_expect(strstr(out_text, "\"identical_across_threads\": true"), "%s", out_text);
    cr_expect(strstr(out_text, "speedup_vs_1t_best_of_reps"), "%s", out_text);
    cr_expect(strstr(out_text, "\"median_sys_s\""), "%s", out_text);
    cr_expect_eq(temp_files_in(test_dir), 0);
}

/* ---- the command line ----------------------------------------------------------------------- */

Test(etl, help_and_actions) {
    cr_expect_eq(run_ompsweep("etl --help", out_text, sizeof out_text), 0);
    cr_expect(strstr(out_text, "usage: ompsweep etl ACTION"), "%s", out_text);
    cr_expect_eq(run_ompsweep("etl noise --help", out_text, sizeof out_text), 0);
    cr_expect(strstr(out_text, "FNV-1a"), "%s", out_text);
    cr_expect_eq(run_ompsweep("--help", out_text, sizeof out_text), 0);
    cr_expect(strstr(out_text, "etl noise"), "%s", out_text);
}

/* args with "@D" replaced by d and "@E" by e. */
static void substitute(const char *args, const char *d, const char *e, char *out, size_t len) {
    size_t used = 0;
    out[0] = '\0';
    for (const char *p = args; *p && used + 1 < len; p++) {
        const char *sub = p[0] == '@' && p[1] == 'D' ? d : p[0] == '@' && p[1] == 'E' ? e : NULL;
        if (sub) {
            used += (size_t)snprintf(out + used, len - used, "%s", sub);
            p++;
        } else {
            out[used++] = *p;
            out[used] = '\0';
        }
    }
}

/* @D: the inputs' folder; @E: an empty folder that must stay empty. */
static const struct {
    const char *args, *expect;
} usage_cases[] = {
    {"etl", "ompsweep etl: missing action"},
    {"etl shuffle", "unknown action 'shuffle'"},
    {"etl noise -o @E/out @D/pcm16_mono.wav", "--sigma: missing"},
    {"etl noise --sigma 0.1 @D/pcm16_mono.wav", "-o: missing"},
    {"etl noise -o @E/out --sigma -1 @D/pcm16_mono.wav", "--sigma: -1 is out of range"},
    {"etl noise -o @E/out --sigma nan @D/pcm16_mono.wav", "--sigma: 'nan' is not a finite"},
    {"etl noise -o @E/out --sigma inf @D/pcm16_mono.wav", "--sigma: 'inf' is not a finite"},
    {"etl noise -o @E/out --sigma 0.1", "no input files"},
    {"etl noise -o @E/out --sigma 0.1 --threads 0 @D/pcm16_mono.wav", "--threads: 0 is out"},
    {"etl noise -o @E/out --sigma 0.1 --seed -3 @D/pcm16_mono.wav", "--seed: '-3'"},
    {"etl noise -o @E/out --sigma 0.1 --bogus @D/pcm16_mono.wav", "unknown option"},
    {"etl noise -o @D/plain --sigma 0.1 @D/pcm16_mono.wav", "-o: '@D/plain' is not a folder"},
    {"etl noise -o @D/plain/sub --sigma 0.1 @D/pcm16_mono.wav", "-o: cannot create folder"},
    {"etl noise -o @D --sigma 0.1 @D/pcm16_mono.wav", "would overwrite the input"},
    {"etl noise -o @D/./ --sigma 0.1 @D/float_stereo.wav", "would overwrite the input"},
    {"etl noise -o @E/out --sigma 0.1 @D/pcm16_mono.wav @D/a/pcm16_mono.wav", "the same name"},
    {"etl noise -o @E/out --sigma 0.1 @D/", "input '@D/': no file name"},
};

Test(etl, usage_errors_exit_2_name_the_argument_and_write_nothing) {
    const char *d = test_dir;
    char empty[600], path[700];
    write_fixtures(d);
    snprintf(empty, sizeof empty, "%s/empty", d);
    cr_assert_eq(mkdir(empty, 0777), 0);
    snprintf(path, sizeof path, "%s/a", d);
    cr_assert_eq(mkdir(path, 0777), 0);
    snprintf(path, sizeof path, "%s/a/pcm16_mono.wav", d);
    write_text(path, "x");
    snprintf(path, sizeof path, "%s/plain", d);
    write_text(path, "x");
    for (size_t i = 0; i < sizeof usage_cases / sizeof usage_cases[0]; i++) {
        char args[2048], expect[1024];
        substitute(usage_cases[i].args, d, empty, args, sizeof args);
        substitute(usage_cases[i].expect, d, empty, expect, sizeof expect);
        expect_usage_error(args, expect, empty);
    }
    cr_expect_eq(temp_files_in(d), 0);
    /* The inputs were not touched. */
    SF_INFO info;
    free(read_samples(d, "pcm16_mono.wav", 2, &info));
    cr_expect_eq(info.frames, fixtures[0].frames);
}
