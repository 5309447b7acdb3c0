/* Writing audio through libsndfile, block by block or whole, atomically (io/audio.h). */
#include "audio.h"
#include "audio_private.h"

#include "atomic_file.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Frames the rounding buffer of the 8-, 24- and 32-bit paths holds. */
enum { ROUND_BLOCK_FRAMES = 4096 };

/* Bits of an integer PCM subtype whose conversion from float this file has checked, else 0. */
static int pcm_bits(int format) {
    switch (format & SF_FORMAT_SUBMASK) {
    case SF_FORMAT_PCM_S8:
    case SF_FORMAT_PCM_U8:
        return 8;
    case SF_FORMAT_PCM_16:
        return 16;
    case SF_FORMAT_PCM_24:
        return 24;
    case SF_FORMAT_PCM_32:
        return 32;
    default:
        return 0;
    }
}

static int check_writable_format(const struct audio *a, const char *path, char *err,
                                 size_t errlen) {
    SF_INFO info = {.samplerate = a->sample_rate, .channels = a->channels, .format = a->format};
    if (sf_format_check(&info))
        return 0;
    char name[256];
    snprintf(err, errlen, "%s: libsndfile cannot write %s with %d channels at %d Hz", path,
             audio_format_name(a->format, name, sizeof name), a->channels, a->sample_rate);
    return -1;
}

/* libsndfile on fd (which the writer closes itself: libsndfile is told not to), with the
 * settings that must precede the first sample. */
static int open_sndfile(struct audio_writer *w, const struct audio *fmt, char *err, size_t errlen) {
    SF_INFO info = {
        .samplerate = fmt->sample_rate, .channels = fmt->channels, .format = fmt->format};
    pthread_mutex_lock(&audio_open_lock);
    w->sf = sf_open_fd(w->file.fd, SFM_WRITE, &info, SF_FALSE);
    if (!w->sf)
        snprintf(err, errlen, "%s: %s", w->path, sf_strerror(NULL));
    pthread_mutex_unlock(&audio_open_lock);
    if (!w->sf)
        return -1;
    /* The PEAK chunk records the time of writing; clipping also makes integer conversion
     * exact (audio.h). */
    sf_command(w->sf, SFC_SET_ADD_PEAK_CHUNK, NULL, SF_FALSE);
    sf_command(w->sf, SFC_SET_CLIPPING, NULL, SF_TRUE);
    for (int i = 0; i < AUDIO_NSTRINGS; i++)
        if (fmt->strings[i])
            (void)sf_set_string(w->sf, SF_STR_FIRST + i,
                                fmt->strings[i]); /* not every format can */
    return 0;
}

int audio_writer_open(struct audio_writer *w, const char *path, const struct audio *fmt, char *err,
                      size_t errlen) {
    memset(w, 0, sizeof *w);
    w->file.fd = -1;
    w->path = path;
    w->format = fmt->format;
    w->channels = fmt->channels;
    w->is_double = fmt->is_double;
    if (check_writable_format(fmt, path, err, errlen))
        return -1;
    int bits = pcm_bits(fmt->format);
    if (bits && !(bits == 16 && !fmt->is_double)) {
        size_t size = fmt->is_double ? sizeof(double) : sizeof(float);
        w->buf = malloc(ROUND_BLOCK_FRAMES * (size_t)fmt->channels * size);
        if (!w->buf) {
            snprintf(err, errlen, "%s: %s", path, strerror(ENOMEM));
            return -1;
        }
    }
    int e = atomic_file_open(&w->file, path);
    if (e) {
        snprintf(err, errlen, "%s: %s", path, e == ENAMETOOLONG ? "name too long" : strerror(e));
        audio_writer_abort(w);
        return -1;
    }
    if (open_sndfile(w, fmt, err, errlen)) {
        audio_writer_abort(w);
        return -1;
    }
    return 0;
}

/* dst = src rounded to the nearest multiple of 2^-(bits-1) (ties to even) and clamped to
 * [-1, 1 - 2^-(bits-1)]: exact in float up to 24 bits, in double up to 32 (the scales are
 * powers of two). Returns the number clamped. */
static size_t round_f32(float *dst, const float *src, size_t n, int bits) {
    float scale = ldexpf(1.0f, bits - 1), inv = 1.0f / scale, hi = scale - 1.0f, lo = -scale;
    size_t clipped = 0;
    for (size_t i = 0; i < n; i++) {
        float v = rintf(src[i] * scale);
        clipped += (v > hi) | (v < lo);
        v = v > hi ? hi : v < lo ? lo : v;
        dst[i] = v * inv;
    }
    return clipped;
}

