/* audio: a whole audio file read into memory and written back in the same format (libsndfile).
 *
 * audio_read accepts anything libsndfile reads. Samples are held interleaved (frame by frame,
 * channel by channel) and normalised as libsndfile presents them: integer PCM of b bits is
 * divided by 2^(b-1), so full scale is [-1, 1). They are held as float when float holds every
 * sample exactly (PCM up to 24 bits, 8-bit, a-law, u-law, ADPCM, FLOAT and lossy codecs), as
 * double otherwise (PCM_32, ALAC_32, DOUBLE): `is_double` says which.
 *
 * audio_write writes the same major format, subtype, endianness, channels and sample rate, and
 * copies the text strings (title, artist...). Integer PCM subtypes (8, 16, 24, 32 bits) hold
 * multiples of 2^-(b-1) in [-1, 1 - 2^-(b-1)]: audio_write rounds each sample to the nearest
 * of them (ties to even) and clamps it to that range, so noise beyond full scale clips instead
 * of wrapping around, and a sample read and written unchanged keeps its integer. libsndfile
 * alone does neither: without SFC_SET_CLIPPING it scales by 2^(b-1) - 1 on write (2^(b-1) on
 * read: every value moves) and wraps; with it, it truncates towards -infinity (a bias of half
 * a step). audio_write hands it exact multiples, clipping on, which it converts exactly (the
 * tests check this for WAV, AIFF and FLAC). Other subtypes (FLOAT and DOUBLE, which keep
 * values beyond 1.0; a-law, u-law, ADPCM, ALAC, lossy codecs) are converted by libsndfile,
 * clipping on. WAV's PEAK chunk is not written (it carries the time of writing), so the bytes
 * written are a function of the samples and the format alone, except for Ogg containers (a
 * random stream serial number). Not copied: other chunks (cue points, loops, broadcast data).
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
    void *samples;     /* frames * channels values, malloc'ed (or NULL) */
    size_t capacity;   /* bytes allocated at samples */
    char *strings[16]; /* SF_STR_TITLE .. SF_STR_GENRE, indexed from SF_STR_FIRST; NULL absent */
};

/* Most samples (frames x channels) a file may hold: 2^32 (16 GiB as float). */
#define AUDIO_MAX_SAMPLES ((size_t)1 << 32)

/* Samples in the file: frames * channels. */
size_t audio_samples(const struct audio *a);

/* Reads the whole of path into a, which must be zeroed ({0}) or have been read into before:
 * its sample buffer is reused when large enough (a batch of files then allocates, and
 * page-faults, once per size instead of once per file). The caller frees a with audio_free,
 * after a failure too. */
int audio_read(const char *path, struct audio *a, char *err, size_t errlen);

/* Writes a to path atomically, in a's format; *clipped (when clipped is not NULL) receives the
 * number of samples clamped to full scale (integer PCM only; 0 for other subtypes). */
int audio_write(const char *path, const struct audio *a, size_t *clipped, char *err, size_t errlen);

/* "WAV (Microsoft) / Signed 16 bit PCM" from libsndfile's names, into buf; returns buf. */
const char *audio_format_name(int format, char *buf, size_t len);

void audio_free(struct audio *a);

#endif
