/* tradb: Vallen transient-data files (.tradb, an SQLite database), read record by record.
 *
 * Tables (docs/ae.md): tr_data (one row per transient record), tr_params (joined on
 * tr_data.ParamID = tr_params.ID: ADC_µV and TR_mV) and tr_globalinfo (TimeBase).
 *   time       = Time / TimeBase                              seconds
 *   threshold  = Thr * ADC_µV * 1e-6                          volts
 *   volts[k]   = (float)raw[k] * (float)(TR_mV * 1e-3)        float32, raw[k] the int16 samples
 *   time axis  = (k - pretrigger) / sample_rate
 * Data blobs: DataFormat 0 = little-endian int16, 2 = a FLAC stream of int16 (decoded with
 * libsndfile's virtual I/O); anything else is an error.
 *
 * Streaming: tradb_next returns records in TRAI order (ties by SetID) one at a time; only the
 * current record's blob is held, never the whole file (the blob is fetched by itself once the
 * record's metadata is read, so even a file without an index on TRAI is never sorted with its
 * blobs). Decoding is separate (tradb_decode) and thread-safe, so a caller may fetch a batch of
 * records serially and decode them in parallel. TimeBase may be stored as text (Vallen's files
 * store '10000000') or as a number.
 *
 * Errors: functions return 0 on success (tradb_next: 1 a record, 0 the end) or -1 with a
 * message in err (at most errlen bytes, always terminated) that names the file and, where one
 * is concerned, the record ("FILE: record TRAI 3 (SetID 2): DataFormat 5 is neither 0 (raw
 * int16) nor 2 (FLAC)"). A file that is not SQLite, a missing table or column, a record whose
 * ParamID has no tr_params row, a non-positive SampleRate or TimeBase, a negative Samples, and
 * a blob shorter than Samples (raw) or decoding to fewer samples (FLAC) are all errors; so are
 * a NULL or non-numeric value read, Samples above TRADB_MAX_SAMPLES, and a FLAC stream that is
 * not 16-bit mono. Nothing crashes on any input. Extra samples beyond Samples are ignored.
 * After a record's error tradb_next goes on with the following record (a caller may skip it);
 * after an SQLite error (a damaged file) every later call fails.
 * Thread-safety: one struct tradb per thread; tradb_decode may run concurrently on distinct
 * records.
 */
#ifndef OMPSWEEP_TRADB_H
#define OMPSWEEP_TRADB_H

#include <stddef.h>
#include <stdint.h>

enum tradb_data_format { TRADB_RAW = 0, TRADB_FLAC = 2 };

/* Most samples a record may declare (2^28: 1 GiB of float32); more is treated as corrupt. */
#define TRADB_MAX_SAMPLES (1L << 28)

struct tradb_record {
    int64_t set_id, trai;
    double time;            /* s since the start of the acquisition                 */
    int channel;            /* Chan                                                 */
    long pretrigger;        /* samples recorded before the trigger                  */
    double threshold;       /* V                                                    */
    double sample_rate;     /* Hz                                                   */
    size_t samples;         /* Samples: values tradb_decode writes                  */
    int data_format;        /* DataFormat: TRADB_RAW or TRADB_FLAC                   */
    double volts_per_count; /* TR_mV * 1e-3                                         */
    unsigned char *blob;    /* the Data blob (owned: freed by tradb_record_clear)    */
    size_t blob_bytes;
};

struct tradb;

/* Opens path read-only and checks its tables and columns: 0, or -1 with a message. */
int tradb_open(struct tradb **db, const char *path, char *err, size_t errlen);

/* Rows in tr_data (for a progress bar). */
long tradb_record_count(const struct tradb *db);

/* The next record in TRAI order into rec (whose previous blob is freed first, so rec must
 * start zeroed, e.g. `struct tradb_record rec = {0};`): 1, 0 at the end (and on every call
 * after), -1 with a message (rec then holds nothing). The record's format and sizes are checked
 * here; its blob's content only by tradb_decode. */
int tradb_next(struct tradb *db, struct tradb_record *rec, char *err, size_t errlen);

/* Decodes rec's blob into rec->samples float32 volts (volts has room for rec->samples; with
 * Samples 0 nothing is read or written): 0, or -1 with a message naming the record (by TRAI and
 * SetID; the caller adds the file). Thread-safe. */
int tradb_decode(const struct tradb_record *rec, float *volts, char *err, size_t errlen);

/* 1 when an SQLite error has stopped the reading (every later tradb_next fails), else 0: after
 * a record's own error, tradb_next may be called again for the next record. */
int tradb_stopped(const struct tradb *db);

void tradb_record_clear(struct tradb_record *rec); /* frees the blob, zeroes rec; reusable */
void tradb_close(struct tradb *db);                /* NULL is fine */

#endif
