/* tradb: the SQLite side of the tradb reader (opening, schema checks, records in TRAI order);
 * tradb_blob.c decodes the blobs. Units, errors and thread-safety: see tradb.h.
 *
 * Streaming: the statement stepped in TRAI order selects no blob (so that SQLite, sorting a
 * table without an index on TRAI, never holds every blob at once); each record's blob is then
 * fetched alone by rowid and copied into the record.
 */
#include "tradb.h"

#include <errno.h>
#include <math.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct tradb {
    sqlite3 *sql;
    sqlite3_stmt *rows; /* records in TRAI order, without their blobs */
    sqlite3_stmt *data; /* the Data blob of one rowid                 */
    char *path;
    double time_base; /* ticks per second */
    long count;
    int state; /* 0 streaming, 1 at the end, -1 stopped by an SQLite error */
};

/* The columns of `rows`, in order. The first five are checked one by one, the others from
 * checked_cols (the name an error gives them, and whether they must be an integer rather than
 * any number). */
enum {
    COL_ROWID,
    COL_SETID,
    COL_TRAI,
    COL_PARAMID,
    COL_PARAMS_ID,
    COL_TIME,
    COL_CHAN,
    COL_PRETRIGGER,
    COL_THR,
    COL_RATE,
    COL_SAMPLES,
    COL_FORMAT,
    COL_ADC,
    COL_TRMV,
    COL_COUNT
};

static const char rows_sql[] =
    "SELECT d.rowid, d.SetID, d.TRAI, d.ParamID, p.ID, d.Time, d.Chan, d.Pretrigger, d.Thr,"
    " d.SampleRate, d.Samples, d.DataFormat, p.\"ADC_µV\", p.TR_mV"
    " FROM tr_data AS d LEFT JOIN tr_params AS p ON p.ID = d.ParamID"
    " ORDER BY d.TRAI, d.rowid";

static const struct {
    const char *name;
    int integer;
} checked_cols[COL_COUNT] = {
    [COL_TIME] = {"Time", 0},
    [COL_CHAN] = {"Chan", 1},
    [COL_PRETRIGGER] = {"Pretrigger", 1},
    [COL_THR] = {"Thr", 0},
    [COL_RATE] = {"SampleRate", 0},
    [COL_SAMPLES] = {"Samples", 1},
    [COL_FORMAT] = {"DataFormat", 1},
    [COL_ADC] = {"ADC_µV", 0},
    [COL_TRMV] = {"TR_mV", 0},
};

/* The tables and columns read, each list ending in NULL. */
static const char *const tr_data_cols[] = {"SetID",      "Time", "TRAI",       "Chan",
                                           "Pretrigger", "Thr",  "SampleRate", "Samples",
                                           "DataFormat", "Data", "ParamID",    NULL};
static const char *const tr_params_cols[] = {"ID", "ADC_µV", "TR_mV", NULL};
static const char *const tr_globalinfo_cols[] = {"Key", "Value", NULL};

