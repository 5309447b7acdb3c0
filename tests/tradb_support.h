/* Writing small tradb files for the tests (test_tradb.c, the `ae` command's tests), so that a
 * clone tests everything without the real files: the schema of Vallen's files (as in
 * shared/data/ae), given int16 records stored as raw little-endian blobs or as FLAC blobs
 * (libsndfile, 16-bit mono, the 44.1 kHz nominal rate Vallen's FLAC blobs carry), one
 * tr_params row per record (ID = its index + 1), TimeBase TRADB_SUPPORT_TIME_BASE stored as
 * text as in the real files. Record i gets SetID i + 1, so TRAIs given out of order test the
 * TRAI ordering. Functions return 0 or -1 (with a line on stderr saying why).
 */
#ifndef OMPSWEEP_TRADB_SUPPORT_H
#define OMPSWEEP_TRADB_SUPPORT_H

#include "tradb.h"

#include <sndfile.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TRADB_SUPPORT_TIME_BASE 10000000

struct tradb_support_record {
    long long trai, time_ticks; /* Time in ticks of 1 / TRADB_SUPPORT_TIME_BASE s */
    int chan;
    long pretrigger, thr, sample_rate;
    const int16_t *data;
    size_t samples;
    double adc_uv, tr_mv; /* the record's tr_params row */
};

/* A growing in-memory file for libsndfile's virtual I/O. */
struct tradb_support_mem {
    unsigned char *data;
    sf_count_t size, cap, pos;
};

static inline sf_count_t tradb_support_mem_length(void *user) {
    return ((struct tradb_support_mem *)user)->size;
}

static inline sf_count_t tradb_support_mem_seek(sf_count_t offset, int whence, void *user) {
    struct tradb_support_mem *m = user;
    sf_count_t pos = offset + (whence == SEEK_SET ? 0 : whence == SEEK_CUR ? m->pos : m->size);
    if (pos < 0)
        return -1;
    return m->pos = pos;
}

static inline sf_count_t tradb_support_mem_read(void *ptr, sf_count_t count, void *user) {
    struct tradb_support_mem *m = user;
    sf_count_t n = m->pos >= m->size ? 0 : count < m->size - m->pos ? count : m->size - m->pos;
    if (n > 0)
        memcpy(ptr, m->data + m->pos, (size_t)n);
    m->pos += n;
    return n;
}

static inline sf_count_t tradb_support_mem_write(const void *ptr, sf_count_t count, void *user) {
    struct tradb_support_mem *m = user;
    if (m->pos + count > m->cap) {
        sf_count_t cap = 2 * (m->pos + count) + 4096;
        unsigned char *grown = realloc(m->data, (size_t)cap);
        if (!grown)
            return 0;
        memset(grown + m->cap, 0, (size_t)(cap - m->cap));
        m->data = grown, m->cap = cap;
    }
    memcpy(m->data + m->pos, ptr, (size_t)count);
    m->pos += count;
    if (m->pos > m->size)
        m->size = m->pos;
    return count;
}

static inline sf_count_t tradb_support_mem_tell(void *user) {
    return ((struct tradb_support_mem *)user)->pos;
}

/* x[0..n) as a FLAC stream in *blob (malloc'ed, *bytes long). */
static inline int tradb_support_flac(const int16_t *x, size_t n, unsigned char **blob,
                                     size_t *bytes) {
    SF_VIRTUAL_IO io = {tradb_support_mem_length, tradb_support_mem_seek, tradb_support_mem_read,
                        tradb_support_mem_write, tradb_support_mem_tell};
    struct tradb_support_mem m = {0};
    SF_INFO info = {
        .samplerate = 44100, .channels = 1, .format = SF_FORMAT_FLAC | SF_FORMAT_PCM_16};
    SNDFILE *sf = sf_open_virtual(&io, SFM_WRITE, &info, &m);
    if (!sf) {
        fprintf(stderr, "tradb_support_flac: %s\n", sf_strerror(NULL));
        return -1;
    }
    sf_count_t written = sf_writef_short(sf, x, (sf_count_t)n);
    if (sf_close(sf) != 0 || written != (sf_count_t)n) {
        fprintf(stderr, "tradb_support_flac: wrote %lld of %zu frames\n", (long long)written, n);
        free(m.data);
        return -1;
    }
    *blob = m.data, *bytes = (size_t)m.size;
    return 0;
}

/* x[0..n) as little-endian int16 bytes. */
static inline int tradb_support_raw(const int16_t *x, size_t n, unsigned char **blob,
                                    size_t *bytes) {
    *blob = malloc(2 * n + 1);
    if (!*blob)
        return -1;
    for (size_t k = 0; k < n; k++) {
        uint16_t u = (uint16_t)x[k];
        (*blob)[2 * k] = (unsigned char)(u & 0xff);
        (*blob)[2 * k + 1] = (unsigned char)(u >> 8);
    }
    *bytes = 2 * n;
    return 0;
}

/* Runs sql (any number of statements) on the file at path, opened read-write. */
static inline int tradb_support_exec(const char *path, const char *sql) {
    sqlite3 *db;
    char *msg = NULL;
    int rc = sqlite3_open(path, &db);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK)
        fprintf(stderr, "%s: %s: %s\n", path, sql, msg ? msg : sqlite3_errmsg(db));
    sqlite3_free(msg);
    sqlite3_close(db);
    return rc == SQLITE_OK ? 0 : -1;
}

