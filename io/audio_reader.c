/* Reading audio through libsndfile, block by block or whole (io/audio.h). */
#include "audio.h"
#include "audio_extent.h"
#include "audio_private.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int needs_double(int format) {
    int sub = format & SF_FORMAT_SUBMASK;
    return sub == SF_FORMAT_PCM_32 || sub == SF_FORMAT_ALAC_32 || sub == SF_FORMAT_DOUBLE;
}

static size_t sample_size(const struct audio *a) {
    return a->is_double ? sizeof(double) : sizeof(float);
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

/* Frames in the header, or 0 when the format does not say (or says something implausible). */
static size_t header_frames(const SF_INFO *info) {
    if (info->frames > 0 && (uint64_t)info->frames <= AUDIO_MAX_SAMPLES / (size_t)info->channels)
        return (size_t)info->frames;
    return 0;
}

/* Bytes of one sample in the file for the subtypes stored at a fixed width, else 0. */
static int stored_sample_bytes(int format) {
    switch (format & SF_FORMAT_SUBMASK) {
    case SF_FORMAT_PCM_S8:
    case SF_FORMAT_PCM_U8:
    case SF_FORMAT_ULAW:
    case SF_FORMAT_ALAW:
        return 1;
    case SF_FORMAT_PCM_16:
        return 2;
    case SF_FORMAT_PCM_24:
        return 3;
    case SF_FORMAT_PCM_32:
    case SF_FORMAT_FLOAT:
        return 4;
    case SF_FORMAT_DOUBLE:
        return 8;
    default:
        return 0;
    }
}

/* The file holds all the sample data its header declares (io/audio_extent.h): libsndfile
 * reads a file cut short as a shorter one, without an error. */
static int check_complete(const char *path, const SF_INFO *info, char *err, size_t errlen) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    struct audio_extent e;
    int rc = fd < 0 || fstat(fd, &st) != 0 ? -1 : audio_extent_read(fd, &e);
    if (rc < 0)
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
    if (fd >= 0)
        close(fd);
    if (rc <= 0 || e.data_end <= (uint64_t)st.st_size)
        return rc < 0 ? -1 : 0;
    unsigned long long declared = e.data_end - e.data_start;
    unsigned long long held =
        (uint64_t)st.st_size > e.data_start ? (uint64_t)st.st_size - e.data_start : 0;
    int frame_bytes = stored_sample_bytes(info->format) * info->channels;
    if (frame_bytes > 0)
        snprintf(err, errlen,
                 "%s: truncated: its header declares %llu bytes of samples (%llu frames), the "
                 "file holds %llu (%llu frames)",
                 path, declared, declared / (unsigned)frame_bytes, held,
                 held / (unsigned)frame_bytes);
    else
        snprintf(err, errlen,
                 "%s: truncated: its header declares %llu bytes of samples, the file holds %llu",
                 path, declared, held);
    return -1;
}

int audio_reader_open(struct audio_reader *r, const char *path, char *err, size_t errlen) {
    memset(r, 0, sizeof *r);
    r->path = path;
    if (check_regular_file(path, err, errlen))
        return -1;
    SF_INFO info = {0};
    pthread_mutex_lock(&audio_open_lock);
    SNDFILE *sf = sf_open(path, SFM_READ, &info);
    if (!sf)
        snprintf(err, errlen, "%s: %s", path, sf_strerror(NULL));
    pthread_mutex_unlock(&audio_open_lock);
    if (!sf)
        return -1;
    if (info.channels < 1 || info.samplerate < 1) {
        snprintf(err, errlen, "%s: %d channels at %d Hz", path, info.channels, info.samplerate);
        sf_close(sf);
        return -1;
    }
    if (check_complete(path, &info, err, errlen)) {
        sf_close(sf);
        return -1;
    }
    /* libsndfile reads an Ogg stream's length from its last page; without that page (a file cut
     * short) it says "unknown" and decodes what is there, or nothing, without an error. */
    if ((info.format & SF_FORMAT_TYPEMASK) == SF_FORMAT_OGG && info.frames == SF_COUNT_MAX) {
        snprintf(err, errlen,
                 "%s: truncated: the Ogg stream's last page, which gives its length, "
                 "is missing",
                 path);
        sf_close(sf);
        return -1;
    }
    r->sf = sf;
    r->fmt.format = info.format;
    r->fmt.channels = info.channels;
    r->fmt.sample_rate = info.samplerate;
    r->fmt.is_double = needs_double(info.format);
    r->hint = header_frames(&info);
    for (int i = 0; i < AUDIO_NSTRINGS; i++) {
        const char *s = sf_get_string(sf, SF_STR_FIRST + i);
        r->fmt.strings[i] = s ? strdup(s) : NULL;
    }
    return 0;
}