static int fail(char *err, size_t errlen, const char *fmt, ...) {
    if (err && errlen > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* An SQLite failure, said plainly when the file is not a database at all. */
static int sql_fail(const struct tradb *db, char *err, size_t errlen) {
    if (sqlite3_errcode(db->sql) == SQLITE_NOTADB)
        return fail(err, errlen, "%s: not an SQLite database (%s)", db->path,
                    sqlite3_errmsg(db->sql));
    return fail(err, errlen, "%s: SQLite: %s", db->path, sqlite3_errmsg(db->sql));
}

/* The file must exist, be a regular file and not be empty (SQLite would open an empty file as
 * an empty database, and then only a table would be reported missing). */
static int check_file(const char *path, char *err, size_t errlen) {
    struct stat st;
    if (stat(path, &st) != 0)
        return fail(err, errlen, "%s: cannot open: %s", path, strerror(errno));
    if (!S_ISREG(st.st_mode))
        return fail(err, errlen, "%s: not a regular file", path);
    if (st.st_size == 0)
        return fail(err, errlen, "%s: empty file, not a tradb (SQLite) database", path);
    return 0;
}

/* Appends to list (", "-separated) every name in want that table lacks; counts the table's
 * columns into *ncols. */
static int missing_columns(struct tradb *db, const char *table, const char *const *want, char *list,
                           size_t len, int *ncols, char *err, size_t errlen) {
    sqlite3_stmt *st;
    *ncols = 0;
    if (sqlite3_prepare_v2(db->sql, "SELECT name FROM pragma_table_info(?1)", -1, &st, NULL))
        return sql_fail(db, err, errlen);
    sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
    unsigned found = 0;
    int rc;
    for (; (rc = sqlite3_step(st)) == SQLITE_ROW; ++*ncols) {
        const char *name = (const char *)sqlite3_column_text(st, 0);
        for (unsigned i = 0; name && want[i]; i++)
            if (sqlite3_stricmp(name, want[i]) == 0)
                found |= 1u << i;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return sql_fail(db, err, errlen);
    for (unsigned i = 0; want[i]; i++)
        if (!(found & 1u << i))
            snprintf(list + strlen(list), len - strlen(list), "%s%s", *list ? ", " : "", want[i]);
    return 0;
}

static int check_table(struct tradb *db, const char *table, const char *const *want, char *err,
                       size_t errlen) {
    char list[256] = "";
    int ncols;
    if (missing_columns(db, table, want, list, sizeof list, &ncols, err, errlen))
        return -1;
    if (ncols == 0)
        return fail(err, errlen, "%s: not a tradb file: no table %s", db->path, table);
    if (*list)
        return fail(err, errlen, "%s: table %s has no column %s", db->path, table, list);
    return 0;
}

static int check_schema(struct tradb *db, char *err, size_t errlen) {
    if (check_table(db, "tr_data", tr_data_cols, err, errlen) ||
        check_table(db, "tr_params", tr_params_cols, err, errlen) ||
        check_table(db, "tr_globalinfo", tr_globalinfo_cols, err, errlen))
        return -1;
    return 0;
}

/* TimeBase is stored as text in the real files ('10000000'), as a number elsewhere. */
static int parse_time_base(struct tradb *db, sqlite3_stmt *st, char *err, size_t errlen) {
    const char *text = (const char *)sqlite3_column_text(st, 0);
    char *end = NULL;
    double v = text ? strtod(text, &end) : NAN;
    while (end && (*end == ' ' || *end == '\t'))
        end++;
    if (!text || end == text || *end || !isfinite(v) || v <= 0)
        return fail(err, errlen, "%s: TimeBase '%s' in tr_globalinfo is not a positive number",
                    db->path, text ? text : "NULL");
    db->time_base = v;
    return 0;
}

static int read_time_base(struct tradb *db, char *err, size_t errlen) {
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db->sql, "SELECT Value FROM tr_globalinfo WHERE Key = 'TimeBase'", -1,
                           &st, NULL))
        return sql_fail(db, err, errlen);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        rc = parse_time_base(db, st, err, errlen);
    else if (rc == SQLITE_DONE)
        rc = fail(err, errlen, "%s: tr_globalinfo has no TimeBase", db->path);
    else
        rc = sql_fail(db, err, errlen);
    sqlite3_finalize(st);
    return rc;
}

static int count_records(struct tradb *db, char *err, size_t errlen) {
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db->sql, "SELECT count(*) FROM tr_data", -1, &st, NULL))
        return sql_fail(db, err, errlen);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        db->count = (long)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 0 : sql_fail(db, err, errlen);
}

static int prepare_streams(struct tradb *db, char *err, size_t errlen) {
    if (sqlite3_prepare_v2(db->sql, rows_sql, -1, &db->rows, NULL) ||
        sqlite3_prepare_v2(db->sql, "SELECT Data FROM tr_data WHERE rowid = ?1", -1, &db->data,
                           NULL))
        return sql_fail(db, err, errlen);
    return 0;
}

