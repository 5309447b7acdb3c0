/* tradb_blob: a record's Data blob (raw little-endian int16 or a FLAC stream) to float32 volts.
 *
 * Units: volts[k] = (float)raw[k] * (float)volts_per_count, the float32 product vallenae
 * computes (np.multiply(int16_data, factor, dtype=np.float32)).
 * Errors: -1 with "record TRAI n (SetID m): ..." in err; every blob, however damaged, gives 0
 * or -1, and every path frees what it took.
 * Thread-safety: decoding is reentrant. libsndfile reports a failed open through
 * process-wide variables (its sf_errno and log buffer), so opening is serialised by a mutex;
 * reading an opened stream runs in parallel.
 */
#include "tradb.h"

#include <pthread.h>
#include <sndfile.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Samples converted per libsndfile call: a buffer on the stack, not one as long as the record. */
#define CHUNK 4096

static pthread_mutex_t open_lock = PTHREAD_MUTEX_INITIALIZER;

/* The blob seen as a read-only file by libsndfile's virtual I/O. */
struct mem_file {
    const unsigned char *data;
    sf_count_t size, pos;
};

static sf_count_t mem_length(void *user) {
    return ((struct mem_file *)user)->size;
}

static sf_count_t mem_seek(sf_count_t offset, int whence, void *user) {
    struct mem_file *f = user;
    sf_count_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? f->pos : f->size;
    if (offset < -base || offset > INT64_MAX - base)
        return -1;
    f->pos = base + offset;
    return f->pos;
}

static sf_count_t mem_read(void *ptr, sf_count_t count, void *user) {
    struct mem_file *f = user;
    sf_count_t left = f->pos < f->size ? f->size - f->pos : 0;
    sf_count_t n = count < 0 ? 0 : count < left ? count : left;
    if (n > 0)
        memcpy(ptr, f->data + f->pos, (size_t)n);
    f->pos += n;
    return n;
}

static sf_count_t mem_write(const void *ptr, sf_count_t count, void *user) {
    (void)ptr, (void)count, (void)user;
    return 0;
}

static sf_count_t mem_tell(void *user) {
    return ((struct mem_file *)user)->pos;
}

/* libsndfile's messages, without the "Error : " some of them start with. */
static const char *sf_reason(const char *msg) {
    return strncmp(msg, "Error : ", 8) == 0 ? msg + 8 : msg;
}

static int fail(const struct tradb_record *rec, char *err, size_t errlen, const char *fmt, ...) {
    if (!err || errlen == 0)
        return -1;
    int n = snprintf(err, errlen, "record TRAI %lld (SetID %lld): ", (long long)rec->trai,
                     (long long)rec->set_id);
    if (n >= 0 && (size_t)n < errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* Bytewise, so the result does not depend on the host's byte order. */
static int decode_raw(const struct tradb_record *rec, float *volts, char *err, size_t errlen) {
    if (rec->blob_bytes / 2 < rec->samples)
        return fail(rec, err, errlen, "raw Data blob has %zu bytes, fewer than 2 x Samples = %zu",
                    rec->blob_bytes, 2 * rec->samples);
    const float factor = (float)rec->volts_per_count;
    const unsigned char *b = rec->blob;
    for (size_t k = 0; k < rec->samples; k++) {
        long v = (long)b[2 * k] | (long)b[2 * k + 1] << 8;
        volts[k] = (float)(v >= 32768 ? v - 65536 : v) * factor;
    }
    return 0;
}

/* Opens the blob; NULL with a reason in err on failure. */
static SNDFILE *flac_open(const struct tradb_record *rec, struct mem_file *f, SF_INFO *info,
                          char *err, size_t errlen) {
    SF_VIRTUAL_IO io = {mem_length, mem_seek, mem_read, mem_write, mem_tell};
    memset(info, 0, sizeof *info);
    pthread_mutex_lock(&open_lock);
    SNDFILE *sf = sf_open_virtual(&io, SFM_READ, info, f);
    if (!sf)
        fail(rec, err, errlen, "FLAC Data blob (%zu bytes) cannot be opened: %s", rec->blob_bytes,
             sf_reason(sf_strerror(NULL)));
    pthread_mutex_unlock(&open_lock);
    return sf;
}

static int flac_check(const struct tradb_record *rec, const SF_INFO *info, char *err,
                      size_t errlen) {
    if ((info->format & SF_FORMAT_TYPEMASK) != SF_FORMAT_FLAC)
        return fail(rec, err, errlen, "libsndfile reads the Data blob as format 0x%x, not FLAC",
                    (unsigned)info->format);
    if ((info->format & SF_FORMAT_SUBMASK) != SF_FORMAT_PCM_16)
        return fail(rec, err, errlen, "FLAC Data blob does not hold 16-bit samples");
    if (info->channels != 1)
        return fail(rec, err, errlen, "FLAC Data blob has %d channels, not 1", info->channels);
    return 0;
}

static int flac_read(const struct tradb_record *rec, SNDFILE *sf, float *volts, char *err,
                     size_t errlen) {
    const float factor = (float)rec->volts_per_count;
    short buf[CHUNK];
    size_t done = 0;
    while (done < rec->samples) {
        size_t want = rec->samples - done < CHUNK ? rec->samples - done : CHUNK;
        sf_count_t got = sf_readf_short(sf, buf, (sf_count_t)want);
        if (got <= 0 || (size_t)got > want)
            break;
        for (size_t k = 0; k < (size_t)got; k++)
            volts[done + k] = (float)buf[k] * factor;
        done += (size_t)got;
    }
    if (done == rec->samples)
        return 0;
    return fail(rec, err, errlen, "FLAC Data blob (%zu bytes) decodes to %zu of Samples = %zu%s%s",
                rec->blob_bytes, done, rec->samples, sf_error(sf) ? ": " : "",
                sf_error(sf) ? sf_reason(sf_strerror(sf)) : "");
}

static int decode_flac(const struct tradb_record *rec, float *volts, char *err, size_t errlen) {
    /* Without its marker, libsndfile would try its other formats on the blob (the MPEG
     * decoder then prints to stderr), and a damaged FLAC blob could be read as something else. */
    if (rec->blob_bytes < 4 || memcmp(rec->blob, "fLaC", 4) != 0)
        return fail(rec, err, errlen, "FLAC Data blob (%zu bytes) does not start with 'fLaC'",
                    rec->blob_bytes);
    struct mem_file f = {rec->blob, (sf_count_t)rec->blob_bytes, 0};
    SF_INFO info;
    SNDFILE *sf = flac_open(rec, &f, &info, err, errlen);
    if (!sf)
        return -1;
    int rc = flac_check(rec, &info, err, errlen);
    if (rc == 0)
        rc = flac_read(rec, sf, volts, err, errlen);
    sf_close(sf);
    return rc;
}

int tradb_decode(const struct tradb_record *rec, float *volts, char *err, size_t errlen) {
    if (rec->samples > (size_t)TRADB_MAX_SAMPLES)
        return fail(rec, err, errlen, "Samples %zu exceeds the limit of %ld", rec->samples,
                    TRADB_MAX_SAMPLES);
    if (rec->samples == 0)
        return 0;
    if (!rec->blob || rec->blob_bytes > INT64_MAX)
        return fail(rec, err, errlen, "no Data blob");
    if (rec->data_format == TRADB_RAW)
        return decode_raw(rec, volts, err, errlen);
    if (rec->data_format == TRADB_FLAC)
        return decode_flac(rec, volts, err, errlen);
    return fail(rec, err, errlen, "DataFormat %d is neither 0 (raw int16) nor 2 (FLAC)",
                rec->data_format);
}
