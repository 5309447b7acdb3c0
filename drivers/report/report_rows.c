/* report_rows: the rows of a result CSV decoded by the columns of format/schema.h (see
 * report_rows.h). */
#include "report/report_rows.h"

#include "format/schema.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int report_grow(void **p, size_t n, size_t elem) {
    if (n != 0 && (n & (n - 1)) != 0)
        return 0;
    void *q = realloc(*p, (n ? 2 * n : 1) * elem);
    if (!q)
        return -1;
    *p = q;
    return 0;
}

/* Whether t's first n columns are columns[0 .. n). */
static int starts_like(const struct csv_table *t, const char *const *columns, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (i >= t->ncols || strcmp(t->header[i], columns[i]) != 0)
            return 0;
    return 1;
}

int report_rows_kind(const struct csv_table *t) {
    if (starts_like(t, schema_overhead_columns, 4))
        return REPORT_OVERHEAD;
    if (starts_like(t, schema_breakeven_columns, 4))
        return REPORT_BREAKEVEN;
    return starts_like(t, schema_sweep_columns, 3) ? REPORT_POINTS : -1;
}

/* The index in t of every column of a schema (names[0 .. n)), -1 where t lacks it (read as
 * "not measured"); a file that lacks one of the required columns (schema indices, ended by
 * -1; NULL: all of them) is refused. */
static int find_columns(const struct csv_table *t, const char *const *names, size_t n,
                        const int *required, int *c, char *err, size_t errlen) {
    for (size_t i = 0; i < n; i++)
        c[i] = csv_column(t, names[i]);
    for (size_t i = 0; required ? required[i] >= 0 : i < n; i++) {
        size_t r = required ? (size_t)required[i] : i;
        if (c[r] < 0)
            return csv_require(t, names[r], &c[r], err, errlen);
    }
    return 0;
}

static int yes_no(const struct csv_table *t, size_t row, int col, int *v, char *err,
                  size_t errlen) {
    const char *s = csv_cell(t, row, col);
    *v = strcmp(s, "yes") == 0;
    if (*v || strcmp(s, "no") == 0 || s[0] == '\0')
        return 0;
    snprintf(err, errlen, "%s:%ld: column '%s': '%.40s' is not yes or no", t->name, t->lines[row],
             t->header[col], s);
    return -1;
}

/* Reads numbers into the fields listed; a time or size below zero is a damaged file. */
static int numbers(const struct csv_table *t, size_t row, const int *cols, double *const *out,
                   size_t n, char *err, size_t errlen) {
    for (size_t i = 0; i < n; i++) {
        if (csv_cell_number(t, row, cols[i], out[i], err, errlen))
            return -1;
        if (*out[i] < 0.0) {
            snprintf(err, errlen, "%s:%ld: column '%s': %g is negative", t->name, t->lines[row],
                     t->header[cols[i]], *out[i]);
            return -1;
        }
    }
    return 0;
}

/* A value no measurement gives: a time, size or working set of 0 (every kernel does some work,
 * and takes some time doing it). */
static int above_zero(const struct csv_table *t, size_t row, int col, double v, char *err,
                      size_t errlen) {
    if (!(v == 0.0))
        return 0;
    snprintf(err, errlen, "%s:%ld: column '%s': 0 is not possible (no measurement gives it)",
             t->name, t->lines[row], t->header[col]);
    return -1;
}

/* More than this many times the threads (all ranks' together) is not a speedup caches can
 * explain: the file was damaged or edited. */
#define SPEEDUP_BEYOND_THREADS 16.0

/* A speedup that is not believable is warned about and read as not measured, with what is
 * derived from it, so no fit or plot rests on it. -1 when out of memory. */
