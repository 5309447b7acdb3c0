#include "audio.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <sndfile.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* libsndfile keeps the error of a failed open in one global, read by sf_strerror(NULL): an open
 * and the reading of its error happen under this lock. */
static pthread_mutex_t open_lock = PTHREAD_MUTEX_INITIALIZER;

enum { AUDIO_NSTRINGS = SF_STR_LAST - SF_STR_FIRST + 1 };
_Static_assert(AUDIO_NSTRINGS <= 16, "struct audio holds 16 strings");

size_t audio_samples(const struct audio *a) {
    return a->frames * (size_t)a->channels;
}

static int needs_double(int format) {
    int sub = format & SF_FORMAT_SUBMASK;
    return sub == SF_FORMAT_PCM_32 || sub == SF_FORMAT_ALAC_32 || sub == SF_FORMAT_DOUBLE;
}

static size_t sample_size(const struct audio *a) {
    return a->is_double ? sizeof(double) : sizeof(float);
}

static SNDFILE *open_read(const char *path, SF_INFO *info, char *err, size_t errlen) {
    pthread_mutex_lock(&open_lock);
    SNDFILE *sf = sf_open(path, SFM_READ, info);
    if (!sf)
        snprintf(err, errlen, "%s: %s", path, sf_strerror(NULL));
    pthread_mutex_unlock(&open_lock);
    return sf;
}

/* Frames in the header, or 0 when the format does not say (or says something implausible). */
static size_t header_frames(const SF_INFO *info) {
    if (info->frames > 0 && (uint64_t)info->frames <= AUDIO_MAX_SAMPLES / (size_t)info->channels)
        return (size_t)info->frames;
    return 0;
}

/* Samples a block of the 16-bit paths holds (libsndfile allows at most 1024 channels). */
enum { PCM16_BLOCK = 16384 };

/* 16-bit PCM is read as shorts and scaled here (s / 32768, exact: the value libsndfile's float
 * read gives): libsndfile's own conversion cost more than the noise itself. */
static sf_count_t read_pcm16(SNDFILE *sf, float *dst, size_t frames, size_t ch) {
    short buf[PCM16_BLOCK];
    size_t per_block = PCM16_BLOCK / ch, done = 0;
    while (done < frames) {
        size_t want = frames - done < per_block ? frames - done : per_block;
        sf_count_t got = sf_readf_short(sf, buf, (sf_count_t)want);
        if (got <= 0)
            break;
        float *out = dst + done * ch;
        for (size_t i = 0; i < (size_t)got * ch; i++)
            out[i] = (float)buf[i] * 0x1p-15f;
        done += (size_t)got;
        if ((size_t)got < want)
            break;
    }
    return (sf_count_t)done;
}

static sf_count_t read_frames(SNDFILE *sf, struct audio *a, size_t n) {
    size_t off = a->frames * (size_t)a->channels;
    if ((a->format & SF_FORMAT_SUBMASK) == SF_FORMAT_PCM_16 && !a->is_double)
        return read_pcm16(sf, (float *)a->samples + off, n, (size_t)a->channels);
    if (a->is_double)
        return sf_readf_double(sf, (double *)a->samples + off, (sf_count_t)n);
    return sf_readf_float(sf, (float *)a->samples + off, (sf_count_t)n);
}

/* Room for `frames` frames at a->samples: the buffer is kept when it is large enough, else
 * grown (its content kept). The caller keeps frames x channels within AUDIO_MAX_SAMPLES. */
static int reserve(struct audio *a, size_t frames, const char *path, char *err, size_t errlen) {
    size_t bytes = frames * (size_t)a->channels * sample_size(a);
    if (bytes <= a->capacity)
        return 0;
    void *p = realloc(a->samples, bytes);
    if (!p) {
        snprintf(err, errlen, "%s: %s", path, strerror(ENOMEM));
        return -1;
    }
    a->samples = p;
    a->capacity = bytes;
    return 0;
}

/* Reads every frame: the header's count in one call when it gives one (fewer when the file is
 * truncated), else until the end, doubling the buffer as needed. */
