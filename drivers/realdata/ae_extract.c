#include "realdata/ae_extract.h"

#include "format/csv_writer.h"
#include "format/schema.h"

#include "ae_features.h"
#include "tradb.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { MESSAGE_LEN = 512 };

/* One record of a batch: its metadata and blob, then its features or what went wrong. */
struct hit {
    struct tradb_record rec;
    struct ae_features f;
    int failed;
    char message[MESSAGE_LEN];
};

void ae_extract_header(FILE *out) {
    csv_put_header(out, schema_ae_columns, COL_AE_COLUMNS);
}

/* float32 amplitudes print exactly with 9 digits; the double features with 12. */
static void write_row(FILE *out, const char *file, const struct hit *h) {
    const struct tradb_record *r = &h->rec;
    const struct ae_features *f = &h->f;
    struct csv_row row;
    csv_row_begin(&row, out);
    csv_put_text(&row, file);
    csv_put_integer(&row, (long long)r->trai);
    csv_put_integer(&row, (long long)r->set_id);
    csv_put_integer(&row, r->channel);
    csv_put_number(&row, r->time, "%.7f");
    csv_put_integer(&row, (long long)r->samples);
    csv_put_number(&row, r->threshold, "%.9g");
    csv_put_number(&row, f->amplitude, "%.9g");
    csv_put_number(&row, f->amplitude_db, "%.6f");
    csv_put_integer(&row, f->peak_index);
    csv_put_integer(&row, f->first_crossing);
    csv_put_number(&row, f->rise_time, "%.9g");
    csv_put_number(&row, f->energy, "%.12g");
    csv_put_number(&row, f->signal_strength, "%.12g");
    csv_put_integer(&row, f->counts);
    csv_put_number(&row, f->rms, "%.12g");
    csv_put_number(&row, f->std, "%.12g");
    csv_put_number(&row, f->skewness, "%.12g");
    csv_row_end(&row);
}

/* Fetches the next batch into hits: how many (0 at the end). A bad record is reported, counted
 * and skipped; an error that stops the reading is reported and sets *broken (the records
 * fetched before it are still returned). */
static long fetch_batch(struct tradb *db, struct hit *hits, const struct ae_extract_options *o,
                        struct ae_extract_totals *t, int *broken) {
    size_t n = 0, bytes = 0;
    char err[MESSAGE_LEN];
    while (n < o->batch_records && bytes < o->batch_bytes) {
        int rc = tradb_next(db, &hits[n].rec, err, sizeof err);
        if (rc == 0)
            break;
        if (rc > 0) {
            bytes += hits[n++].rec.blob_bytes;
            continue;
        }
        *broken = tradb_stopped(db);
        fprintf(stderr, "ompsweep ae: %s (%s)\n", err,
                *broken ? "the rest of the file is not read" : "skipped");
        if (*broken)
            break;
        t->failed++;
    }
    return (long)n;
}

static void decode_and_measure(struct hit *h, float **buf, size_t *cap) {
    const struct tradb_record *r = &h->rec;
    h->failed = 1;
    if (r->samples > *cap) {
        float *p = realloc(*buf, r->samples * sizeof *p);
        if (!p) {
            snprintf(h->message, sizeof h->message,
                     "record TRAI %lld (SetID %lld): cannot allocate %zu samples",
                     (long long)r->trai, (long long)r->set_id, r->samples);
            return;
        }
        *buf = p;
        *cap = r->samples;
    }
    if (tradb_decode(r, *buf, h->message, sizeof h->message))
        return;
    if (ae_features_compute(*buf, r->samples, r->threshold, r->sample_rate, &h->f)) {
        snprintf(h->message, sizeof h->message,
                 "record TRAI %lld (SetID %lld): no features (%zu samples, threshold %g V)",
                 (long long)r->trai, (long long)r->set_id, r->samples, r->threshold);
        return;
    }
    h->failed = 0;
}

static void measure_batch(struct hit *hits, long n) {
#pragma omp parallel
    {
        float *buf = NULL;
        size_t cap = 0;
#pragma omp for schedule(runtime)
        for (long i = 0; i < n; i++)
            decode_and_measure(&hits[i], &buf, &cap);
        free(buf);
    }
}

static void show_progress(const char *file, long done, long total) {
    fprintf(stderr, "\r  %s: %ld/%ld hits (%.0f%%)", file, done, total,
            total > 0 ? 100.0 * (double)done / (double)total : 100.0);
}

/* Rows name the file by its path as given: two inputs of the same name in different folders
 * stay apart. */
static void write_batch(FILE *out, const char *path, struct hit *hits, long n,
                        struct ae_extract_totals *t) {
    for (long i = 0; i < n; i++) {
        if (hits[i].failed) {
            fprintf(stderr, "ompsweep ae: %s: %s (skipped)\n", path, hits[i].message);
            t->failed++;
        } else {
            write_row(out, path, &hits[i]);
            t->hits++;
        }
        tradb_record_clear(&hits[i].rec);
    }
}

int ae_extract_file(const char *path, const struct ae_extract_options *o, FILE *out,
                    struct ae_extract_totals *t) {
    char err[MESSAGE_LEN];
    struct tradb *db;
    if (tradb_open(&db, path, err, sizeof err)) {
        fprintf(stderr, "ompsweep ae: %s\n", err);
        t->files_failed++;
        return -1;
    }
    struct hit *hits = calloc(o->batch_records, sizeof *hits);
    if (!hits) {
        fprintf(stderr, "ompsweep ae: %s: out of memory\n", path);
        tradb_close(db);
        t->files_failed++;
        return -1;
    }
    long total = tradb_record_count(db), done = 0, n;
    int broken = 0;
    while (!broken && (n = fetch_batch(db, hits, o, t, &broken)) > 0) {
        measure_batch(hits, n);
        write_batch(out, path, hits, n, t);
        done += n;
        if (o->progress)
            show_progress(path, done, total);
    }
    if (o->progress)
        fputc('\n', stderr);
    for (size_t i = 0; i < o->batch_records; i++)
        tradb_record_clear(&hits[i].rec);
    free(hits);
    tradb_close(db);
    if (broken)
        t->files_failed++;
    return broken ? -1 : 0;
}