int tradb_open(struct tradb **out, const char *path, char *err, size_t errlen) {
    *out = NULL;
    if (check_file(path, err, errlen))
        return -1;
    struct tradb *db = calloc(1, sizeof *db);
    if (!db || !(db->path = strdup(path))) {
        free(db);
        return fail(err, errlen, "%s: out of memory", path);
    }
    if (sqlite3_open_v2(path, &db->sql, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        sql_fail(db, err, errlen);
        tradb_close(db);
        return -1;
    }
    if (check_schema(db, err, errlen) || read_time_base(db, err, errlen) ||
        count_records(db, err, errlen) || prepare_streams(db, err, errlen)) {
        tradb_close(db);
        return -1;
    }
    *out = db;
    return 0;
}

long tradb_record_count(const struct tradb *db) {
    return db->count;
}

/* An error about the current row of `rows`, which it names by TRAI and SetID. */
static int record_fail(const struct tradb *db, char *err, size_t errlen, const char *fmt, ...) {
    if (!err || errlen == 0)
        return -1;
    const char *trai = (const char *)sqlite3_column_text(db->rows, COL_TRAI);
    const char *set_id = (const char *)sqlite3_column_text(db->rows, COL_SETID);
    int n = snprintf(err, errlen, "%s: record TRAI %s (SetID %s): ", db->path, trai ? trai : "NULL",
                     set_id ? set_id : "NULL");
    if (n >= 0 && (size_t)n < errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* Every value read is present and of its kind; the record's parameters exist. */
static int check_types(const struct tradb *db, char *err, size_t errlen) {
    sqlite3_stmt *st = db->rows;
    if (sqlite3_column_type(st, COL_SETID) != SQLITE_INTEGER ||
        sqlite3_column_type(st, COL_TRAI) != SQLITE_INTEGER)
        return record_fail(db, err, errlen, "TRAI and SetID must be integers");
    if (sqlite3_column_type(st, COL_PARAMID) == SQLITE_NULL)
        return record_fail(db, err, errlen, "ParamID is NULL");
    if (sqlite3_column_type(st, COL_PARAMS_ID) == SQLITE_NULL)
        return record_fail(db, err, errlen, "ParamID %s has no row in tr_params",
                           (const char *)sqlite3_column_text(st, COL_PARAMID));
    for (int c = COL_TIME; c < COL_COUNT; c++) {
        int type = sqlite3_column_type(st, c);
        if (type == SQLITE_NULL)
            return record_fail(db, err, errlen, "%s is NULL", checked_cols[c].name);
        if (type == SQLITE_INTEGER || (type == SQLITE_FLOAT && !checked_cols[c].integer))
            continue;
        return record_fail(db, err, errlen, "%s '%s' is not %s", checked_cols[c].name,
                           (const char *)sqlite3_column_text(st, c),
                           checked_cols[c].integer ? "an integer" : "a number");
    }
    return 0;
}

/* The metadata of the current row into rec, with its ranges checked. */
static int read_metadata(const struct tradb *db, struct tradb_record *rec, char *err,
                         size_t errlen) {
    sqlite3_stmt *st = db->rows;
    sqlite3_int64 chan = sqlite3_column_int64(st, COL_CHAN);
    sqlite3_int64 samples = sqlite3_column_int64(st, COL_SAMPLES);
    sqlite3_int64 format = sqlite3_column_int64(st, COL_FORMAT);
    double rate = sqlite3_column_double(st, COL_RATE);
    if (format != TRADB_RAW && format != TRADB_FLAC)
        return record_fail(db, err, errlen, "DataFormat %lld is neither 0 (raw int16) nor 2 (FLAC)",
                           (long long)format);
    if (samples < 0 || samples > TRADB_MAX_SAMPLES)
        return record_fail(db, err, errlen, "Samples %lld is %s", (long long)samples,
                           samples < 0 ? "negative" : "above the limit TRADB_MAX_SAMPLES");
    if (!(rate > 0) || !isfinite(rate))
        return record_fail(db, err, errlen, "SampleRate %g is not positive", rate);
    if (chan < -2147483647 || chan > 2147483647)
        return record_fail(db, err, errlen, "Chan %lld is out of range", (long long)chan);
    rec->set_id = sqlite3_column_int64(st, COL_SETID);
    rec->trai = sqlite3_column_int64(st, COL_TRAI);
    rec->time = sqlite3_column_double(st, COL_TIME) / db->time_base;
    rec->channel = (int)chan;
    rec->pretrigger = (long)sqlite3_column_int64(st, COL_PRETRIGGER);
    rec->threshold = sqlite3_column_double(st, COL_THR) * sqlite3_column_double(st, COL_ADC) * 1e-6;
    rec->sample_rate = rate;
    rec->samples = (size_t)samples;
    rec->data_format = (int)format;
    rec->volts_per_count = sqlite3_column_double(st, COL_TRMV) * 1e-3;
    return 0;
}

/* Copies the current Data blob (type already checked) into rec. */
static int copy_blob(const struct tradb *db, struct tradb_record *rec, char *err, size_t errlen) {
    const void *p = sqlite3_column_blob(db->data, 0);
    int bytes = sqlite3_column_bytes(db->data, 0);
    rec->blob = malloc(bytes > 0 ? (size_t)bytes : 1);
    if (!rec->blob)
        return record_fail(db, err, errlen, "out of memory for a %d-byte blob", bytes);
    if (bytes > 0)
        memcpy(rec->blob, p, (size_t)bytes);
    rec->blob_bytes = (size_t)bytes;
    if (rec->data_format == TRADB_RAW && rec->blob_bytes / 2 < rec->samples)
        return record_fail(db, err, errlen,
                           "raw Data blob has %zu bytes, fewer than 2 x Samples = %zu",
                           rec->blob_bytes, 2 * rec->samples);
    return 0;
}

static int read_blob(const struct tradb *db, struct tradb_record *rec, char *err, size_t errlen) {
    sqlite3_bind_int64(db->data, 1, sqlite3_column_int64(db->rows, COL_ROWID));
    int rc = sqlite3_step(db->data);
    if (rc != SQLITE_ROW)
        rc = rc == SQLITE_DONE ? record_fail(db, err, errlen, "its row vanished")
                               : sql_fail(db, err, errlen);
    else if (sqlite3_column_type(db->data, 0) == SQLITE_NULL)
        rc = record_fail(db, err, errlen, "Data is NULL");
    else if (sqlite3_column_type(db->data, 0) != SQLITE_BLOB)
        rc = record_fail(db, err, errlen, "Data is not a blob");
    else
        rc = copy_blob(db, rec, err, errlen);
    sqlite3_reset(db->data);
    return rc;
}

int tradb_next(struct tradb *db, struct tradb_record *rec, char *err, size_t errlen) {
    tradb_record_clear(rec);
    if (db->state)
        return db->state > 0
                   ? 0
                   : fail(err, errlen, "%s: reading stopped at an earlier error", db->path);
    int rc = sqlite3_step(db->rows);
    if (rc == SQLITE_DONE) {
        db->state = 1;
        return 0;
    }
    if (rc != SQLITE_ROW) {
        db->state = -1;
        return sql_fail(db, err, errlen);
    }
    if (check_types(db, err, errlen) || read_metadata(db, rec, err, errlen) ||
        read_blob(db, rec, err, errlen)) {
        tradb_record_clear(rec);
        return -1;
    }
    return 1;
}

int tradb_stopped(const struct tradb *db) {
    return db->state < 0;
}

void tradb_record_clear(struct tradb_record *rec) {
    free(rec->blob);
    memset(rec, 0, sizeof *rec);
}

void tradb_close(struct tradb *db) {
    if (!db)
        return;
    sqlite3_finalize(db->rows);
    sqlite3_finalize(db->data);
    sqlite3_close(db->sql);
    free(db->path);
    free(db);
}