static int read_all(SNDFILE *sf, const char *path, struct audio *a, size_t known, char *err,
                    size_t errlen) {
    size_t ch = (size_t)a->channels;
    if (known) {
        if (reserve(a, known, path, err, errlen))
            return -1;
        sf_count_t got = read_frames(sf, a, known);
        a->frames = got > 0 ? (size_t)got : 0;
    } else {
        size_t cap = a->capacity / (ch * sample_size(a));
        sf_count_t got;
        do {
            if (a->frames == cap) {
                cap = cap < ((size_t)1 << 16) ? (size_t)1 << 16 : 2 * cap;
                if (cap > AUDIO_MAX_SAMPLES / ch) {
                    snprintf(err, errlen, "%s: more than %zu samples", path, AUDIO_MAX_SAMPLES);
                    return -1;
                }
                if (reserve(a, cap, path, err, errlen))
                    return -1;
            }
            got = read_frames(sf, a, cap - a->frames);
            a->frames += got > 0 ? (size_t)got : 0;
        } while (got > 0);
    }
    if (sf_error(sf) != SF_ERR_NO_ERROR) {
        snprintf(err, errlen, "%s: %s", path, sf_strerror(sf));
        return -1;
    }
    return 0;
}

static void copy_strings(SNDFILE *sf, struct audio *a) {
    for (int i = 0; i < AUDIO_NSTRINGS; i++) {
        const char *s = sf_get_string(sf, SF_STR_FIRST + i);
        a->strings[i] = s ? strdup(s) : NULL;
    }
}

static int check_regular_file(const char *path, char *err, size_t errlen) {
    struct stat st;
    if (stat(path, &st) != 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "%s: not a regular file", path);
        return -1;
    }
    return 0;
}

static void free_strings(struct audio *a) {
    for (int i = 0; i < AUDIO_NSTRINGS; i++) {
        free(a->strings[i]);
        a->strings[i] = NULL;
    }
}

int audio_read(const char *path, struct audio *a, char *err, size_t errlen) {
    void *samples = a->samples;
    size_t capacity = a->capacity;
    free_strings(a);
    memset(a, 0, sizeof *a);
    a->samples = samples;
    a->capacity = capacity;
    if (check_regular_file(path, err, errlen))
        return -1;
    SF_INFO info = {0};
    SNDFILE *sf = open_read(path, &info, err, errlen);
    if (!sf)
        return -1;
    int rc = -1;
    if (info.channels < 1 || info.samplerate < 1) {
        snprintf(err, errlen, "%s: %d channels at %d Hz", path, info.channels, info.samplerate);
        goto done;
    }
    a->format = info.format;
    a->channels = info.channels;
    a->sample_rate = info.samplerate;
    a->is_double = needs_double(info.format);
    if (read_all(sf, path, a, header_frames(&info), err, errlen) == 0) {
        copy_strings(sf, a);
        rc = 0;
    }
done:
    sf_close(sf);
    return rc;
}

/* ---- writing ----------------------------------------------------------------------------- */

/* ".NAME.tmp.XXXXXX" in the folder of path. */
static int temp_name(const char *path, char *tmp, size_t len) {
    const char *slash = strrchr(path, '/');
    int dir_len = slash ? (int)(slash - path + 1) : 0;
    const char *base = slash ? slash + 1 : path;
    int n = snprintf(tmp, len, "%.*s.%s.tmp.XXXXXX", dir_len, path, base);
    return n < 0 || (size_t)n >= len ? -1 : 0;
}

static SNDFILE *open_write(int fd, SF_INFO *info, const char *path, char *err, size_t errlen) {
    pthread_mutex_lock(&open_lock);
    SNDFILE *sf = sf_open_fd(fd, SFM_WRITE, info, SF_FALSE);
    if (!sf)
        snprintf(err, errlen, "%s: %s", path, sf_strerror(NULL));
    pthread_mutex_unlock(&open_lock);
    return sf;
}

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

static sf_count_t write_block(SNDFILE *sf, const struct audio *a, const void *v, size_t frames) {
    if (a->is_double)
        return sf_writef_double(sf, v, (sf_count_t)frames);
    return sf_writef_float(sf, v, (sf_count_t)frames);
}

/* 16-bit PCM rounded and clamped as round_f32 does, straight to shorts, which libsndfile only
 * copies: the same bytes as the float path, at a fraction of its cost. */
static int write_pcm16(SNDFILE *sf, const struct audio *a, size_t *clipped) {
    short buf[PCM16_BLOCK];
    size_t ch = (size_t)a->channels, per_block = PCM16_BLOCK / ch;
    const float *src = a->samples;
    for (size_t f = 0; f < a->frames; f += per_block) {
        size_t m = a->frames - f < per_block ? a->frames - f : per_block, c = 0;
        const float *in = src + f * ch;
        for (size_t i = 0; i < m * ch; i++) {
            float v = rintf(in[i] * 32768.0f);
            c += (v > 32767.0f) | (v < -32768.0f);
            buf[i] = (short)(v > 32767.0f ? 32767.0f : v < -32768.0f ? -32768.0f : v);
        }
        *clipped += c;
        if (sf_writef_short(sf, buf, (sf_count_t)m) != (sf_count_t)m)
            return -1;
    }
    return 0;
}