static int believable_speedup(struct report_data *d, const struct csv_table *t, size_t row, int col,
                              struct report_point *p) {
    double threads = (double)p->total_threads * p->ranks;
    if (isnan(p->speedup) || (p->speedup > 0.0 && p->speedup <= SPEEDUP_BEYOND_THREADS * threads))
        return 0;
    p->speedup = p->speedup_low = p->speedup_high = p->efficiency = NAN;
    return report_warn(d,
                       "%s:%ld: column '%s': '%.40s' at %.0f threads is not a believable speedup "
                       "(at most %g times the threads): read as not measured",
                       t->name, t->lines[row], t->header[col], csv_cell(t, row, col), threads,
                       SPEEDUP_BEYOND_THREADS);
}

static int read_point(struct report_data *d, size_t fi, size_t row, const int *c, char *err,
                      size_t errlen) {
    struct report_file *f = &d->files[fi];
    const struct csv_table *t = &f->csv;
    struct report_point p = {.file = fi};
    long long threads, total = 0, ranks = 1;
    if (csv_cell_integer(t, row, c[COL_SWEEP_THREADS], 1, SCHEMA_MAX_THREADS, &threads, err,
                         errlen))
        return -1;
    if (c[COL_SWEEP_RANKS] >= 0 && csv_cell(t, row, c[COL_SWEEP_RANKS])[0] &&
        csv_cell_integer(t, row, c[COL_SWEEP_RANKS], 1, 100000000, &ranks, err, errlen))
        return -1;
    if (c[COL_SWEEP_TOTAL_THREADS] >= 0 && csv_cell(t, row, c[COL_SWEEP_TOTAL_THREADS])[0] &&
        csv_cell_integer(t, row, c[COL_SWEEP_TOTAL_THREADS], 1, 1000000000, &total, err, errlen))
        return -1;
    const int cols[] = {c[COL_SWEEP_SIZE],
                        c[COL_SWEEP_WORKING_SET_BYTES],
                        c[COL_SWEEP_MEDIAN_S],
                        c[COL_SWEEP_CHUNK_ITEMS],
                        c[COL_SWEEP_CHUNK_BYTES],
                        c[COL_SWEEP_SD_S],
                        c[COL_SWEEP_CV],
                        c[COL_SWEEP_ITEMS_PER_S],
                        c[COL_SWEEP_GBYTES_PER_S],
                        c[COL_SWEEP_GFLOPS],
                        c[COL_SWEEP_SPEEDUP],
                        c[COL_SWEEP_EFFICIENCY],
                        c[COL_SWEEP_FLOPS_PER_BYTE],
                        c[COL_SWEEP_MEDIAN_CI_LOW_S],
                        c[COL_SWEEP_MEDIAN_CI_HIGH_S],
                        c[COL_SWEEP_SPEEDUP_LOW],
                        c[COL_SWEEP_SPEEDUP_HIGH],
                        c[COL_SWEEP_RATIO_BEST],
                        c[COL_SWEEP_RATIO_BEST_LOW],
                        c[COL_SWEEP_RATIO_BEST_HIGH]};
    double *const out[] = {&p.size,
                           &p.working_set_bytes,
                           &p.median_s,
                           &p.chunk_items,
                           &p.chunk_bytes,
                           &p.sd_s,
                           &p.cv,
                           &p.items_per_s,
                           &p.gbytes_per_s,
                           &p.gflops,
                           &p.speedup,
                           &p.efficiency,
                           &p.flops_per_byte,
                           &p.ci_low_s,
                           &p.ci_high_s,
                           &p.speedup_low,
                           &p.speedup_high,
                           &p.ratio_best,
                           &p.ratio_best_low,
                           &p.ratio_best_high};
    if (numbers(t, row, cols, out, sizeof cols / sizeof cols[0], err, errlen) ||
        yes_no(t, row, c[COL_SWEEP_OVERSUBSCRIBED], &p.oversubscribed, err, errlen) ||
        yes_no(t, row, c[COL_SWEEP_UNSTABLE], &p.unstable, err, errlen) ||
        above_zero(t, row, c[COL_SWEEP_SIZE], p.size, err, errlen) ||
        above_zero(t, row, c[COL_SWEEP_WORKING_SET_BYTES], p.working_set_bytes, err, errlen) ||
        above_zero(t, row, c[COL_SWEEP_MEDIAN_S], p.median_s, err, errlen))
        return -1;
    p.threads = (int)threads;
    p.ranks = (int)ranks;
    p.total_threads = total ? (int)total : p.threads;
    if (believable_speedup(d, t, row, c[COL_SWEEP_SPEEDUP], &p)) {
        snprintf(err, errlen, "%s: out of memory", t->name);
        return -1;
    }
    p.kernel = csv_cell(t, row, c[COL_SWEEP_KERNEL]);
    p.variant = csv_cell(t, row, c[COL_SWEEP_VARIANT]);
    p.schedule = csv_cell(t, row, c[COL_SWEEP_SCHEDULE]);
    p.chunk = csv_cell(t, row, c[COL_SWEEP_CHUNK]);
    p.params = csv_cell(t, row, c[COL_SWEEP_PARAMS]);
    p.study = csv_cell(t, row, c[COL_SWEEP_STUDY]);
    if (!p.study[0])
        p.study = f->json.study[0] ? f->json.study : "run";
    if (p.threads > f->max_threads)
        f->max_threads = p.threads;
    if (p.total_threads > f->max_total_threads)
        f->max_total_threads = p.total_threads;
    f->oversubscribed |= p.oversubscribed;
    if (report_grow((void **)&d->points, d->npoints, sizeof p))
        return -1;
    d->points[d->npoints++] = p;
    return 0;
}

