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
 * Atomic: audio_write writes a temporary file beside the final name (io/atomic_file.h, in the
 * same folder) and renames it into place; on any error the temporary file is removed and an
 * existing file of that name is left as it was.
 *
 * Errors: 0, or -1 with a message in err (at most errlen bytes, always terminated) that names
 * the file and the reason ("x.wav: File contains data in an unknown format."). Nothing is
 * printed. A file cut short is an error, never a shorter file: one whose header declares more
 * sample data than the file holds (io/audio_extent.h) fails to open, and so does an Ogg file
 * without the last page that gives its length; one that decodes to fewer frames than its header
 * declares (FLAC, MP3) fails at its end ("x.wav: truncated: ..."). Thread-safety: distinct
 * struct audio may be read and written concurrently (the one global of libsndfile, its last open
 * error, is read under a lock).
 */
#ifndef OMPSWEEP_AUDIO_H
#define OMPSWEEP_AUDIO_H

#include "atomic_file.h"

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

/* ---- block by block: a file of any length in bounded memory ------------------------------
 *
 * The whole-file functions above are these, run to the end. A block read or written is
 * `frames` frames of interleaved samples, float or double as the file's is_double says, with
 * the same normalisation, rounding, clamping and atomic rename. Reading a file in blocks of any
 * size gives the same samples as audio_read; writing the samples in blocks of any size gives the
 * same bytes as audio_write. */

struct audio_reader {
    void *sf;         /* libsndfile's SNDFILE, NULL when closed */
    const char *path; /* as given to audio_reader_open, which the caller keeps alive */
    struct audio fmt; /* format, channels, sample_rate, is_double and strings of the file;
                       * frames: those read so far; samples NULL */
    size_t hint;      /* frames the header announces, 0 when it says nothing plausible */
};

/* Opens path for reading; r needs no initialisation. On failure nothing is left open. */
int audio_reader_open(struct audio_reader *r, const char *path, char *err, size_t errlen);

/* Reads up to `frames` frames into buf, which must hold `frames` frames even near the end
 * (libsndfile may clear what it does not fill): the number read, 0 at the end of the file, or
 * -1 with the reason in err when the file cannot be read further. */
long long audio_reader_read(struct audio_reader *r, void *buf, size_t frames, char *err,
                            size_t errlen);

/* Closes the file and frees the strings; safe on a closed reader. */
void audio_reader_close(struct audio_reader *r);

struct audio_writer {
    void *sf;                /* libsndfile's SNDFILE, NULL when closed */
    struct atomic_file file; /* the temporary file (io/atomic_file.h) */
    const char *path;        /* the final name, kept alive by the caller */
    int format, channels, is_double;
    size_t clipped; /* samples clamped to full scale so far (integer PCM) */
    void *buf;      /* rounding buffer of the integer PCM paths (malloc'ed), or NULL */
};

/* Creates the temporary file of path and opens it for writing in fmt's format, channels and
 * sample rate, with fmt's strings (fmt->samples is not used). On failure nothing is left
 * behind. */
int audio_writer_open(struct audio_writer *w, const char *path, const struct audio *fmt, char *err,
                      size_t errlen);

/* Appends `frames` frames from buf (float or double as fmt->is_double said). */
int audio_writer_write(struct audio_writer *w, const void *buf, size_t frames, char *err,
                       size_t errlen);

/* Finishes the file and renames it to path: 0, or -1 (the temporary file removed). Either way
 * the writer is closed; *clipped (when not NULL) receives the samples clamped in all. */
int audio_writer_commit(struct audio_writer *w, size_t *clipped, char *err, size_t errlen);

/* Closes the writer and removes its temporary file (path is untouched); safe on a closed or
 * committed writer. */
void audio_writer_abort(struct audio_writer *w);

/* "WAV (Microsoft) / Signed 16 bit PCM" from libsndfile's names, into buf; returns buf. */
const char *audio_format_name(int format, char *buf, size_t len);

void audio_free(struct audio *a);

#endif