/* 16-bit PCM is read as shorts and scaled here (s / 32768, exact: the value libsndfile's float
 * read gives): libsndfile's own conversion cost more than the noise itself. */
static sf_count_t read_pcm16(SNDFILE *sf, float *dst, size_t frames, size_t ch) {
    short buf[AUDIO_PCM16_BLOCK];
    size_t per_block = AUDIO_PCM16_BLOCK / ch, done = 0;
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

long long audio_reader_read(struct audio_reader *r, void *buf, size_t frames, char *err,
                            size_t errlen) {
    if (frames == 0)
        return 0;
    SNDFILE *sf = r->sf;
    const struct audio *a = &r->fmt;
    sf_count_t got;
    if ((a->format & SF_FORMAT_SUBMASK) == SF_FORMAT_PCM_16 && !a->is_double)
        got = read_pcm16(sf, buf, frames, (size_t)a->channels);
    else if (a->is_double)
        got = sf_readf_double(sf, buf, (sf_count_t)frames);
    else
        got = sf_readf_float(sf, buf, (sf_count_t)frames);
    if (sf_error(sf) != SF_ERR_NO_ERROR) {
        snprintf(err, errlen, "%s: %s", r->path, sf_strerror(sf));
        return -1;
    }
    got = got > 0 ? got : 0;
    /* The end: a decoder (FLAC, MP3) that ran out of data before the frames its header
     * declares says so only by ending early. */
    if (got == 0 && r->hint && r->fmt.frames < r->hint) {
        snprintf(err, errlen, "%s: truncated: %zu of the %zu frames its header declares", r->path,
                 r->fmt.frames, r->hint);
        return -1;
    }
    r->fmt.frames += (size_t)got;
    return got;
}

void audio_reader_close(struct audio_reader *r) {
    if (r->sf)
        sf_close(r->sf);
    r->sf = NULL;
    audio_free_strings(r->fmt.strings);
}

/* ---- whole files ---------------------------------------------------------------------------- */

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

/* Every frame: the header's count when it gives one (fewer when the file is truncated), else
 * until the end, doubling the buffer as needed. */
static int read_all(struct audio_reader *r, struct audio *a, char *err, size_t errlen) {
    size_t ch = (size_t)a->channels, size = sample_size(a);
    size_t cap = a->capacity / (ch * size), limit = r->hint ? r->hint : SIZE_MAX;
    if (r->hint && cap < r->hint) {
        if (reserve(a, r->hint, r->path, err, errlen))
            return -1;
        cap = r->hint;
    }
    while (a->frames < limit) {
        if (a->frames == cap) {
            cap = cap < ((size_t)1 << 16) ? (size_t)1 << 16 : 2 * cap;
            if (cap > AUDIO_MAX_SAMPLES / ch) {
                snprintf(err, errlen, "%s: more than %zu samples", r->path, AUDIO_MAX_SAMPLES);
                return -1;
            }
            if (reserve(a, cap, r->path, err, errlen))
                return -1;
        }
        size_t want = (cap < limit ? cap : limit) - a->frames;
        long long got =
            audio_reader_read(r, (char *)a->samples + a->frames * ch * size, want, err, errlen);
        if (got < 0)
            return -1;
        if (got == 0)
            break;
        a->frames += (size_t)got;
    }
    return 0;
}

int audio_read(const char *path, struct audio *a, char *err, size_t errlen) {
    void *samples = a->samples;
    size_t capacity = a->capacity;
    audio_free_strings(a->strings);
    memset(a, 0, sizeof *a);
    a->samples = samples;
    a->capacity = capacity;
    struct audio_reader r;
    if (audio_reader_open(&r, path, err, errlen))
        return -1;
    a->format = r.fmt.format;
    a->channels = r.fmt.channels;
    a->sample_rate = r.fmt.sample_rate;
    a->is_double = r.fmt.is_double;
    memcpy(a->strings, r.fmt.strings, sizeof a->strings); /* a takes them over */
    memset(r.fmt.strings, 0, sizeof r.fmt.strings);
    int rc = read_all(&r, a, err, errlen);
    audio_reader_close(&r);
    return rc;
}