static int read_points(struct report_data *d, size_t fi, char *err, size_t errlen) {
    int c[COL_SWEEP_COLUMNS];
    static const int required[] = {
        COL_SWEEP_KERNEL,   COL_SWEEP_VARIANT,        COL_SWEEP_THREADS,
        COL_SWEEP_SCHEDULE, COL_SWEEP_SIZE,           COL_SWEEP_WORKING_SET_BYTES,
        COL_SWEEP_MEDIAN_S, COL_SWEEP_OVERSUBSCRIBED, -1};
    if (find_columns(&d->files[fi].csv, schema_sweep_columns, COL_SWEEP_COLUMNS, required, c, err,
                     errlen))
        return -1;
    for (size_t r = 0; r < d->files[fi].csv.nrows; r++)
        if (read_point(d, fi, r, c, err, errlen))
            return -1;
    return 0;
}

static int read_overheads(struct report_data *d, size_t fi, char *err, size_t errlen) {
    int c[COL_OVERHEAD_COLUMNS];
    struct report_file *f = &d->files[fi];
    const struct csv_table *t = &f->csv;
    /* Every column but the run id, which files from before run ids lack. */
    int required[COL_OVERHEAD_COLUMNS];
    for (int i = 0; i < COL_OVERHEAD_RUN_ID; i++)
        required[i] = i;
    required[COL_OVERHEAD_RUN_ID] = -1;
    if (find_columns(t, schema_overhead_columns, COL_OVERHEAD_COLUMNS, required, c, err, errlen))
        return -1;
    for (size_t r = 0; r < t->nrows; r++) {
        struct report_overhead o = {.file = fi};
        long long threads;
        /* An overhead may come out negative within its noise: only the times must not. */
        const int times[] = {c[COL_OVERHEAD_TEST_US], c[COL_OVERHEAD_REF_US],
                             c[COL_OVERHEAD_SAMPLES]};
        double *const out[] = {&o.test_us, &o.ref_us, &o.samples};
        if (csv_cell_integer(t, r, c[COL_OVERHEAD_THREADS], 1, SCHEMA_MAX_THREADS, &threads, err,
                             errlen) ||
            numbers(t, r, times, out, 3, err, errlen) ||
            csv_cell_number(t, r, c[COL_OVERHEAD_OVERHEAD_US], &o.overhead_us, err, errlen) ||
            csv_cell_number(t, r, c[COL_OVERHEAD_CI95_LOW_US], &o.ci_low_us, err, errlen) ||
            csv_cell_number(t, r, c[COL_OVERHEAD_CI95_HIGH_US], &o.ci_high_us, err, errlen) ||
            yes_no(t, r, c[COL_OVERHEAD_OVERSUBSCRIBED], &o.oversubscribed, err, errlen))
            return -1;
        o.threads = (int)threads;
        o.construct = csv_cell(t, r, c[COL_OVERHEAD_CONSTRUCT]);
        o.schedule = csv_cell(t, r, c[COL_OVERHEAD_SCHEDULE]);
        o.chunk = csv_cell(t, r, c[COL_OVERHEAD_CHUNK]);
        if (o.threads > f->max_threads)
            f->max_threads = o.threads;
        f->oversubscribed |= o.oversubscribed;
        if (report_grow((void **)&d->overheads, d->noverheads, sizeof o))
            return -1;
        d->overheads[d->noverheads++] = o;
    }
    return 0;
}

