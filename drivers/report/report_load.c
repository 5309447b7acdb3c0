/* report_load: finds the result files in a folder (and one level of sub-folders, where batch
 * arrays leave one folder per task), has their rows decoded (report_rows.c), reads their JSON
 * sidecars and tells apart the machines they ran on. */
#include "report/report.h"

#include "format/schema.h"
#include "report/report_rows.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* The folder the report writes its plots into: never read as results. */
static const char plots_folder[] = "plots";

static int add_line(char ***list, size_t *n, const char *fmt, va_list ap) {
    char *line;
    if (vasprintf(&line, fmt, ap) < 0)
        return -1;
    char **grown = realloc(*list, (*n + 1) * sizeof *grown);
    if (!grown) {
        free(line);
        return -1;
    }
    grown[(*n)++] = line;
    *list = grown;
    return 0;
}

int report_warn(struct report_data *d, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int rc = add_line(&d->warnings, &d->nwarnings, fmt, ap);
    va_end(ap);
    return rc;
}

int report_note(struct report_data *d, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int rc = add_line(&d->notes, &d->nnotes, fmt, ap);
    va_end(ap);
    return rc;
}

const struct report_context *report_context_of(const struct report_data *d, size_t file) {
    return file < d->nfiles && d->files[file].json.ctx.present ? &d->files[file].json.ctx : NULL;
}

static int ends_with(const char *s, const char *suffix) {
    size_t n = strlen(s), m = strlen(suffix);
    return n > m && strcmp(s + n - m, suffix) == 0;
}

/* ---- files ------------------------------------------------------------------------------- */

static const char *expected_schema(enum report_kind kind) {
    switch (kind) {
    case REPORT_OVERHEAD:
        return SCHEMA_OVERHEAD;
    case REPORT_BREAKEVEN:
        return SCHEMA_BREAKEVEN;
    case REPORT_CEILINGS:
        return SCHEMA_CEILINGS;
    default:
        return SCHEMA_RUN;
    }
}

/* x.csv -> x.json */
static void sidecar_path(const char *csv, char *out, size_t len) {
    snprintf(out, len, "%.*s.json", (int)(strlen(csv) - 4), csv);
}

