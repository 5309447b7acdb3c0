/* io/audio on files cut short: a file whose header declares more sample data than the file
 * holds is refused (whole-file and block reads, and `ompsweep etl noise`), whatever the cut, for
 * every header format that states the data's length (WAV, WAVEX, RF64, Wave64, AIFF, AU); a
 * compressed file that decodes to fewer frames than its header declares is refused too (FLAC,
 * MP3), and so is an Ogg file (Vorbis, Opus) whose length cannot be read. Complete files are still
 * read whole: with chunks after the data, with trailing bytes, and with the "length unknown" sizes
 * a writer that cannot seek leaves in WAV and AU headers. */
#include "audio.h"
#include "cli_support.h"

#include <criterion/criterion.h>
#include <math.h>
#include <sndfile.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char test_dir[] = "/tmp/ompsweep-audio-cut-XXXXXX";

static void make_test_dir(void) {
    test_dir_make(test_dir);
}

static void remove_test_dir(void) {
    test_dir_remove(test_dir);
}

TestSuite(audio_truncated, .init = make_test_dir, .fini = remove_test_dir);

struct cut_format {
    const char *name;
    int format, channels;
    int frame_bytes; /* bytes of one frame in the data chunk */
};

static const struct cut_format formats[] = {
    {"pcm16_mono.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16, 1, 2},
    {"float_stereo.wav", SF_FORMAT_WAV | SF_FORMAT_FLOAT, 2, 8},
    {"pcm24_stereo.wavex", SF_FORMAT_WAVEX | SF_FORMAT_PCM_24, 2, 6},
    {"pcm16_stereo.rf64", SF_FORMAT_RF64 | SF_FORMAT_PCM_16, 2, 4},
    {"pcm16_mono.w64", SF_FORMAT_W64 | SF_FORMAT_PCM_16, 1, 2},
    {"pcm24_stereo.aiff", SF_FORMAT_AIFF | SF_FORMAT_PCM_24, 2, 6},
    {"pcm16_mono.aifc", SF_FORMAT_AIFF | SF_FORMAT_PCM_16 | SF_ENDIAN_LITTLE, 1, 2},
    {"pcm16_mono.au", SF_FORMAT_AU | SF_FORMAT_PCM_16, 1, 2},
    {"ulaw_stereo.au", SF_FORMAT_AU | SF_FORMAT_ULAW | SF_ENDIAN_LITTLE, 2, 2},
};
#define NFORMATS (sizeof formats / sizeof formats[0])

/* Frames of the test files; compressed ones are longer, so that a cut leaves whole pages. */
enum { FRAMES = 4000, LONG_FRAMES = 48000 };

static void path_of(char *path, size_t len, const char *name) {
    snprintf(path, len, "%s/%s", test_dir, name);
}

/* `frames` frames (at most LONG_FRAMES) of a tone into the test folder's `name`; with a title
 * when `title`, which WAV and AIFF then store in a chunk after the samples. */
static void write_frames(const char *name, int format, int channels, long frames, int title) {
    char path[512];
    path_of(path, sizeof path, name);
    SF_INFO info = {.samplerate = 8000, .channels = channels, .format = format};
    SNDFILE *sf = sf_open(path, SFM_WRITE, &info);
    cr_assert_not_null(sf, "%s: %s", path, sf_strerror(NULL));
    static double v[LONG_FRAMES * 2];
    for (long i = 0; i < frames; i++)
        for (int c = 0; c < channels; c++)
            v[i * channels + c] = 0.5 * sin(0.01 * (double)i + c);
    cr_assert_eq(sf_writef_double(sf, v, frames), frames, "%s", path);
    if (title) /* set after the samples, so it goes after them */
        sf_set_string(sf, SF_STR_TITLE, "a tone");
    cr_assert_eq(sf_close(sf), 0);
}

/* FRAMES frames, as write_frames. */
static void write_tone(const char *name, int format, int channels, int title) {
    write_frames(name, format, channels, FRAMES, title);
}

static long long file_size(const char *path) {
    struct stat st;
    cr_assert_eq(stat(path, &st), 0, "%s", path);
    return (long long)st.st_size;
}

/* audio_read reads all `frames` frames of path. */
static void expect_frames(const char *path, size_t frames) {
    char err[512];
    struct audio a = {0};
    cr_expect_eq(audio_read(path, &a, err, sizeof err), 0, "%s refused: %s", path, err);
    cr_expect_eq(a.frames, frames, "%s: %zu frames", path, a.frames);
    audio_free(&a);
}

static void expect_whole(const char *path) {
    expect_frames(path, FRAMES);
}

/* audio_read refuses path, and a block reader fails before its end, each naming the file and
 * saying `reason` (any reason when NULL). */
static void expect_refused(const char *path, const char *what, const char *reason) {
    char err[512] = "";
    struct audio a = {0};
    int rc = audio_read(path, &a, err, sizeof err);
    cr_expect_eq(rc, -1, "%s (%s): read %zu frames as good", path, what, a.frames);
    cr_expect(strstr(err, path) && (!reason || strstr(err, reason)), "%s (%s): '%s'", path, what,
              err);
    audio_free(&a);
    struct audio_reader r;
    err[0] = '\0';
    int failed = audio_reader_open(&r, path, err, sizeof err) != 0;
    if (!failed) {
        static double block[1000 * 2];
        long long got;
        while ((got = audio_reader_read(&r, block, 1000 / (size_t)r.fmt.channels, err,
                                        sizeof err)) > 0)
            ;
        failed = got < 0;
        audio_reader_close(&r);
    }
    cr_expect(failed, "%s (%s): a block reader reached the end without an error", path, what);
    cr_expect(!reason || strstr(err, reason), "%s (%s): '%s'", path, what, err);
}

/* Cut in the middle, inside the last frame, at a frame boundary near the end, and right after
 * the header: each is refused. */
Test(audio_truncated, cut_files_are_refused_in_every_length_stating_format) {
    for (size_t i = 0; i < NFORMATS; i++) {
        const struct cut_format *f = &formats[i];
        char path[512];
        path_of(path, sizeof path, f->name);
        write_tone(f->name, f->format, f->channels, 0);
        expect_whole(path);
        long long size = file_size(path), data = (long long)FRAMES * f->frame_bytes;
        cr_assert_gt(size, data, "%s", path);
        const long long cuts[] = {size - 1, size - 10 * f->frame_bytes, size - data / 2,
                                  size - data + 1};
        for (size_t c = 0; c < sizeof cuts / sizeof cuts[0]; c++) {
            char what[64];
            snprintf(what, sizeof what, "cut to %lld of %lld bytes", cuts[c], size);
            cr_assert_eq(truncate(path, cuts[c]), 0);
            expect_refused(path, what, "truncated");
        }
    }
}

/* Compressed formats: libsndfile decodes what is there; the frames fall short of the header's,
 * or (Ogg) the length is unknown because the last page, which gives it, is gone. */
Test(audio_truncated, cut_compressed_files_are_refused) {
    const struct cut_format compressed[] = {
        {"pcm16_stereo.flac", SF_FORMAT_FLAC | SF_FORMAT_PCM_16, 2, 0},
        {"tone.mp3", SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III, 1, 0},
        {"tone.ogg", SF_FORMAT_OGG | SF_FORMAT_VORBIS, 1, 0},
        {"tone.opus", SF_FORMAT_OGG | SF_FORMAT_OPUS, 2, 0},
    };
    /* FLAC: libsndfile's "lost sync"; Ogg: its length is unknown without the last page. */
    const char *reasons[] = {NULL, "truncated", "truncated", "truncated"};
    for (size_t i = 0; i < sizeof compressed / sizeof compressed[0]; i++) {
        const struct cut_format *f = &compressed[i];
        char path[512];
        path_of(path, sizeof path, f->name);
        SF_INFO probe = {.samplerate = 8000, .channels = f->channels, .format = f->format};
        if (!sf_format_check(&probe)) {
            cr_log_warn("this libsndfile does not write %s: not tested", f->name);
            continue;
        }
        write_frames(f->name, f->format, f->channels, LONG_FRAMES, 0);
        expect_frames(path, LONG_FRAMES);
        cr_assert_eq(truncate(path, file_size(path) * 4 / 5), 0);
        expect_refused(path, "cut to 4/5", reasons[i]);
    }
}

/* Offset of the first occurrence of the 4 bytes id in path's first 64 KiB, or -1. */
static long find_id(const char *path, const char *id) {
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "%s", path);
    static unsigned char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    for (size_t i = 0; i + 4 <= n; i++)
        if (memcmp(buf + i, id, 4) == 0)
            return (long)i;
    return -1;
}