static int breakeven_status_ok(const char *s) {
    return !strcmp(s, "found") || !strcmp(s, "always") || !strcmp(s, "never") ||
           !strcmp(s, "undecided") || !strcmp(s, "serial");
}

static int read_breakevens(struct report_data *d, size_t fi, char *err, size_t errlen) {
    int c[COL_BREAKEVEN_COLUMNS];
    struct report_file *f = &d->files[fi];
    const struct csv_table *t = &f->csv;
    /* Every column but the baseline, which files from before the serial baseline lack. */
    int required[COL_BREAKEVEN_COLUMNS];
    for (int i = 0; i < COL_BREAKEVEN_BASELINE; i++)
        required[i] = i;
    required[COL_BREAKEVEN_BASELINE] = -1;
    if (find_columns(t, schema_breakeven_columns, COL_BREAKEVEN_COLUMNS, required, c, err, errlen))
        return -1;
    for (size_t r = 0; r < t->nrows; r++) {
        struct report_breakeven b = {.file = fi};
        long long threads;
        const int nums[] = {c[COL_BREAKEVEN_SIZE],           c[COL_BREAKEVEN_WORKING_SET_BYTES],
                            c[COL_BREAKEVEN_LOWER_SIZE],     c[COL_BREAKEVEN_UPPER_SIZE],
                            c[COL_BREAKEVEN_TIME_1THREAD_S], c[COL_BREAKEVEN_TIME_NTHREADS_S],
                            c[COL_BREAKEVEN_SPEEDUP],        c[COL_BREAKEVEN_MEASUREMENTS]};
        double *const out[] = {&b.size,       &b.working_set_bytes, &b.lower_size,
                               &b.upper_size, &b.time_1thread_s,    &b.time_nthreads_s,
                               &b.speedup,    &b.measurements};
        if (csv_cell_integer(t, r, c[COL_BREAKEVEN_THREADS], 1, SCHEMA_MAX_THREADS, &threads, err,
                             errlen) ||
            numbers(t, r, nums, out, 8, err, errlen))
            return -1;
        b.threads = (int)threads;
        b.kernel = csv_cell(t, r, c[COL_BREAKEVEN_KERNEL]);
        b.variant = csv_cell(t, r, c[COL_BREAKEVEN_VARIANT]);
        b.status = csv_cell(t, r, c[COL_BREAKEVEN_STATUS]);
        b.baseline = csv_cell(t, r, c[COL_BREAKEVEN_BASELINE]);
        if (!breakeven_status_ok(b.status)) {
            snprintf(err, errlen,
                     "%s:%ld: column 'status': '%.40s' is not found, always, never, undecided "
                     "or serial",
                     t->name, t->lines[r], b.status);
            return -1;
        }
        if (report_grow((void **)&d->breakevens, d->nbreakevens, sizeof b))
            return -1;
        d->breakevens[d->nbreakevens++] = b;
    }
    return 0;
}

int report_rows_read(struct report_data *d, size_t file, char *err, size_t errlen) {
    switch (d->files[file].kind) {
    case REPORT_OVERHEAD:
        return read_overheads(d, file, err, errlen);
    case REPORT_BREAKEVEN:
        return read_breakevens(d, file, err, errlen);
    default:
        return read_points(d, file, err, errlen);
    }
}