static size_t round_f64(double *dst, const double *src, size_t n, int bits) {
    double scale = ldexp(1.0, bits - 1), inv = 1.0 / scale, hi = scale - 1.0, lo = -scale;
    size_t clipped = 0;
    for (size_t i = 0; i < n; i++) {
        double v = rint(src[i] * scale);
        clipped += (v > hi) | (v < lo);
        v = v > hi ? hi : v < lo ? lo : v;
        dst[i] = v * inv;
    }
    return clipped;
}

static sf_count_t write_block(struct audio_writer *w, const void *v, size_t frames) {
    if (w->is_double)
        return sf_writef_double(w->sf, v, (sf_count_t)frames);
    return sf_writef_float(w->sf, v, (sf_count_t)frames);
}

/* 16-bit PCM rounded and clamped as round_f32 does, straight to shorts, which libsndfile only
 * copies: the same bytes as the float path, at a fraction of its cost. */
static int write_pcm16(struct audio_writer *w, const float *src, size_t frames) {
    short buf[AUDIO_PCM16_BLOCK];
    size_t ch = (size_t)w->channels, per_block = AUDIO_PCM16_BLOCK / ch;
    for (size_t f = 0; f < frames; f += per_block) {
        size_t m = frames - f < per_block ? frames - f : per_block, c = 0;
        const float *in = src + f * ch;
        for (size_t i = 0; i < m * ch; i++) {
            float v = rintf(in[i] * 32768.0f);
            c += (v > 32767.0f) | (v < -32768.0f);
            buf[i] = (short)(v > 32767.0f ? 32767.0f : v < -32768.0f ? -32768.0f : v);
        }
        w->clipped += c;
        if (sf_writef_short(w->sf, buf, (sf_count_t)m) != (sf_count_t)m)
            return -1;
    }
    return 0;
}

/* Integer PCM goes through a buffer of rounded values (audio.h says why), the rest as it is. */
static int write_samples(struct audio_writer *w, const void *samples, size_t frames) {
    int bits = pcm_bits(w->format);
    if (bits == 16 && !w->is_double)
        return write_pcm16(w, samples, frames);
    if (!bits || frames == 0)
        return write_block(w, samples, frames) == (sf_count_t)frames ? 0 : -1;
    size_t ch = (size_t)w->channels, size = w->is_double ? sizeof(double) : sizeof(float);
    for (size_t f = 0; f < frames; f += ROUND_BLOCK_FRAMES) {
        size_t m = frames - f < ROUND_BLOCK_FRAMES ? frames - f : ROUND_BLOCK_FRAMES;
        const char *src = (const char *)samples + f * ch * size;
        w->clipped += w->is_double ? round_f64(w->buf, (const double *)src, m * ch, bits)
                                   : round_f32(w->buf, (const float *)src, m * ch, bits);
        if (write_block(w, w->buf, m) != (sf_count_t)m)
            return -1;
    }
    return 0;
}

int audio_writer_write(struct audio_writer *w, const void *buf, size_t frames, char *err,
                       size_t errlen) {
    if (write_samples(w, buf, frames) == 0)
        return 0;
    snprintf(err, errlen, "%s: %s", w->path, sf_error(w->sf) ? sf_strerror(w->sf) : "write failed");
    return -1;
}

int audio_writer_commit(struct audio_writer *w, size_t *clipped, char *err, size_t errlen) {
    int rc = 0, closed = sf_close(w->sf);
    w->sf = NULL;
    if (closed != 0) {
        snprintf(err, errlen, "%s: %s", w->path, sf_error_number(closed));
        rc = -1;
    }
    int e = rc ? 0 : atomic_file_commit(&w->file);
    if (rc)
        atomic_file_abort(&w->file);
    if (e) {
        snprintf(err, errlen, "%s: %s", w->path, strerror(e));
        rc = -1;
    }
    if (clipped)
        *clipped = w->clipped;
    free(w->buf);
    w->buf = NULL;
    return rc;
}

void audio_writer_abort(struct audio_writer *w) {
    if (w->sf)
        sf_close(w->sf);
    w->sf = NULL;
    atomic_file_abort(&w->file);
    free(w->buf);
    w->buf = NULL;
}

int audio_write(const char *path, const struct audio *a, size_t *clipped, char *err,
                size_t errlen) {
    struct audio_writer w;
    if (clipped)
        *clipped = 0;
    if (audio_writer_open(&w, path, a, err, errlen))
        return -1;
    if (audio_writer_write(&w, a->samples, a->frames, err, errlen)) {
        if (clipped)
            *clipped = w.clipped;
        audio_writer_abort(&w);
        return -1;
    }
    return audio_writer_commit(&w, clipped, err, errlen);
}