/* The CREATE statements of the real files (sqlite3 FILE .schema), and their global info. */
static const char tradb_support_schema[] =
    "CREATE TABLE tr_data (\"SetID\" INTEGER PRIMARY KEY,\"Time\" INT,\"TRAI\" INT,\"Status\" "
    "INT,\"ParamID\" INT,\"Chan\" INT,\"Pretrigger\" INT,\"Thr\" INT,\"SampleRate\" "
    "INT,\"Samples\" INT,\"DataFormat\" INT,\"Data\" BLOB);"
    "CREATE TABLE tr_globalinfo(Key UNIQUE, Value);"
    "CREATE TABLE tr_fieldinfo (field,Unit,Parameter);"
    "CREATE TABLE tr_params (\"ID\" INTEGER PRIMARY KEY,\"SetupID\" INT,\"Chan\" INT,"
    "\"ADC_µV\" REAL,\"TR_mV\" REAL);"
    "CREATE INDEX idx_TRAI on tr_data (TRAI);"
    "CREATE INDEX idx_SetupID_Chan on tr_params (SetupID,Chan);"
    "CREATE VIEW view_tr_data as select (d.SetID) as SetID,(d.Time*1E-7) as Time,(d.TRAI) as "
    "TRAI,(d.Status) as Status,(d.Chan) as Chan,(d.Pretrigger) as Pretrigger,(d.Thr*p.ADC_µV) "
    "as Thr,(d.SampleRate) as SampleRate,(d.Samples) as Samples,(d.DataFormat) as "
    "DataFormat,p.TR_mV as TR_mV,(d.Data) as Data from tr_data d  left join tr_params p on "
    "p.ID=d.ParamID;"
    "INSERT INTO tr_globalinfo VALUES ('Version', '1'), ('FileStatus', '0'), ('TimeBase', "
    "'10000000'), ('BytesPerSample', '2');"
    "INSERT INTO tr_fieldinfo VALUES ('Time', '[s]', NULL), ('Thr', '[µV]', 'ADC_µV'), "
    "('SampleRate', '[Hz]', NULL), ('Data', NULL, 'TR_mV');";

/* Record i's tr_params row and tr_data row, its samples coded as format. */
static inline int tradb_support_insert(sqlite3 *db, sqlite3_stmt *params, sqlite3_stmt *data,
                                       const struct tradb_support_record *r, long long id,
                                       int format) {
    unsigned char *blob = NULL;
    size_t bytes = 0;
    int coded = format == TRADB_FLAC ? tradb_support_flac(r->data, r->samples, &blob, &bytes)
                                     : tradb_support_raw(r->data, r->samples, &blob, &bytes);
    if (coded != 0)
        return -1;
    sqlite3_bind_int64(params, 1, id), sqlite3_bind_int(params, 2, r->chan);
    sqlite3_bind_double(params, 3, r->adc_uv), sqlite3_bind_double(params, 4, r->tr_mv);
    const long long v[] = {id,      r->time_ticks, r->trai, 32768,          id,
                           r->chan, r->pretrigger, r->thr,  r->sample_rate, (long long)r->samples,
                           format};
    for (int c = 0; c < 11; c++)
        sqlite3_bind_int64(data, c + 1, v[c]);
    if (bytes > 0)
        sqlite3_bind_blob(data, 12, blob, (int)bytes, SQLITE_TRANSIENT);
    else
        sqlite3_bind_zeroblob(data, 12, 0);
    free(blob);
    int ok = sqlite3_step(params) == SQLITE_DONE && sqlite3_step(data) == SQLITE_DONE;
    sqlite3_reset(params), sqlite3_reset(data);
    if (!ok)
        fprintf(stderr, "tradb_support_insert: %s\n", sqlite3_errmsg(db));
    return ok ? 0 : -1;
}

static inline int tradb_support_insert_all(sqlite3 *db, const struct tradb_support_record *r,
                                           size_t n, int format) {
    sqlite3_stmt *params = NULL, *data = NULL;
    int rc = sqlite3_prepare_v2(db, "INSERT INTO tr_params VALUES (?1, 1, ?2, ?3, ?4)", -1, &params,
                                NULL) ||
                     sqlite3_prepare_v2(db,
                                        "INSERT INTO tr_data VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
                                        "?8, ?9, ?10, ?11, ?12)",
                                        -1, &data, NULL)
                 ? -1
                 : 0;
    for (size_t i = 0; rc == 0 && i < n; i++)
        rc = tradb_support_insert(db, params, data, &r[i], (long long)i + 1, format);
    sqlite3_finalize(params);
    sqlite3_finalize(data);
    return rc;
}

/* Writes records r[0..n) to a new tradb file at path (replacing any file there), every blob
 * coded as format (TRADB_RAW or TRADB_FLAC). */
static inline int tradb_support_write(const char *path, const struct tradb_support_record *r,
                                      size_t n, int format) {
    sqlite3 *db;
    unlink(path);
    if (sqlite3_open(path, &db) != SQLITE_OK) {
        fprintf(stderr, "%s: %s\n", path, sqlite3_errmsg(db));
        sqlite3_close(db);
        return -1;
    }
    int rc = sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) ||
                     sqlite3_exec(db, tradb_support_schema, NULL, NULL, NULL)
                 ? -1
                 : tradb_support_insert_all(db, r, n, format);
    if (rc == 0 && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        rc = -1;
    if (rc != 0)
        fprintf(stderr, "%s: %s\n", path, sqlite3_errmsg(db));
    sqlite3_close(db);
    return rc;
}

#endif