static int file_exists(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* The sidecar of a CSV. One that does not parse or has another schema is set aside with a
 * warning: the CSV holds every point, the context only adds the header and the knees. */
static int read_sidecar(struct report_data *d, struct report_file *f) {
    char path[4096 + 8], name[512 + 8], why[1024];
    sidecar_path(f->path, path, sizeof path);
    sidecar_path(f->name, name, sizeof name);
    if (!file_exists(path))
        return 0;
    if (report_json_read(path, name, &f->json, why, sizeof why)) {
        memset(&f->json, 0, sizeof f->json);
        return report_warn(d,
                           "`%s` does not parse (%s): `%s` is reported without its context "
                           "(host, caches, core-to-core latency)",
                           name, why, f->name);
    }
    const char *want = expected_schema(f->kind);
    /* Files of the previous schemas have the keys the report reads. */
    int older = (f->kind == REPORT_POINTS && strcmp(f->json.schema, SCHEMA_RUN_1) == 0) ||
                (f->kind == REPORT_BREAKEVEN && strcmp(f->json.schema, SCHEMA_BREAKEVEN_1) == 0);
    if (strcmp(f->json.schema, want) != 0 && !older) {
        char schema[64];
        snprintf(schema, sizeof schema, "%s", f->json.schema[0] ? f->json.schema : "(none)");
        report_sidecar_free(&f->json);
        memset(&f->json, 0, sizeof f->json);
        return report_warn(d, "`%s` has schema '%s', not '%s': `%s` is reported without it", name,
                           schema, want, f->name);
    }
    if (f->json.problems[0])
        return report_warn(d, "%s (not used for `%s`)", f->json.problems, f->name);
    return 0;
}

/* ---- whether a CSV is whole and its JSON is of the same run -------------------------------- */

/* A file that ends inside its header, before any row: ompsweep ends every line, so a header
 * without its line end is a file cut short (a full disk, a copy stopped), whatever its
 * columns; one whose first column begins like a result's is refused rather than skipped. */
static int cut_in_header(const struct csv_table *t) {
    const char *first = t->header[0];
    size_t n = strlen(first);
    return t->unterminated && t->nrows == 0 && n > 0 &&
           (strncmp(first, schema_sweep_columns[0], n) == 0 ||
            strncmp(first, schema_overhead_columns[0], n) == 0 ||
            strncmp(first, schema_breakeven_columns[0], n) == 0);
}

/* The run id every row of a CSV holds ("" without the column); -1 with the message when two
 * rows differ (two runs' rows in one file). */
static int csv_run_id(const struct csv_table *t, const char **id, char *err, size_t errlen) {
    int col = csv_column(t, SCHEMA_RUN_ID);
    *id = t->nrows > 0 ? csv_cell(t, 0, col) : "";
    for (size_t r = 1; r < t->nrows; r++)
        if (strcmp(csv_cell(t, r, col), *id) != 0) {
            snprintf(err, errlen,
                     "%s:%ld: column '%s': '%.40s' is not the first row's '%.40s': the file "
                     "holds rows of two runs",
                     t->name, t->lines[r], SCHEMA_RUN_ID, csv_cell(t, r, col), *id);
            return -1;
        }
    return 0;
}

/* A CSV and its JSON must be one run's: the same run id (files from before run ids have none
 * and are only noted: *unchecked), and as many points in the CSV as the JSON lists. */
static int check_pair(const struct report_file *f, int *unchecked, char *err, size_t errlen) {
    const char *csv_id;
    char json[512 + 8];
    if (csv_run_id(&f->csv, &csv_id, err, errlen))
        return -1;
    if (!f->json.schema[0])
        return 0; /* no sidecar, or one set aside with a warning */
    sidecar_path(f->name, json, sizeof json);
    const char *json_id = f->json.ctx.run_id;
    if (!f->json.ctx.present || (!csv_id[0] && !json_id[0])) {
        *unchecked = 1;
    } else if (strcmp(csv_id, json_id) != 0) {
        snprintf(err, errlen,
                 "%s and %s were written by two runs (run id '%.40s' and '%.40s'; two runs "
                 "writing the same files at once?): run again, or give each run its own names",
                 f->name, json, csv_id[0] ? csv_id : "none", json_id[0] ? json_id : "none");
        return -1;
    }
    if (f->json.npoints >= 0 && (size_t)f->json.npoints != f->csv.nrows) {
        long last = f->csv.nrows ? f->csv.lines[f->csv.nrows - 1] : 1;
        snprintf(err, errlen,
                 "%s:%ld: the file ends after %zu points, but %s lists %ld: the CSV is "
                 "incomplete (cut short?)",
                 f->name, last, f->csv.nrows, json, f->json.npoints);
        return -1;
    }
    return 0;
}

static int add_file(struct report_data *d, const char *path, const char *name) {
    if (report_grow((void **)&d->files, d->nfiles, sizeof *d->files))
        return -1;
    struct report_file *f = &d->files[d->nfiles++];
    memset(f, 0, sizeof *f);
    snprintf(f->path, sizeof f->path, "%s", path);
    snprintf(f->name, sizeof f->name, "%s", name);
    return 0;
}

static int load_csv(struct report_data *d, const char *path, const char *name, char *err,
                    size_t errlen) {
    if (add_file(d, path, name))
        goto oom;
    size_t fi = d->nfiles - 1;
    struct report_file *f = &d->files[fi];
    if (csv_read_file(path, &f->csv, err, errlen))
        return -1;
    snprintf(f->csv.name, sizeof f->csv.name, "%s", name);
    if (cut_in_header(&f->csv)) {
        snprintf(err, errlen,
                 "%s:1: the header stops at '%.40s' with no line end and no rows: the file "
                 "was cut short",
                 name, f->csv.header[f->csv.ncols - 1]);
        return -1;
    }
    int kind = report_rows_kind(&f->csv);
    if (kind < 0) {
        char first[64];
        snprintf(first, sizeof first, "%s", f->csv.header[0]);
        csv_free(&f->csv);
        d->nfiles--;
        if (report_note(d, "Not used: `%s`: not an ompsweep result (its first column is '%s')",
                        name, first))
            goto oom;
        return 0;
    }
    f->kind = (enum report_kind)kind;
    if (read_sidecar(d, f))
        goto oom;
    f = &d->files[fi];
    int unchecked = 0;
    if (check_pair(f, &unchecked, err, errlen))
        return -1;
    if (unchecked && d->unchecked_pairs++ == 0)
        snprintf(d->unchecked_name, sizeof d->unchecked_name, "%s", name);
    if (f->csv.unterminated && f->csv.nrows > 0 &&
        report_warn(d,
                    "%s:%ld: the last line has no line end, as if the file was cut short "
                    "(ompsweep ends every line): its last row is used as it is",
                    name, f->csv.lines[f->csv.nrows - 1]))
        goto oom;
    return report_rows_read(d, fi, err, errlen);
oom:
    snprintf(err, errlen, "%s: out of memory", name);
    return -1;
}

/* A JSON file with no CSV beside it: a ceilings file is a result of its own. */
static int load_json(struct report_data *d, const char *path, const char *name) {
    char csv[4096 + 8];
    snprintf(csv, sizeof csv, "%.*s.csv", (int)(strlen(path) - 5), path);
    if (file_exists(csv))
        return 0; /* a sidecar, read with its CSV */
    struct report_sidecar s;
    char why[1024];
    if (report_json_read(path, name, &s, why, sizeof why))
        return report_warn(d, "`%s` does not parse (%s): skipped", name, why);
    if (s.problems[0] && report_warn(d, "%s (not used)", s.problems)) {
        report_sidecar_free(&s);
        return -1;
    }
    if (strcmp(s.schema, SCHEMA_CEILINGS) != 0) {
        report_sidecar_free(&s);
        return report_note(d, "Not used: `%s`: %s", name,
                           strncmp(s.schema, "ompsweep-", 9) == 0
                               ? "no CSV beside it (the report reads points from CSV files)"
                               : "not an ompsweep result");
    }
    if (!s.ceilings.present) {
        report_sidecar_free(&s);
        return report_warn(d, "`%s`: its ceilings are incomplete (peak, triad and read needed)",
                           name);
    }
    if (add_file(d, path, name)) {
        report_sidecar_free(&s);
        return -1;
    }
    struct report_file *f = &d->files[d->nfiles - 1];
    f->kind = REPORT_CEILINGS;
    f->json = s;
    return 0;
}

/* A ceilings file of its own beats the copy inside a run's JSON; the first of each wins. */
static void pick_ceilings(struct report_data *d) {
    for (int standalone = 1; standalone >= 0; standalone--)
        for (size_t i = 0; i < d->nfiles; i++)
            if ((d->files[i].kind == REPORT_CEILINGS) == standalone &&
                d->files[i].json.ceilings.present) {
                d->ceilings = d->files[i].json.ceilings;
                return;
            }
}

/* ---- machines ---------------------------------------------------------------------------- */

static int same_hardware(const struct report_context *a, const struct report_context *b) {
    if (strcmp(a->cpu_model, b->cpu_model) || a->cores != b->cores ||
        a->logical_cpus != b->logical_cpus || a->ncaches != b->ncaches)
        return 0;
    for (int i = 0; i < a->ncaches; i++) {
        const struct report_cache *x = &a->caches[i], *y = &b->caches[i];
        if (x->level != y->level || strcmp(x->type, y->type) || x->size_bytes != y->size_bytes ||
            x->shared_by_cpus != y->shared_by_cpus || x->instances != y->instances)
            return 0;
    }
    return 1;
}

/* The hosts of the files in group g (rep[i] == g), each once, in file order. */
static size_t group_hosts(const struct report_data *d, const size_t *rep, size_t g,
                          const char **hosts) {
    size_t n = 0;
    for (size_t i = g; i < d->nfiles; i++) {
        if (rep[i] != g)
            continue;
        const char *h = d->files[i].json.ctx.host;
        size_t k = 0;
        while (k < n && strcmp(hosts[k], h) != 0)
            k++;
        if (k == n)
            hosts[n++] = h;
    }
    return n;
}

/* "a, b and c" (the first few of many, then how many more) */
static void list_hosts(const char *const *hosts, size_t n, char *buf, size_t len) {
    enum { SHOWN = 8 };
    size_t used = 0, shown = n > SHOWN ? SHOWN : n;
    buf[0] = '\0';
    for (size_t k = 0; k < shown && used < len; k++) {
        const char *sep = k == 0 ? "" : k + 1 == n ? " and " : ", ";
        used += (size_t)snprintf(buf + used, len - used, "%s%s", sep, hosts[k]);
    }
    if (n > shown && used < len)
        snprintf(buf + used, len - used, " and %zu more", n - shown);
}

/* Names the machine of each file's points. The tasks of a job array land on several nodes of
 * a partition, each measuring some of the thread counts: hosts with the same CPU, cores and
 * caches (the node's own, whatever share of it the job was allowed) are one machine, so the
 * counts make one sweep. Files without context share the machine "". */
static int group_machines(struct report_data *d) {
    size_t *rep = malloc((d->nfiles ? d->nfiles : 1) * sizeof *rep);
    const char **hosts = malloc((d->nfiles ? d->nfiles : 1) * sizeof *hosts);
    int rc = rep && hosts ? 0 : -1;
    for (size_t i = 0; !rc && i < d->nfiles; i++) {
        const struct report_context *c = report_context_of(d, i);
        rep[i] = c ? i : SIZE_MAX;
        for (size_t j = 0; c && j < i; j++)
            if (rep[j] == j && same_hardware(&d->files[j].json.ctx, c)) {
                rep[i] = j;
                break;
            }
    }
    for (size_t g = 0; !rc && g < d->nfiles; g++) {
        if (rep[g] != g)
            continue;
        size_t n = group_hosts(d, rep, g, hosts);
        char label[sizeof d->files[g].machine];
        if (n == 1)
            snprintf(label, sizeof label, "%s", hosts[0]);
        else
            snprintf(label, sizeof label, "%.120s +%zu", hosts[0], n - 1);
        for (size_t i = g; i < d->nfiles; i++)
            if (rep[i] == g)
                memcpy(d->files[i].machine, label, sizeof label);
        if (n > 1) {
            char names[1200];
            list_hosts(hosts, n, names, sizeof names);
            rc = report_warn(d,
                             "%s have the same CPU, cores and caches: their points are taken "
                             "as one machine, `%s` (a job array's tasks on several nodes)",
                             names, label);
        }
    }
    free(rep);
    free(hosts);
    return rc;
}

static int is_hidden_or_temporary(const char *name) {
    return name[0] == '.' || strstr(name, ".tmp.") != NULL;
}

/* Reads the results in folder (whose name relative to the report's folder is prefix, "" at
 * the top), descending one level when depth is 0. Files are taken in name order, so the
 * report is the same whatever order the file system lists them in. */
static int scan(struct report_data *d, const char *folder, const char *prefix, int depth, char *err,
                size_t errlen) {
    struct dirent **list;
    int n = scandir(folder, &list, NULL, alphasort);
    if (n < 0) {
        snprintf(err, errlen, "%s: %s", folder, strerror(errno));
        return -1;
    }
    int rc = 0;
    for (int i = 0; i < n; i++) {
        const char *e = list[i]->d_name;
        char path[4096], name[512];
        snprintf(path, sizeof path, "%s/%s", folder, e);
        snprintf(name, sizeof name, "%s%s", prefix, e);
        struct stat st;
        if (rc || is_hidden_or_temporary(e) || stat(path, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode) && depth == 0 && strcmp(e, plots_folder) != 0) {
            char sub[520];
            snprintf(sub, sizeof sub, "%s/", name);
            rc = scan(d, path, sub, 1, err, errlen);
        } else if (S_ISREG(st.st_mode) && ends_with(e, ".csv")) {
            rc = load_csv(d, path, name, err, errlen);
        } else if (S_ISREG(st.st_mode) && ends_with(e, ".json") && load_json(d, path, name)) {
            snprintf(err, errlen, "%s: out of memory", name);
            rc = -1;
        }
    }
    for (int i = 0; i < n; i++)
        free(list[i]);
    free(list);
    return rc;
}

int report_load(const char *dir, struct report_data *d, char *err, size_t errlen) {
    memset(d, 0, sizeof *d);
    snprintf(d->dir, sizeof d->dir, "%s", dir);
    struct stat st;
    if (stat(dir, &st) != 0) {
        snprintf(err, errlen, "%s: %s", dir, strerror(errno));
        return REPORT_NO_FOLDER;
    }
    if (!S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "'%s' is not a folder", dir);
        return REPORT_NO_FOLDER;
    }
    if (scan(d, dir, "", 0, err, errlen)) {
        report_data_free(d);
        return REPORT_BAD_DATA;
    }
    if (d->nfiles == 0) {
        snprintf(err, errlen,
                 "%s: no ompsweep result files (point, overhead or break-even CSVs, ceilings "
                 "JSON) here or in its sub-folders",
                 dir);
        report_data_free(d);
        return REPORT_BAD_DATA;
    }
    if (group_machines(d)) {
        snprintf(err, errlen, "%s: out of memory", dir);
        report_data_free(d);
        return REPORT_BAD_DATA;
    }
    pick_ceilings(d);
    if (d->unchecked_pairs &&
        report_note(d,
                    "`%s`%s and %s JSON carry no run id (files written before run ids, or a "
                    "JSON without its context): whether %s the same run's could not be checked",
                    d->unchecked_name, d->unchecked_pairs > 1 ? " and other CSVs" : "",
                    d->unchecked_pairs > 1 ? "their" : "its",
                    d->unchecked_pairs > 1 ? "each pair is" : "they are")) {
        snprintf(err, errlen, "%s: out of memory", dir);
        report_data_free(d);
        return REPORT_BAD_DATA;
    }
    return 0;
}

void report_data_free(struct report_data *d) {
    for (size_t i = 0; i < d->nfiles; i++) {
        csv_free(&d->files[i].csv);
        report_sidecar_free(&d->files[i].json);
    }
    for (size_t i = 0; i < d->nwarnings; i++)
        free(d->warnings[i]);
    for (size_t i = 0; i < d->nnotes; i++)
        free(d->notes[i]);
    free(d->files);
    free(d->points);
    free(d->overheads);
    free(d->breakevens);
    free(d->warnings);
    free(d->notes);
    memset(d, 0, sizeof *d);
}