static void patch(const char *path, long offset, const void *bytes, size_t n) {
    FILE *f = fopen(path, "r+b");
    cr_assert_not_null(f, "%s", path);
    cr_assert_eq(fseek(f, offset, SEEK_SET), 0);
    cr_assert_eq(fwrite(bytes, 1, n, f), n);
    cr_assert_eq(fclose(f), 0);
}

static void append(const char *path, const char *bytes) {
    FILE *f = fopen(path, "ab");
    cr_assert_not_null(f, "%s", path);
    fputs(bytes, f);
    cr_assert_eq(fclose(f), 0);
}

/* No false alarm: chunks after the data, bytes after everything, and the sizes that mean
 * "up to the end of the file" (0xFFFFFFFF, and sox's 0x7FFFF000 and arecord's 0x7FFFFFFF, in a
 * WAV data chunk; 0xFFFFFFFF in an AU header). */
Test(audio_truncated, complete_files_are_read_whole) {
    char path[512];
    write_tone("titled.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16, 2, 1);
    write_tone("titled.aiff", SF_FORMAT_AIFF | SF_FORMAT_PCM_16, 2, 1);
    const char *titled[][3] = {{"titled.wav", "data", "LIST"}, {"titled.aiff", "SSND", "NAME"}};
    for (size_t i = 0; i < 2; i++) {
        path_of(path, sizeof path, titled[i][0]);
        cr_assert_gt(find_id(path, titled[i][2]), find_id(path, titled[i][1]),
                     "%s: no %s chunk after the samples", path, titled[i][2]);
        expect_whole(path);
        append(path, "trailing bytes");
        expect_whole(path);
    }
    const unsigned char unknown[4] = {0xff, 0xff, 0xff, 0xff};
    write_tone("stream.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16, 1, 0);
    path_of(path, sizeof path, "stream.wav");
    long data = find_id(path, "data");
    cr_assert_gt(data, 0);
    patch(path, data + 4, unknown, 4);
    expect_whole(path);
    const unsigned char sox_unknown[4] = {0x00, 0xf0, 0xff, 0x7f};
    const unsigned char arecord_unknown[4] = {0xff, 0xff, 0xff, 0x7f};
    patch(path, data + 4, sox_unknown, 4);
    expect_whole(path);
    patch(path, data + 4, arecord_unknown, 4);
    expect_whole(path);
    write_tone("stream.au", SF_FORMAT_AU | SF_FORMAT_PCM_16, 1, 0);
    path_of(path, sizeof path, "stream.au");
    patch(path, 8, unknown, 4);
    expect_whole(path);
}

/* `etl noise` skips the cut file, names it, writes the good one, exits 1. */
Test(audio_truncated, etl_skips_a_cut_file_and_exits_1) {
    char good[512], cut[512], out[512], args[2048];
    static char text[1 << 14];
    write_tone("good.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16, 1, 0);
    write_tone("cut.aiff", SF_FORMAT_AIFF | SF_FORMAT_PCM_16, 1, 0);
    path_of(good, sizeof good, "good.wav");
    path_of(cut, sizeof cut, "cut.aiff");
    path_of(out, sizeof out, "out");
    cr_assert_eq(truncate(cut, file_size(cut) / 2), 0);
    snprintf(args, sizeof args, "etl noise --sigma 0.01 -o %s %s %s", out, good, cut);
    int rc = run_ompsweep(args, text, sizeof text);
    cr_expect_eq(rc, 1, "exit %d:\n%s", rc, text);
    cr_expect(strstr(text, cut) && strstr(text, "truncated"), "%s", text);
    cr_expect(strstr(text, "1 of 2 files written"), "%s", text);
    char written[600];
    snprintf(written, sizeof written, "%s/good.wav", out);
    cr_expect_eq(access(written, F_OK), 0, "%s", text);
    snprintf(written, sizeof written, "%s/cut.aiff", out);
    cr_expect_neq(access(written, F_OK), 0, "the cut file was written:\n%s", text);
    cr_expect_eq(temp_files_in(out), 0);
}
