/* The tradb reader: records in TRAI order with their exact metadata and float32 volts, raw and
 * FLAC alike; every damaged file, record or blob refused with the file, the record and the
 * problem; the blob decoder under thousands of mutated blobs, in parallel (make asan checks the
 * memory side); and the real files of shared/data/ae when they are there (OMPSWEEP_AE_DATA, or
 * ../shared/data/ae from the repository root). The files tested are written by
 * tests/tradb_support.h. */
#include "test_support.h"
#include "tradb.h"
#include "tradb_support.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define NREC 4

/* splitmix64: deterministic inputs, so a failure replays. */
static uint64_t next_random(uint64_t *s) {
    uint64_t z = (*s += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

/* A burst with noise, and both int16 extremes. */
static void fill_samples(int16_t *x, size_t n, uint64_t seed) {
    for (size_t k = 0; k < n; k++) {
        double burst = 12000.0 * exp(-(double)k / 900.0) * sin(0.07 * (double)k);
        x[k] = (int16_t)(burst + (double)(next_random(&seed) % 201) - 100.0);
    }
    if (n > 3)
        x[1] = INT16_MIN, x[2] = INT16_MAX;
}

/* Four records given out of TRAI order (SetIDs 1..4 carry TRAIs 3, 1, 4, 2), one of them
 * empty, in a fresh folder as a raw file and a FLAC file. */
struct fixture {
    char dir[64], raw[96], flac[96];
    int16_t *data[NREC];
    struct tradb_support_record rec[NREC];
};

static const struct tradb_support_record fixture_meta[NREC] = {
    {3, 39927747, 2, 500, 66, 5000000, NULL, 1000, 1.52226441093467, 0.00304452859014046},
    {1, 39927710, 3, 0, 3, 1, NULL, 1, 30.517578125, 0.030517578125},
    {4, 123456789012, 1, 100, 70, 500000, NULL, 5000, 1.5, 0.0025},
    {2, 0, 4, 7, 1, 10000000, NULL, 0, 0.25, 1e-3},
};

static void fixture_make(struct fixture *f) {
    strcpy(f->dir, "/tmp/ompsweep-tradb-XXXXXX");
    cr_assert_not_null(mkdtemp(f->dir));
    snprintf(f->raw, sizeof f->raw, "%s/raw.tradb", f->dir);
    snprintf(f->flac, sizeof f->flac, "%s/flac.tradb", f->dir);
    for (int i = 0; i < NREC; i++) {
        f->rec[i] = fixture_meta[i];
        f->data[i] = malloc((f->rec[i].samples + 1) * sizeof(int16_t));
        fill_samples(f->data[i], f->rec[i].samples, (uint64_t)i + 11);
        f->rec[i].data = f->data[i];
    }
    cr_assert_eq(tradb_support_write(f->raw, f->rec, NREC, TRADB_RAW), 0);
    cr_assert_eq(tradb_support_write(f->flac, f->rec, NREC, TRADB_FLAC), 0);
}

static void fixture_free(struct fixture *f) {
    DIR *d = opendir(f->dir);
    struct dirent *e;
    char path[512];
    while (d && (e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            snprintf(path, sizeof path, "%s/%s", f->dir, e->d_name);
            unlink(path);
        }
    if (d)
        closedir(d);
    rmdir(f->dir);
    for (int i = 0; i < NREC; i++)
        free(f->data[i]);
}

/* Every record of a file, decoded. */
struct loaded {
    struct tradb_record rec[NREC + 1];
    float *volts[NREC + 1];
    int n;
};

static void load_all(const char *path, struct loaded *l) {
    struct tradb *db;
    char err[512];
    cr_assert_eq(tradb_open(&db, path, err, sizeof err), 0, "%s", err);
    memset(l, 0, sizeof *l);
    int rc;
    while (l->n <= NREC && (rc = tradb_next(db, &l->rec[l->n], err, sizeof err)) == 1) {
        l->volts[l->n] = malloc((l->rec[l->n].samples + 1) * sizeof(float));
        cr_assert_eq(tradb_decode(&l->rec[l->n], l->volts[l->n], err, sizeof err), 0, "%s", err);
        l->n++;
    }
    cr_assert_eq(rc, 0, "%s", err);
    cr_assert_eq(tradb_record_count(db), l->n);
    struct tradb_record after = {0};
    cr_assert_eq(tradb_next(db, &after, err, sizeof err), 0, "the end stays the end");
    tradb_close(db);
}

static void loaded_free(struct loaded *l) {
    for (int i = 0; i < l->n; i++) {
        tradb_record_clear(&l->rec[i]);
        free(l->volts[i]);
    }
}

/* Record r (written as SetID set_id) read back as got: every field exact. */
static void expect_record(const struct tradb_record *got, const float *volts,
                          const struct tradb_support_record *r, int64_t set_id, int format) {
    cr_expect_eq(got->set_id, set_id);
    cr_expect_eq(got->trai, r->trai);
    cr_expect(same_bits(got->time, (double)r->time_ticks / TRADB_SUPPORT_TIME_BASE), "time %.17g",
              got->time);
    cr_expect_eq(got->channel, r->chan);
    cr_expect_eq(got->pretrigger, r->pretrigger);
    cr_expect(same_bits(got->threshold, (double)r->thr * r->adc_uv * 1e-6), "%.17g",
              got->threshold);
    cr_expect(same_bits(got->sample_rate, (double)r->sample_rate));
    cr_expect_eq(got->samples, r->samples);
    cr_expect_eq(got->data_format, format);
    cr_expect(same_bits(got->volts_per_count, r->tr_mv * 1e-3));
    const float factor = (float)(r->tr_mv * 1e-3);
    for (size_t k = 0; k < r->samples; k++) {
        float want = (float)r->data[k] * factor;
        cr_assert(memcmp(&volts[k], &want, sizeof want) == 0, "TRAI %lld sample %zu: %.9g != %.9g",
                  r->trai, k, volts[k], want);
    }
}

Test(tradb, records_come_back_in_trai_order_with_exact_metadata_and_volts) {
    struct fixture f;
    fixture_make(&f);
    static const int by_trai[NREC] = {1, 3, 0, 2}; /* fixture index of TRAI 1, 2, 3, 4 */
    const char *paths[2] = {f.raw, f.flac};
    for (int p = 0; p < 2; p++) {
        struct loaded l;
        load_all(paths[p], &l);
        cr_assert_eq(l.n, NREC);
        for (int j = 0; j < NREC; j++)
            expect_record(&l.rec[j], l.volts[j], &f.rec[by_trai[j]], by_trai[j] + 1,
                          p ? TRADB_FLAC : TRADB_RAW);
        loaded_free(&l);
    }
    fixture_free(&f);
}

Test(tradb, raw_and_flac_decode_to_identical_floats) {
    struct fixture f;
    fixture_make(&f);
    struct loaded raw, flac;
    load_all(f.raw, &raw);
    load_all(f.flac, &flac);
    cr_assert_eq(raw.n, flac.n);
    for (int j = 0; j < raw.n; j++) {
        cr_assert_eq(raw.rec[j].samples, flac.rec[j].samples);
        cr_assert_eq(memcmp(raw.volts[j], flac.volts[j], raw.rec[j].samples * sizeof(float)), 0,
                     "TRAI %d", j + 1);
    }
    cr_assert_lt(flac.rec[3].blob_bytes, raw.rec[3].blob_bytes, "FLAC compresses the burst");
    loaded_free(&raw);
    loaded_free(&flac);
    fixture_free(&f);
}

Test(tradb, extra_samples_are_ignored_and_a_numeric_time_base_is_read) {
    struct fixture f;
    fixture_make(&f);
    const char *sql = "UPDATE tr_data SET Samples = 10 WHERE TRAI = 4;"
                      "UPDATE tr_globalinfo SET Value = 1000 WHERE Key = 'TimeBase'";
    cr_assert_eq(tradb_support_exec(f.raw, sql), 0);
    cr_assert_eq(tradb_support_exec(f.flac, sql), 0);
    const char *paths[2] = {f.raw, f.flac};
    for (int p = 0; p < 2; p++) {
        struct loaded l;
        load_all(paths[p], &l);
        cr_assert_eq(l.rec[3].samples, 10);
        cr_expect(same_bits(l.rec[3].time, 123456789012.0 / 1000));
        float want = (float)f.data[2][9] * (float)(f.rec[2].tr_mv * 1e-3);
        cr_expect(memcmp(&l.volts[3][9], &want, sizeof want) == 0, "%s", paths[p]);
        loaded_free(&l);
    }
    fixture_free(&f);
}

/* A record the reader must refuse: after `sql`, records before it read fine, then tradb_next
 * fails naming it, and the next call goes on with the record after it. */
static const struct {
    int format;
    const char *sql, *expect;
    int good_before;
} bad_records[] = {
    {TRADB_RAW, "UPDATE tr_data SET DataFormat = 5 WHERE TRAI = 3",
     "record TRAI 3 (SetID 1): DataFormat 5 is neither 0 (raw int16) nor 2 (FLAC)", 2},
    {TRADB_RAW, "UPDATE tr_data SET Data = substr(Data, 1, 11) WHERE TRAI = 4",
     "record TRAI 4 (SetID 3): raw Data blob has 11 bytes, fewer than 2 x Samples = 10000", 3},
    {TRADB_FLAC, "UPDATE tr_data SET Samples = -1 WHERE TRAI = 1",
     "record TRAI 1 (SetID 2): Samples -1 is negative", 0},
    {TRADB_FLAC, "UPDATE tr_data SET Samples = 268435457 WHERE TRAI = 2",
     "record TRAI 2 (SetID 4): Samples 268435457 is above the limit", 1},
    {TRADB_RAW, "UPDATE tr_data SET SampleRate = 0 WHERE TRAI = 2",
     "record TRAI 2 (SetID 4): SampleRate 0 is not positive", 1},
    {TRADB_FLAC, "UPDATE tr_data SET ParamID = 99 WHERE TRAI = 4",
     "record TRAI 4 (SetID 3): ParamID 99 has no row in tr_params", 3},
    {TRADB_RAW, "DELETE FROM tr_params WHERE ID = 1",
     "record TRAI 3 (SetID 1): ParamID 1 has no row in tr_params", 2},
    {TRADB_RAW, "UPDATE tr_data SET ParamID = NULL WHERE TRAI = 1",
     "record TRAI 1 (SetID 2): ParamID is NULL", 0},
    {TRADB_RAW, "UPDATE tr_data SET Time = NULL WHERE TRAI = 1",
     "record TRAI 1 (SetID 2): Time is NULL", 0},
    {TRADB_RAW, "UPDATE tr_params SET TR_mV = NULL WHERE ID = 4",
     "record TRAI 2 (SetID 4): TR_mV is NULL", 1},
    {TRADB_RAW, "UPDATE tr_data SET Samples = 'many' WHERE TRAI = 3",
     "record TRAI 3 (SetID 1): Samples 'many' is not an integer", 2},
    {TRADB_FLAC, "UPDATE tr_data SET Data = NULL WHERE TRAI = 2",
     "record TRAI 2 (SetID 4): Data is NULL", 1},
    {TRADB_FLAC, "UPDATE tr_data SET Data = 'text' WHERE TRAI = 3",
     "record TRAI 3 (SetID 1): Data is not a blob", 2},
};

static void expect_bad_record(const struct fixture *f, size_t c) {
    char path[128], err[512] = "";
    snprintf(path, sizeof path, "%s/bad%zu.tradb", f->dir, c);
    cr_assert_eq(tradb_support_write(path, f->rec, NREC, bad_records[c].format), 0);
    cr_assert_eq(tradb_support_exec(path, bad_records[c].sql), 0);
    struct tradb *db;
    cr_assert_eq(tradb_open(&db, path, err, sizeof err), 0, "%s", err);
    struct tradb_record rec = {0};
    int good = 0, rc;
    while ((rc = tradb_next(db, &rec, err, sizeof err)) == 1)
        good++;
    cr_expect_eq(rc, -1, "%s: accepted", bad_records[c].sql);
    cr_expect_eq(good, bad_records[c].good_before, "%s", bad_records[c].sql);
    cr_expect(strncmp(err, path, strlen(path)) == 0, "no file named: %s", err);
    cr_expect(strstr(err, bad_records[c].expect), "%s\nsaid:     %s\nexpected: %s",
              bad_records[c].sql, err, bad_records[c].expect);
    cr_expect_null(rec.blob, "nothing is held after an error");
    rc = tradb_next(db, &rec, err, sizeof err);
    cr_expect_eq(rc, good + 1 < NREC ? 1 : 0, "%s: the next record follows", bad_records[c].sql);
    tradb_record_clear(&rec);
    tradb_close(db);
}

Test(tradb, bad_records_name_the_file_the_record_and_the_problem) {
    struct fixture f;
    fixture_make(&f);
    for (size_t c = 0; c < sizeof bad_records / sizeof bad_records[0]; c++)
        expect_bad_record(&f, c);
    fixture_free(&f);
}

/* Blobs that tradb_next passes and tradb_decode refuses. */
static const struct {
    const char *sql, *expect;
    int trai;
} bad_blobs[] = {
    {"UPDATE tr_data SET Data = substr(Data, 1, length(Data) / 2) WHERE TRAI = 4",
     "record TRAI 4 (SetID 3): FLAC Data blob (", 4},
    {"UPDATE tr_data SET Samples = 1001 WHERE TRAI = 3",
     "record TRAI 3 (SetID 1): FLAC Data blob (", 3},
    {"UPDATE tr_data SET Data = zeroblob(64) WHERE TRAI = 3",
     "record TRAI 3 (SetID 1): FLAC Data blob (64 bytes) does not start with 'fLaC'", 3},
    {"UPDATE tr_data SET Data = x'', Samples = 5 WHERE TRAI = 1",
     "record TRAI 1 (SetID 2): FLAC Data blob (0 bytes) does not start with 'fLaC'", 1},
    {"UPDATE tr_data SET Data = CAST(x'664c6143' || zeroblob(60) AS BLOB) WHERE TRAI = 3",
     "record TRAI 3 (SetID 1): FLAC Data blob (64 bytes) cannot be opened", 3},
};

Test(tradb, flac_blobs_that_decode_short_name_the_record) {
    struct fixture f;
    fixture_make(&f);
    for (size_t c = 0; c < sizeof bad_blobs / sizeof bad_blobs[0]; c++) {
        char path[128], err[512] = "";
        snprintf(path, sizeof path, "%s/blob%zu.tradb", f.dir, c);
        cr_assert_eq(tradb_support_write(path, f.rec, NREC, TRADB_FLAC), 0);
        cr_assert_eq(tradb_support_exec(path, bad_blobs[c].sql), 0);
        struct tradb *db;
        cr_assert_eq(tradb_open(&db, path, err, sizeof err), 0, "%s", err);
        struct tradb_record rec = {0};
        for (int j = 0; j < bad_blobs[c].trai; j++)
            cr_assert_eq(tradb_next(db, &rec, err, sizeof err), 1, "%s", err);
        cr_assert_eq(rec.trai, bad_blobs[c].trai);
        float *volts = malloc((rec.samples + 1) * sizeof(float));
        cr_expect_eq(tradb_decode(&rec, volts, err, sizeof err), -1, "%s", bad_blobs[c].sql);
        cr_expect(strstr(err, bad_blobs[c].expect), "said '%s', expected '%s'", err,
                  bad_blobs[c].expect);
        free(volts);
        tradb_record_clear(&rec);
        tradb_close(db);
    }
    fixture_free(&f);
}

/* The short decodes say how far they got. */
Test(tradb, a_short_flac_decode_says_how_many_samples_it_gave) {
    struct fixture f;
    fixture_make(&f);
    cr_assert_eq(tradb_support_exec(f.flac, bad_blobs[1].sql), 0);
    struct tradb *db;
    char err[512];
    cr_assert_eq(tradb_open(&db, f.flac, err, sizeof err), 0, "%s", err);
    struct tradb_record rec = {0};
    for (int j = 0; j < 3; j++)
        cr_assert_eq(tradb_next(db, &rec, err, sizeof err), 1, "%s", err);
    cr_assert_eq(rec.trai, 3);
    cr_assert_eq(rec.samples, 1001);
    float volts[1001];
    cr_assert_eq(tradb_decode(&rec, volts, err, sizeof err), -1);
    cr_expect(strstr(err, "decodes to 1000 of Samples = 1001"), "%s", err);
    tradb_record_clear(&rec);
    tradb_close(db);
    fixture_free(&f);
}

/* Files the reader must refuse at tradb_open, after `sql` on a good file. */
static const struct {
    const char *sql, *expect;
} bad_files[] = {
    {"DROP TABLE tr_params", "not a tradb file: no table tr_params"},
    {"DROP VIEW view_tr_data; DROP TABLE tr_data", "not a tradb file: no table tr_data"},
    {"DROP TABLE tr_globalinfo", "not a tradb file: no table tr_globalinfo"},
    {"ALTER TABLE tr_data RENAME COLUMN Samples TO NSamples",
     "table tr_data has no column Samples"},
    {"ALTER TABLE tr_params RENAME COLUMN \"ADC_µV\" TO ADC_uV",
     "table tr_params has no column ADC_µV"},
    {"ALTER TABLE tr_data RENAME COLUMN Data TO Blob; ALTER TABLE tr_data RENAME Thr TO T",
     "table tr_data has no column Thr, Data"},
    {"DELETE FROM tr_globalinfo WHERE Key = 'TimeBase'", "tr_globalinfo has no TimeBase"},
    {"UPDATE tr_globalinfo SET Value = '0' WHERE Key = 'TimeBase'",
     "TimeBase '0' in tr_globalinfo is not a positive number"},
    {"UPDATE tr_globalinfo SET Value = '10 MHz' WHERE Key = 'TimeBase'",
     "TimeBase '10 MHz' in tr_globalinfo is not a positive number"},
    {"UPDATE tr_globalinfo SET Value = NULL WHERE Key = 'TimeBase'",
     "TimeBase 'NULL' in tr_globalinfo is not a positive number"},
};

static void expect_open_error(const char *path, const char *expect) {
    struct tradb *db = (struct tradb *)1;
    char err[512] = "";
    cr_expect_eq(tradb_open(&db, path, err, sizeof err), -1, "%s: accepted", path);
    cr_expect_null(db);
    cr_expect(strncmp(err, path, strlen(path)) == 0, "no file named: %s", err);
    cr_expect(strstr(err, expect), "said '%s', expected '%s'", err, expect);
    tradb_close(db);
}

Test(tradb, bad_files_name_the_file_and_what_is_missing) {
    struct fixture f;
    fixture_make(&f);
    for (size_t c = 0; c < sizeof bad_files / sizeof bad_files[0]; c++) {
        char path[128];
        snprintf(path, sizeof path, "%s/file%zu.tradb", f.dir, c);
        cr_assert_eq(tradb_support_write(path, f.rec, NREC, TRADB_RAW), 0);
        cr_assert_eq(tradb_support_exec(path, bad_files[c].sql), 0);
        expect_open_error(path, bad_files[c].expect);
    }
    fixture_free(&f);
}

Test(tradb, what_is_not_a_tradb_file_is_refused) {
    struct fixture f;
    fixture_make(&f);
    char text[128], empty[128], missing[128];
    snprintf(text, sizeof text, "%s/notes.tradb", f.dir);
    snprintf(empty, sizeof empty, "%s/empty.tradb", f.dir);
    snprintf(missing, sizeof missing, "%s/missing.tradb", f.dir);
    FILE *fp = fopen(text, "w");
    fputs("Time,TRAI\n0,1\n1,2\nnot an SQLite file, but long enough to have a header\n", fp);
    fclose(fp);
    fclose(fopen(empty, "w"));
    expect_open_error(text, "not an SQLite database (file is not a database)");
    expect_open_error(empty, "empty file");
    expect_open_error(missing, "cannot open: No such file or directory");
    expect_open_error(f.dir, "not a regular file");
    fixture_free(&f);
}

/* An SQLite file cut short: refused at open or at a record, never a crash. */
Test(tradb, a_truncated_database_is_an_error) {
    struct fixture f;
    fixture_make(&f);
    struct stat st;
    cr_assert_eq(stat(f.raw, &st), 0);
    cr_assert_gt(st.st_size, 3 * 4096);
    cr_assert_eq(truncate(f.raw, 2 * 4096), 0);
    struct tradb *db;
    char err[512] = "";
    int rc = tradb_open(&db, f.raw, err, sizeof err);
    if (rc == 0) {
        struct tradb_record rec = {0};
        while ((rc = tradb_next(db, &rec, err, sizeof err)) == 1)
            ;
        tradb_record_clear(&rec);
        tradb_close(db);
    }
    cr_expect_eq(rc, -1);
    cr_expect(strncmp(err, f.raw, strlen(f.raw)) == 0 && strstr(err, "malformed"), "%s", err);
    fixture_free(&f);
}

/* A blob in another container, or FLAC that is not 16-bit mono: written here with libsndfile
 * in the format given. */
static void encode(int format, int channels, const int16_t *x, size_t frames, unsigned char **blob,
                   size_t *bytes) {
    SF_VIRTUAL_IO io = {tradb_support_mem_length, tradb_support_mem_seek, tradb_support_mem_read,
                        tradb_support_mem_write, tradb_support_mem_tell};
    struct tradb_support_mem m = {0};
    SF_INFO info = {.samplerate = 44100, .channels = channels, .format = format};
    SNDFILE *sf = sf_open_virtual(&io, SFM_WRITE, &info, &m);
    cr_assert_not_null(sf, "%s", sf_strerror(NULL));
    cr_assert_eq(sf_writef_short(sf, x, (sf_count_t)frames), (sf_count_t)frames);
    sf_close(sf);
    *blob = m.data, *bytes = (size_t)m.size;
}

Test(tradb, decode_wants_16_bit_mono_flac) {
    static const struct {
        int format, channels;
        const char *expect;
    } cases[] = {
        {SF_FORMAT_FLAC | SF_FORMAT_PCM_16, 2, "FLAC Data blob has 2 channels, not 1"},
        {SF_FORMAT_FLAC | SF_FORMAT_PCM_24, 1, "FLAC Data blob does not hold 16-bit samples"},
        {SF_FORMAT_WAV | SF_FORMAT_PCM_16, 1,
         "FLAC Data blob (444 bytes) does not start with 'fLaC'"},
    };
    int16_t x[400];
    fill_samples(x, 400, 5);
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        struct tradb_record rec = {.set_id = 9, .trai = 7, .samples = 200, .data_format = 2};
        encode(cases[c].format, cases[c].channels, x, 200, &rec.blob, &rec.blob_bytes);
        float volts[200];
        char err[256] = "";
        cr_expect_eq(tradb_decode(&rec, volts, err, sizeof err), -1);
        cr_expect(strstr(err, "record TRAI 7 (SetID 9): ") && strstr(err, cases[c].expect),
                  "said '%s', expected '%s'", err, cases[c].expect);
        tradb_record_clear(&rec);
    }
}

Test(tradb, decode_checks_the_record_it_is_given) {
    unsigned char blob[8] = {1, 0, 0xff, 0xff, 0, 0x80, 0xff, 0x7f};
    struct tradb_record rec = {.set_id = 2, .trai = 5, .samples = 4, .volts_per_count = 1.0};
    rec.blob = blob, rec.blob_bytes = sizeof blob;
    float v[5];
    char err[256];
    cr_assert_eq(tradb_decode(&rec, v, err, sizeof err), 0, "%s", err);
    cr_expect(v[0] == 1 && v[1] == -1 && v[2] == -32768 && v[3] == 32767, "little-endian int16");
    rec.samples = 5;
    cr_expect_eq(tradb_decode(&rec, v, err, sizeof err), -1);
    cr_expect(strstr(err, "record TRAI 5 (SetID 2): raw Data blob has 8 bytes"), "%s", err);
    rec.samples = 4, rec.data_format = 1;
    cr_expect_eq(tradb_decode(&rec, v, err, sizeof err), -1);
    cr_expect(strstr(err, "DataFormat 1 is neither"), "%s", err);
    rec.samples = 0;
    cr_expect_eq(tradb_decode(&rec, v, err, sizeof err), 0, "nothing to decode");
    rec.samples = (size_t)TRADB_MAX_SAMPLES + 1;
    cr_expect_eq(tradb_decode(&rec, v, err, sizeof err), -1);
    rec.samples = 1, rec.data_format = 0, rec.blob = NULL;
    cr_expect_eq(tradb_decode(&rec, v, err, sizeof err), -1);
    cr_expect_eq(tradb_decode(&rec, v, NULL, 0), -1, "no room for a message is fine");
}

/* One mutation: a bit flip (often in the stream's header), a cut, bytes inserted, a byte set. */
static void mutate(unsigned char **buf, size_t *len, uint64_t *s) {
    uint64_t r = next_random(s);
    size_t at = *len ? (size_t)(next_random(s) % (r & 16 && *len > 64 ? 64 : *len)) : 0;
    switch (r % 4) {
    case 0:
        if (*len)
            (*buf)[at] ^= (unsigned char)(1u << (r >> 8) % 8);
        break;
    case 1:
        *len = (size_t)(next_random(s) % (*len + 1));
        break;
    case 2: {
        size_t k = 1 + (size_t)(r >> 8) % 16;
        *buf = realloc(*buf, *len + k);
        memmove(*buf + at + k, *buf + at, *len - at);
        for (size_t i = 0; i < k; i++)
            (*buf)[at + i] = (unsigned char)next_random(s);
        *len += k;
        break;
    }
    default:
        if (*len)
            (*buf)[at] = (unsigned char)(r >> 8);
    }
}

#define FUZZ_SAMPLES 600
#define FUZZ_CASES   40000

struct fuzz_tally {
    long ok, refused, bad, wrong_values;
};

/* Case i: a copy of the raw or the FLAC blob, mutated 0 to 3 times, sometimes declaring another
 * Samples or format; the original blobs (every 16th case) must decode to the reference. */
static void fuzz_case(long i, const unsigned char *const orig[2], const size_t orig_len[2],
                      const float *reference, float *volts, struct fuzz_tally *t) {
    uint64_t s = 0x7ad8b00 + (uint64_t)i;
    int flac = (int)(i % 3 != 0), mutations = i % 16 ? 1 + (int)(next_random(&s) % 3) : 0;
    size_t len = orig_len[flac];
    unsigned char *buf = malloc(len + 1);
    memcpy(buf, orig[flac], len);
    for (int m = 0; m < mutations; m++)
        mutate(&buf, &len, &s);
    uint64_t r = next_random(&s);
    struct tradb_record rec = {.set_id = 9, .trai = 7, .volts_per_count = 0.004};
    rec.samples = mutations && r % 4 == 0 ? (size_t)(r >> 8) % (2 * FUZZ_SAMPLES) : FUZZ_SAMPLES;
    rec.data_format = mutations && r % 16 == 1 ? (flac ? TRADB_RAW : TRADB_FLAC)
                                               : (flac ? TRADB_FLAC : TRADB_RAW);
    rec.blob = buf, rec.blob_bytes = len;
    char err[256] = "";
    int rc = tradb_decode(&rec, volts, err, sizeof err);
    t->ok += rc == 0, t->refused += rc == -1;
    t->bad += (rc != 0 && rc != -1) || (rc == -1 && !strstr(err, "record TRAI 7 (SetID 9): "));
    if (!mutations)
        t->wrong_values += rc != 0 || memcmp(volts, reference, FUZZ_SAMPLES * sizeof(float)) != 0;
    tradb_record_clear(&rec);
}

static void tally_add(struct fuzz_tally *total, const struct fuzz_tally *t) {
    total->ok += t->ok, total->refused += t->refused;
    total->bad += t->bad, total->wrong_values += t->wrong_values;
}

Test(tradb, the_decoder_survives_mutated_blobs_in_parallel) {
    int16_t x[FUZZ_SAMPLES];
    fill_samples(x, FUZZ_SAMPLES, 99);
    unsigned char *orig[2];
    size_t orig_len[2];
    cr_assert_eq(tradb_support_raw(x, FUZZ_SAMPLES, &orig[0], &orig_len[0]), 0);
    cr_assert_eq(tradb_support_flac(x, FUZZ_SAMPLES, &orig[1], &orig_len[1]), 0);
    float reference[FUZZ_SAMPLES];
    for (int k = 0; k < FUZZ_SAMPLES; k++)
        reference[k] = (float)x[k] * (float)0.004;
    struct fuzz_tally total = {0};
#pragma omp parallel
    {
        struct fuzz_tally t = {0};
        float *volts = malloc(2 * FUZZ_SAMPLES * sizeof(float));
#pragma omp for schedule(dynamic, 32)
        for (long i = 0; i < FUZZ_CASES; i++)
            fuzz_case(i, (const unsigned char *const *)orig, orig_len, reference, volts, &t);
        free(volts);
#pragma omp critical
        tally_add(&total, &t);
    }
    cr_expect_eq(total.ok + total.refused, FUZZ_CASES);
    cr_expect_eq(total.bad, 0, "%ld results neither 0 nor -1 naming the record", total.bad);
    cr_expect_eq(total.wrong_values, 0, "%ld intact blobs decoded wrong", total.wrong_values);
    cr_expect(total.ok > FUZZ_CASES / 16 && total.refused > FUZZ_CASES / 4,
              "both outcomes exercised: %ld decoded, %ld refused", total.ok, total.refused);
    free(orig[0]);
    free(orig[1]);
}

/* The real files, when this checkout sits beside shared/ (or OMPSWEEP_AE_DATA names them). */
static int ae_file(char *path, size_t len, const char *name) {
    const char *dir = getenv("OMPSWEEP_AE_DATA");
    snprintf(path, len, "%s/%s", dir && *dir ? dir : "../shared/data/ae", name);
    return access(path, R_OK) == 0;
}

/* Two files holding the same records: same order, metadata and volts (bit for bit); returns
 * how many. */
static long expect_same_records(const char *a, const char *b) {
    struct tradb *da, *db;
    char err[512];
    cr_assert_eq(tradb_open(&da, a, err, sizeof err), 0, "%s", err);
    cr_assert_eq(tradb_open(&db, b, err, sizeof err), 0, "%s", err);
    struct tradb_record ra = {0}, rb = {0};
    long n = 0;
    int rc;
    while ((rc = tradb_next(da, &ra, err, sizeof err)) == 1) {
        cr_assert_eq(tradb_next(db, &rb, err, sizeof err), 1, "%s", err);
        cr_assert_eq(ra.trai, rb.trai);
        cr_assert(same_bits(ra.time, rb.time) && same_bits(ra.threshold, rb.threshold));
        cr_assert(same_bits(ra.sample_rate, rb.sample_rate));
        cr_assert(same_bits(ra.volts_per_count, rb.volts_per_count));
        cr_assert(ra.channel == rb.channel && ra.pretrigger == rb.pretrigger);
        cr_assert_eq(ra.samples, rb.samples);
        float *va = malloc(ra.samples * sizeof(float) + 1),
              *vb = malloc(rb.samples * sizeof(float) + 1);
        cr_assert_eq(tradb_decode(&ra, va, err, sizeof err), 0, "%s: %s", a, err);
        cr_assert_eq(tradb_decode(&rb, vb, err, sizeof err), 0, "%s: %s", b, err);
        cr_assert_eq(memcmp(va, vb, ra.samples * sizeof(float)), 0, "TRAI %lld",
                     (long long)ra.trai);
        free(va);
        free(vb);
        n++;
    }
    cr_assert_eq(rc, 0, "%s", err);
    cr_assert_eq(tradb_next(db, &rb, err, sizeof err), 0, "%s has more records", b);
    tradb_record_clear(&ra);
    tradb_record_clear(&rb);
    tradb_close(da);
    tradb_close(db);
    return n;
}

Test(tradb_real, sample_flac_equals_sample_plain) {
    char flac[512], plain[512];
    if (!ae_file(flac, sizeof flac, "sample.tradb") ||
        !ae_file(plain, sizeof plain, "sample_plain.tradb"))
        cr_skip_test("%s not here (set OMPSWEEP_AE_DATA)", flac);
    cr_assert_eq(expect_same_records(flac, plain), 4);
    struct loaded l;
    load_all(flac, &l);
    for (int j = 0; j < l.n; j++) {
        cr_expect_eq(l.rec[j].trai, j + 1);
        cr_expect_eq(l.rec[j].data_format, TRADB_FLAC);
    }
    cr_expect_eq(l.rec[0].set_id, 2, "TRAI 1 is SetID 2 in the FLAC file");
    cr_expect_eq(l.rec[0].samples, 98960);
    cr_expect_eq(l.rec[0].pretrigger, 500);
    cr_expect_eq(l.rec[0].channel, 3);
    cr_expect(same_bits(l.rec[0].time, 39927710.0 / 1e7));
    loaded_free(&l);
}

Test(tradb_real, signal_flac_equals_signal_raw) {
    char flac[512], raw[512];
    if (!ae_file(flac, sizeof flac, "signal-flac.tradb") ||
        !ae_file(raw, sizeof raw, "signal-raw.tradb"))
        cr_skip_test("%s not here (set OMPSWEEP_AE_DATA)", flac);
    cr_assert_eq(expect_same_records(flac, raw), 1);
}

Test(tradb_real, bearing_has_490_records_of_5000_samples_that_all_decode) {
    char path[512], err[512];
    if (!ae_file(path, sizeof path, "bearing.tradb"))
        cr_skip_test("%s not here (set OMPSWEEP_AE_DATA)", path);
    struct tradb *db;
    cr_assert_eq(tradb_open(&db, path, err, sizeof err), 0, "%s", err);
    cr_assert_eq(tradb_record_count(db), 490);
    struct tradb_record rec = {0};
    static float volts[5000];
    long n = 0;
    int rc;
    while ((rc = tradb_next(db, &rec, err, sizeof err)) == 1) {
        cr_assert_eq(rec.trai, n + 1);
        cr_assert_eq(rec.samples, 5000);
        cr_assert_eq(tradb_decode(&rec, volts, err, sizeof err), 0, "%s", err);
        n++;
    }
    cr_assert_eq(rc, 0, "%s", err);
    cr_expect_eq(n, 490);
    tradb_record_clear(&rec);
    tradb_close(db);
}
