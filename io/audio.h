/* audio: a whole audio file read into memory and written back in the same format (libsndfile).
 *
 * audio_read accepts anything libsndfile reads. Samples are held interleaved (frame by frame,
 * channel by channel) and normalised as libsndfile presents them: integer PCM of b bits is
 * divided by 2^(b-1), so full scale is [-1, 1). They are held as float when float holds every
 * sample exactly (PCM up to 24 bits, 8-bit, a-law, u-law, ADPCM, FLOAT and lossy codecs), as
 * double otherwise (PCM_32, ALAC_32, DOUBLE): `is_double` says which.
 *
 * audio_write writes the same major format, subtype, endianness, channels and sample rate, and
 * copies the text strings (title, artist...). libsndfile converts the samples to the subtype:
 * integer subtypes with clipping on (SFC_SET_CLIPPING), so a value beyond full scale becomes
 * the largest or smallest integer instead of wrapping around (libsndfile 1.2 also converts
 * exactly back to the integers read only with clipping on: without it, it scales by 2^(b-1)-1
 * on write but 2^(b-1) on read). FLOAT and DOUBLE subtypes store values beyond 1.0 unchanged.
 * WAV's PEAK chunk is not written (it carries the time of writing), so the bytes written are a
 * function of the samples and the format alone, except for Ogg containers (a random stream
 * serial number). Not copied: other chunks (cue points, loops, broadcast and cart data).
 *
 * Atomic: audio_write writes a temporary file beside the final name (".NAME.tmp.XXXXXX" in the
 * same folder) and renames it into place; on any error the temporary file is removed and an
 * existing file of that name is left as it was.
 *
 * Errors: 0, or -1 with a message in err (at most errlen bytes, always terminated) that names
 * the file and the reason ("x.wav: File contains data in an unknown format."). Nothing is
 * printed. Thread-safety: distinct struct audio may be read and written concurrently (the one
 * global of libsndfile, its last open error, is read under a lock).
 */
#ifndef OMPSWEEP_AUDIO_H
#define OMPSWEEP_AUDIO_H

#include <stddef.h>

struct audio {
    int format;        /* libsndfile SF_FORMAT_*: major | subtype | endianness */
    int channels;      /* interleaved channels */
    int sample_rate;   /* frames per second */
    size_t frames;     /* frames read; samples = frames * channels */
    int is_double;     /* samples are double (else float) */
    void *samples;     /* frames * channels values, malloc'ed; NULL when there are none */
    char *strings[16]; /* SF_STR_TITLE .. SF_STR_GENRE, indexed from SF_STR_FIRST; NULL absent */
};

/* Most samples (frames x channels) a file may hold: 2^32 (16 GiB as float). */
#define AUDIO_MAX_SAMPLES ((size_t)1 << 32)

/* Samples in the file: frames * channels. */
size_t audio_samples(const struct audio *a);

/* Reads the whole of path into a (which the caller frees with audio_free, also on failure). */
int audio_read(const char *path, struct audio *a, char *err, size_t errlen);

/* Writes a to path atomically, in a's format. */
int audio_write(const char *path, const struct audio *a, char *err, size_t errlen);

/* "WAV (Microsoft) / Signed 16 bit PCM" from libsndfile's names, into buf; returns buf. */
const char *audio_format_name(int format, char *buf, size_t len);

void audio_free(struct audio *a);

#endif