/* Integer PCM goes through a buffer of rounded values (audio.h says why), the rest as it is. */
static int write_samples(SNDFILE *sf, const struct audio *a, size_t *clipped) {
    int bits = pcm_bits(a->format);
    if (bits == 16 && !a->is_double)
        return write_pcm16(sf, a, clipped);
    size_t ch = (size_t)a->channels, size = a->is_double ? sizeof(double) : sizeof(float);
    if (!bits || a->frames == 0)
        return write_block(sf, a, a->samples, a->frames) == (sf_count_t)a->frames ? 0 : -1;
    enum { BLOCK_FRAMES = 4096 };
    void *buf = malloc(BLOCK_FRAMES * ch * size);
    if (!buf)
        return -1;
    int rc = 0;
    for (size_t f = 0; f < a->frames && !rc; f += BLOCK_FRAMES) {
        size_t m = a->frames - f < BLOCK_FRAMES ? a->frames - f : BLOCK_FRAMES;
        const char *src = (const char *)a->samples + f * ch * size;
        *clipped += a->is_double ? round_f64(buf, (const double *)src, m * ch, bits)
                                 : round_f32(buf, (const float *)src, m * ch, bits);
        rc = write_block(sf, a, buf, m) == (sf_count_t)m ? 0 : -1;
    }
    free(buf);
    return rc;
}

/* The samples and strings into fd (which the caller closes: libsndfile is told not to). */
static int write_fd(int fd, const struct audio *a, const char *path, size_t *clipped, char *err,
                    size_t errlen) {
    SF_INFO info = {.samplerate = a->sample_rate, .channels = a->channels, .format = a->format};
    SNDFILE *sf = open_write(fd, &info, path, err, errlen);
    if (!sf)
        return -1;
    /* The PEAK chunk records the time of writing; clipping also makes integer conversion
     * exact (audio.h). Both must be set before the first sample is written. */
    sf_command(sf, SFC_SET_ADD_PEAK_CHUNK, NULL, SF_FALSE);
    sf_command(sf, SFC_SET_CLIPPING, NULL, SF_TRUE);
    for (int i = 0; i < AUDIO_NSTRINGS; i++)
        if (a->strings[i])
            (void)sf_set_string(sf, SF_STR_FIRST + i, a->strings[i]); /* not every format can */
    int rc = write_samples(sf, a, clipped);
    if (rc)
        snprintf(err, errlen, "%s: %s", path, sf_error(sf) ? sf_strerror(sf) : strerror(ENOMEM));
    int closed = sf_close(sf);
    if (!rc && closed != 0) {
        snprintf(err, errlen, "%s: %s", path, sf_error_number(closed));
        rc = -1;
    }
    return rc;
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

int audio_write(const char *path, const struct audio *a, size_t *clipped, char *err,
                size_t errlen) {
    char tmp[4096];
    size_t n_clipped = 0;
    if (check_writable_format(a, path, err, errlen))
        return -1;
    if (temp_name(path, tmp, sizeof tmp)) {
        snprintf(err, errlen, "%s: name too long", path);
        return -1;
    }
    int fd = mkstemp(tmp);
    if (fd < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    fchmod(fd, 0644);
    int rc = write_fd(fd, a, path, &n_clipped, err, errlen);
    if (clipped)
        *clipped = n_clipped;
    if (close(fd) != 0 && !rc) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        rc = -1;
    }
    if (!rc && rename(tmp, path) != 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        rc = -1;
    }
    if (rc)
        unlink(tmp);
    return rc;
}

const char *audio_format_name(int format, char *buf, size_t len) {
    SF_FORMAT_INFO major = {.format = format & SF_FORMAT_TYPEMASK};
    SF_FORMAT_INFO sub = {.format = format & SF_FORMAT_SUBMASK};
    int bad_major = sf_command(NULL, SFC_GET_FORMAT_INFO, &major, sizeof major) != 0;
    int bad_sub = sf_command(NULL, SFC_GET_FORMAT_INFO, &sub, sizeof sub) != 0;
    if (bad_major || bad_sub)
        snprintf(buf, len, "format 0x%08x", (unsigned)format);
    else
        snprintf(buf, len, "%s / %s", major.name, sub.name);
    return buf;
}

void audio_free(struct audio *a) {
    free(a->samples);
    a->samples = NULL;
    a->capacity = 0;
    free_strings(a);
}
