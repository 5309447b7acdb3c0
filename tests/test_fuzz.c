/* Fuzzing within a time budget, from a fixed seed, so a failure can be replayed:
 *
 * readers: result files the binary wrote (a point CSV and JSON pair, an overhead pair) and a
 *   ceilings JSON, mutated (bit flips, cuts, inserted bytes, repeated or swapped lines, huge
 *   and odd numbers, NUL bytes, invalid UTF-8, deep nesting, long fields) and fed in-process to
 *   the CSV reader and the ceilings reader (in memory), then as files to those, the JSON
 *   sidecar reader and the report's loader. Any return is fine; a crash or a sanitizer report
 *   (under `make asan`) fails the test.
 *
 * command line: argument lists for every command, its options read from its --help, with
 *   hostile values (empty, negative, NaN, huge, odd list separators, unknown %-codes, very
 *   long names, invalid UTF-8, outputs named alike), each run of the binary in a fresh folder
 *   with a time limit. The run must exit 0, 1 or 2, never die of a signal, print no sanitizer
 *   report and leave no temporary file. A run that reaches the time limit is killed and judged
 *   only by what it printed; the values of the options that set how long a measurement lasts
 *   are kept tiny or invalid, so that is rare.
 *
 * OMPSWEEP_FUZZ_SEED (a number) and OMPSWEEP_FUZZ_SECONDS (the budget of each test) override the
 * defaults; OMPSWEEP_FUZZ_CASE=N runs case N alone; OMPSWEEP_FUZZ_VERBOSE prints a line per
 * command line. A failure prints the seed, the case number and the argument list; a reader
 * case that crashes leaves its number and files in the test's folder.
 */
#include "cli_support.h"
#include "machine/context.h"
#include "output/ceilings_file.h"
#include "report/csvread.h"
#include "report/report.h"
#include "tradb_support.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_SEED   20261203u
#define READER_SECONDS 4.0
#define CLI_SECONDS    16.0
/* One run of the binary: past its limit it is killed and not judged. A valid `ceilings`
 * measures for seconds whatever its options, so it gets less. */
#define RUN_LIMIT_SECONDS      6.0
#define CEILINGS_LIMIT_SECONDS 1.5
#define MAX_FAILURES           10 /* reported before a test stops looking */
#define MEMORY_VARIANTS        8  /* in-memory reads of each file per case, before the folder's */
/* Criterion's limit on a test: far above the budget (OMPSWEEP_FUZZ_SECONDS must stay below it);
 * a reader case that loops is stopped by its own alarm first. */
#define TEST_TIMEOUT      1800
#define READER_CASE_ALARM 60 /* seconds */

static char test_dir[] = "/tmp/ompsweep-fuzz-XXXXXX";
static char in_dir[600]; /* the fixtures: never written by a case */
static char binary[PATH_MAX];

/* ---- the generator ------------------------------------------------------------------------ */

/* splitmix64: every case draws from its own stream, a function of (seed, case). */
struct rng {
    uint64_t s;
};

static uint64_t next(struct rng *r) {
    uint64_t z = (r->s += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

static size_t below(struct rng *r, size_t n) {
    return n ? (size_t)(next(r) % n) : 0;
}

static int chance(struct rng *r, int percent) {
    return (int)below(r, 100) < percent;
}

static struct rng case_rng(uint64_t seed, unsigned long c) {
    struct rng r = {seed ^ (UINT64_C(0xd1b54a32d192ed03) * (c + 1))};
    next(&r);
    return r;
}

static uint64_t fuzz_seed(void) {
    const char *s = getenv("OMPSWEEP_FUZZ_SEED");
    return s && *s ? strtoull(s, NULL, 0) : DEFAULT_SEED;
}

static double fuzz_seconds(double fallback) {
    const char *s = getenv("OMPSWEEP_FUZZ_SECONDS");
    double v = s && *s ? strtod(s, NULL) : fallback;
    return v > 0 ? v : fallback;
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* ---- files -------------------------------------------------------------------------------- */

struct text {
    char *p;
    size_t n;
};

static struct text slurp(const char *path) {
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "%s: %s", path, strerror(errno));
    struct text t = {NULL, 0};
    size_t cap = 0;
    for (;;) {
        if (t.n + 4096 > cap) {
            cap = 2 * cap + 4096;
            t.p = realloc(t.p, cap + 1);
            cr_assert_not_null(t.p);
        }
        size_t got = fread(t.p + t.n, 1, cap - t.n, f);
        t.n += got;
        if (got == 0)
            break;
    }
    fclose(f);
    t.p[t.n] = '\0';
    return t;
}

static void spit(const char *path, const char *p, size_t n) {
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f, "%s: %s", path, strerror(errno));
    cr_assert_eq(fwrite(p, 1, n, f), n, "%s", path);
    cr_assert_eq(fclose(f), 0, "%s", path);
}

static void make_dir(const char *path) {
    cr_assert(mkdir(path, 0777) == 0 || errno == EEXIST, "%s: %s", path, strerror(errno));
}

/* ---- fixtures ----------------------------------------------------------------------------- */

/* The results the readers read and the commands take (in_dir): the binary's own point and
 * overhead pairs, a ceilings file as `ompsweep ceilings --json` writes it, a tradb file, a WAV,
 * a cut WAV and odd files. */
static const char *const result_names[] = {"r.csv", "r.json", "o.csv", "o.json", "c.json"};
#define NRESULTS (sizeof result_names / sizeof result_names[0])

static void run_or_fail(const char *args) {
    static char out[1 << 16];
    int rc = run_ompsweep(args, out, sizeof out);
    cr_assert_eq(rc, 0, "ompsweep %s: exit %d\n%s", args, rc, out);
}

static void write_ceilings(const char *path) {
    static const struct ceilings sample = {
        .peak_gflops = {151.25, 2, 76.5, "omp"},
        .triad_gbytes_per_s = {38.125, 2, 21.0, "omp_nt"},
        .read_gbytes_per_s = {44.5, 1, 44.5, "omp_2s"},
        .stream_elements = 8388608,
        .measured = "2026-11-21T08:00:00Z",
        .host = "fuzz",
    };
    static struct context ctx; /* large */
    char *argv[] = {"ompsweep", "ceilings", NULL};
    cr_assert_eq(context_collect(&ctx, 2, argv), 0);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "%s", path);
    ceilings_file_write(f, &sample, &ctx);
    cr_assert_eq(ferror(f), 0);
    cr_assert_eq(fclose(f), 0);
}

static void write_tradb(const char *path) {
    static int16_t x[3][600];
    struct tradb_support_record r[3];
    for (int i = 0; i < 3; i++) {
        for (int k = 0; k < 600; k++)
            x[i][k] = (int16_t)(k < 100 ? 0 : (3000 - 5 * (k - 100)) * ((k % 7) - 3));
        r[i] = (struct tradb_support_record){.trai = i + 1,
                                             .time_ticks = 1000 * i + 1,
                                             .chan = 1 + i,
                                             .pretrigger = 100,
                                             .thr = 20,
                                             .sample_rate = 1000000,
                                             .data = x[i],
                                             .samples = 600,
                                             .adc_uv = 1.5,
                                             .tr_mv = 0.003};
    }
    cr_assert_eq(tradb_support_write(path, r, 3, TRADB_RAW), 0, "%s", path);
}

static void write_wav(const char *path, long frames) {
    SF_INFO info = {.samplerate = 8000, .channels = 1, .format = SF_FORMAT_WAV | SF_FORMAT_PCM_16};
    SNDFILE *sf = sf_open(path, SFM_WRITE, &info);
    cr_assert_not_null(sf, "%s: %s", path, sf_strerror(NULL));
    static short v[4000];
    for (long i = 0; i < frames && i < 4000; i++)
        v[i] = (short)((i * 37) % 2000 - 1000);
    cr_assert_eq(sf_writef_short(sf, v, frames), frames);
    cr_assert_eq(sf_close(sf), 0);
}

static void in_path(char *buf, size_t len, const char *name) {
    snprintf(buf, len, "%s/%s", in_dir, name);
}

static void make_fixtures(void) {
    test_dir_make(test_dir);
    snprintf(in_dir, sizeof in_dir, "%s/in", test_dir);
    make_dir(in_dir);
    cr_assert_not_null(realpath(OMPSWEEP_BIN, binary), "%s: %s", OMPSWEEP_BIN, strerror(errno));
    char path[700], args[3000];
    in_path(path, sizeof path, "c.json");
    write_ceilings(path);
    snprintf(args, sizeof args,
             "run dot --size 1k,2k --threads 1,2 --variant ref,omp --samples 2 --min-time 0.0001 "
             "--max-time 0.05 --ceilings %s/c.json --csv %s/r.csv --json %s/r.json --quiet",
             in_dir, in_dir, in_dir);
    run_or_fail(args);
    snprintf(args, sizeof args,
             "overhead --threads 1,2 --construct parallel,for --samples 2 --reps 1 --iters 16 "
             "--csv %s/o.csv --json %s/o.json --quiet",
             in_dir, in_dir);
    run_or_fail(args);
    in_path(path, sizeof path, "a.tradb");
    write_tradb(path);
    in_path(path, sizeof path, "a.wav");
    write_wav(path, 4000);
    in_path(path, sizeof path, "cut.wav");
    write_wav(path, 4000);
    cr_assert_eq(truncate(path, 3000), 0);
    in_path(path, sizeof path, "empty");
    spit(path, "", 0);
    in_path(path, sizeof path, "text.txt");
    spit(path, "not a result\n", 13);
    in_path(path, sizeof path, "res");
    make_dir(path);
    for (size_t i = 0; i < NRESULTS; i++) {
        char from[700], to[700];
        in_path(from, sizeof from, result_names[i]);
        snprintf(to, sizeof to, "%s/res/%s", in_dir, result_names[i]);
        struct text t = slurp(from);
        spit(to, t.p, t.n);
        free(t.p);
    }
}

static void remove_fixtures(void) {
    test_dir_remove(test_dir);
}

TestSuite(fuzz, .init = make_fixtures, .fini = remove_fixtures);

/* ---- mutations ---------------------------------------------------------------------------- */

static const char *const odd_numbers[] = {"1e308",
                                          "-1e308",
                                          "1e309",
                                          "nan",
                                          "-nan",
                                          "inf",
                                          "-inf",
                                          "-0",
                                          "4.9e-324",
                                          "1e-400",
                                          "99999999999999999999999999",
                                          "-9223372036854775809",
                                          "18446744073709551616",
                                          "0x1p1023",
                                          "1000000",
                                          "0",
                                          "-1",
                                          "2147483648",
                                          "1e",
                                          ".",
                                          "+",
                                          "1..2",
                                          "0000000000000000000001"};

static const char *const odd_bytes[] = {"\xc3\x28",
                                        "\xe2\x28\xa1",
                                        "\xf0\x90\x28\xbc",
                                        "\xef\xbb\xbf",
                                        "\xed\xa0\x80",
                                        "\xf4\x90\x80\x80",
                                        "\xc0\xaf",
                                        "\xff",
                                        "\"",
                                        ",",
                                        "\n",
                                        "\r",
                                        "\r\n",
                                        "{",
                                        "}",
                                        "[",
                                        "]",
                                        ":",
                                        "\\",
                                        "\\u0000",
                                        "\"\"",
                                        "\t",
                                        "%s%n%x",
                                        "null"};

/* A growing buffer being mutated. */
struct buf {
    char *p;
    size_t n, cap;
};

static void reserve(struct buf *b, size_t extra) {
    if (b->n + extra + 1 <= b->cap)
        return;
    b->cap = 2 * (b->n + extra) + 64;
    b->p = realloc(b->p, b->cap);
    cr_assert_not_null(b->p);
}

static void insert(struct buf *b, size_t at, const char *s, size_t len) {
    reserve(b, len);
    memmove(b->p + at + len, b->p + at, b->n - at);
    memcpy(b->p + at, s, len);
    b->n += len;
}

static void erase(struct buf *b, size_t at, size_t len) {
    memmove(b->p + at, b->p + at + len, b->n - at - len);
    b->n -= len;
}

/* Start and length of the line holding byte `at`. */
static void line_at(const struct buf *b, size_t at, size_t *start, size_t *len) {
    size_t s = at, e = at;
    while (s > 0 && b->p[s - 1] != '\n')
        s--;
    while (e < b->n && b->p[e] != '\n')
        e++;
    *start = s;
    *len = e < b->n ? e - s + 1 : e - s;
}

/* The number (digits, sign, point, exponent) at or after `at`, if any. */
static int number_at(const struct buf *b, size_t at, size_t *start, size_t *len) {
    while (at < b->n && !(b->p[at] >= '0' && b->p[at] <= '9'))
        at++;
    if (at == b->n)
        return 0;
    size_t s = at, e = at;
    while (s > 0 && strchr("0123456789.-+eE", b->p[s - 1]))
        s--;
    while (e < b->n && strchr("0123456789.-+eE", b->p[e]))
        e++;
    *start = s;
    *len = e - s;
    return 1;
}

/* One mutation of b, drawn from r. */
static void mutate_once(struct buf *b, struct rng *r) {
    size_t at = below(r, b->n + 1), start, len;
    switch (below(r, 15)) { /* odd numbers 4 times in 15: the readers are mostly numbers */
    case 0:                 /* a flipped bit */
        if (b->n)
            b->p[below(r, b->n)] ^= (char)(1u << below(r, 8));
        return;
    case 1: /* cut anywhere */
        b->n = at;
        return;
    case 2: { /* random bytes inserted */
        char bytes[16];
        size_t k = 1 + below(r, sizeof bytes);
        for (size_t i = 0; i < k && i < sizeof bytes; i++)
            bytes[i] = (char)next(r);
        insert(b, at, bytes, k);
        return;
    }
    case 3: { /* a line repeated */
        if (!b->n)
            return;
        line_at(b, below(r, b->n), &start, &len);
        char *line = malloc(len + 1);
        cr_assert_not_null(line);
        memcpy(line, b->p + start, len);
        for (size_t k = 1 + below(r, 3); k > 0; k--)
            insert(b, start, line, len);
        free(line);
        return;
    }
    case 4: /* a number replaced by a huge, tiny or malformed one */
    case 12:
    case 13:
    case 14:
        if (!number_at(b, at, &start, &len))
            return;
        erase(b, start, len);
        {
            const char *s = odd_numbers[below(r, sizeof odd_numbers / sizeof *odd_numbers)];
            insert(b, start, s, strlen(s));
        }
        return;
    case 5: /* a NUL byte */
        insert(b, at, "", 1);
        return;
    case 6: { /* invalid UTF-8, a byte-order mark, a separator, a quote */
        const char *s = odd_bytes[below(r, sizeof odd_bytes / sizeof *odd_bytes)];
        insert(b, at, s, strlen(s));
        return;
    }
    case 7: /* a range deleted */
        if (at < b->n)
            erase(b, at, below(r, b->n - at + 1));
        return;
    case 8: { /* two lines swapped */
        if (!b->n)
            return;
        size_t s1, l1, s2, l2;
        line_at(b, below(r, b->n), &s1, &l1);
        line_at(b, below(r, b->n), &s2, &l2);
        if (s1 == s2)
            return;
        if (s1 > s2) {
            size_t t = s1;
            s1 = s2, s2 = t, t = l1, l1 = l2, l2 = t;
        }
        if (s1 + l1 > s2)
            return;
        char *copy = malloc(l1 + l2 + 1);
        cr_assert_not_null(copy);
        memcpy(copy, b->p + s2, l2);
        memcpy(copy + l2, b->p + s1, l1);
        erase(b, s2, l2);
        insert(b, s2, copy + l2, l1);
        erase(b, s1, l1);
        insert(b, s1, copy, l2);
        free(copy);
        return;
    }
    case 9: { /* deep nesting, closed or not */
        size_t depth = 1 + below(r, 20000);
        char *deep = malloc(2 * depth);
        cr_assert_not_null(deep);
        char open = chance(r, 50) ? '[' : '{';
        memset(deep, open, depth);
        memset(deep + depth, open == '[' ? ']' : '}', depth);
        insert(b, at, deep, chance(r, 50) ? 2 * depth : depth);
        free(deep);
        return;
    }
    case 10: { /* a long field */
        size_t n = 1 + below(r, 200000);
        char *field = malloc(n);
        cr_assert_not_null(field);
        memset(field, chance(r, 50) ? 'a' : '9', n);
        insert(b, at, field, n);
        free(field);
        return;
    }
    default: /* cut in the second half, where the last rows are */
        b->n = b->n / 2 + below(r, b->n / 2 + 1);
        return;
    }
}

/* ---- (a) the readers ---------------------------------------------------------------------- */

static void read_csv_text(const char *text, size_t n) {
    struct csv_table t;
    char err[512];
    if (csv_parse(text, n, "fuzz.csv", &t, err, sizeof err) != 0)
        return;
    for (size_t row = 0; row < t.nrows; row++)
        for (size_t col = 0; col < t.ncols; col++) {
            double v;
            long long k;
            csv_cell_number(&t, row, (int)col, &v, err, sizeof err);
            csv_cell_integer(&t, row, (int)col, -1000000, 1000000, &k, err, sizeof err);
        }
    csv_column(&t, "threads");
    csv_free(&t);
}

/* The in-memory reader of a result file's kind on text[0, n), NUL-terminated. */
static void read_text(const char *name, const char *text, size_t n) {
    char err[1024];
    if (strstr(name, ".csv")) {
        read_csv_text(text, n);
    } else {
        struct ceilings c;
        ceilings_file_parse(text, &c, err, sizeof err);
    }
}

/* The readers of files: each file alone, then the folder as the report loads it. */
static void read_folder(const char *dir) {
    char path[1024], err[1024];
    for (size_t i = 0; i < NRESULTS; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, result_names[i]);
        if (strstr(result_names[i], ".csv")) {
            struct csv_table t;
            if (csv_read_file(path, &t, err, sizeof err) == 0)
                csv_free(&t);
        } else {
            struct ceilings c;
            ceilings_file_load(path, &c, err, sizeof err);
            struct report_sidecar s = {0};
            report_json_read(path, result_names[i], &s, err, sizeof err);
            report_sidecar_free(&s);
        }
    }
    struct report_data d;
    if (report_load(dir, &d, err, sizeof err) == 0)
        report_data_free(&d);
}

/* b = orig, NUL-terminated. */
static void copy_text(struct buf *b, const struct text *orig) {
    b->n = 0;
    reserve(b, orig->n);
    memcpy(b->p, orig->p, orig->n);
    b->n = orig->n;
    b->p[b->n] = '\0';
}

/* b = orig, mutated 1 to 4 times, NUL-terminated. */
static void mutated_copy(struct buf *b, const struct text *orig, struct rng *r) {
    copy_text(b, orig);
    for (size_t k = 1 + below(r, 4); k > 0; k--)
        mutate_once(b, r);
    reserve(b, 0);
    b->p[b->n] = '\0';
}

Test(fuzz, result_readers_survive_mutated_files, .timeout = TEST_TIMEOUT) {
    uint64_t seed = fuzz_seed();
    double budget = fuzz_seconds(READER_SECONDS), t0 = now();
    struct text orig[NRESULTS];
    for (size_t i = 0; i < NRESULTS; i++) {
        char path[700];
        in_path(path, sizeof path, result_names[i]);
        orig[i] = slurp(path);
    }
    char dir[700], memory_input[1024], case_file[1024];
    snprintf(dir, sizeof dir, "%s/case", test_dir);
    make_dir(dir);
    snprintf(memory_input, sizeof memory_input, "%s/in-memory-input", dir);
    snprintf(case_file, sizeof case_file, "%s/case-number", dir);
    /* Replaying one case saves every in-memory input before reading it (slow, so only then). */
    const char *only = getenv("OMPSWEEP_FUZZ_CASE");
    unsigned long first = only && *only ? strtoul(only, NULL, 10) : 0, cases = first;
    fprintf(stderr,
            "fuzz: result readers, seed %" PRIu64 ": should a case crash, its number is in %s "
            "and its files in %s; OMPSWEEP_FUZZ_SEED=%" PRIu64 " OMPSWEEP_FUZZ_CASE=N replays "
            "it, leaving the input that crashes in %s\n",
            seed, case_file, dir, seed, memory_input);
    struct buf files[NRESULTS] = {{0}};
    for (; now() - t0 < budget && !(only && *only && cases > first); cases++) {
        char number[64];
        int len = snprintf(number, sizeof number, "%lu\n", cases);
        spit(case_file, number, (size_t)len);
        alarm(READER_CASE_ALARM); /* a reader that never returns: SIGALRM ends the test */
        struct rng r = case_rng(seed, cases);
        /* In memory first: cheap, so many variants. */
        for (int v = 0; v < MEMORY_VARIANTS; v++)
            for (size_t i = 0; i < NRESULTS; i++) {
                mutated_copy(&files[i], &orig[i], &r);
                if (only && *only)
                    spit(memory_input, files[i].p, files[i].n);
                read_text(result_names[i], files[i].p, files[i].n);
            }
        /* Then as files in a folder, at least one of them mutated. */
        size_t must = below(&r, NRESULTS);
        for (size_t i = 0; i < NRESULTS; i++) {
            if (i == must || chance(&r, 40))
                mutated_copy(&files[i], &orig[i], &r);
            else
                copy_text(&files[i], &orig[i]);
            char path[1024];
            snprintf(path, sizeof path, "%s/%s", dir, result_names[i]);
            spit(path, files[i].p, files[i].n);
        }
        read_folder(dir);
    }
    alarm(0);
    cr_log_info("fuzz: %lu cases of mutated result files, seed %" PRIu64, cases - first, seed);
    cr_expect_gt(cases - first, 0);
    for (size_t i = 0; i < NRESULTS; i++) {
        free(orig[i].p);
        free(files[i].p);
    }
}

/* ---- (b) the command line ----------------------------------------------------------------- */

enum { MAX_ARGS = 64, MAX_OPTIONS = 48 };

/* An option as a command's --help lists it: "  --name VALUE  what" or "  -o, --name VALUE". */
struct option_seen {
    char name[32];
    int takes_value;
};

/* An option every case of a command gets unless it draws that option itself. */
struct base_option {
    const char *name, *value; /* value NULL: a flag; name NULL ends a list */
};

struct command {
    const char *words;              /* the command: "run", "etl noise" */
    const struct base_option *base; /* what keeps a measurement tiny */
    const char *operand;            /* the kind of its operands: "kernel", "results", ... */
    int measures;                   /* takes --blas-core */
    struct option_seen options[MAX_OPTIONS];
    int noptions;
};

/* Values that keep a run well under a second (also under the sanitizers), so the budget goes
 * to many cases. */
static const struct base_option sweep_base[] = {
    {"threads", "1,2"},   {"size", "1k"},  {"samples", "1"}, {"min-time", "0.0001"},
    {"max-time", "0.02"}, {"quiet", NULL}, {NULL, NULL}};
static const struct base_option cachemap_base[] = {
    {"from", "1K"},       {"to", "4K"},     {"per-octave", "1"},
    {"threads", "1,2"},   {"samples", "1"}, {"min-time", "0.0001"},
    {"max-time", "0.02"}, {"quiet", NULL},  {NULL, NULL}};
static const struct base_option ceilings_base[] = {{"size", "1024"}, {"threads", "1"},
                                                   {"samples", "1"}, {"min-time", "0.0001"},
                                                   {"quiet", NULL},  {NULL, NULL}};
static const struct base_option overhead_base[] = {
    {"threads", "1,2"}, {"construct", "parallel,for"},
    {"samples", "2"},   {"reps", "1"},
    {"iters", "16"},    {"quiet", NULL},
    {NULL, NULL}};
static const struct base_option breakeven_base[] = {
    {"threads", "2"},   {"min-size", "1k"}, {"max-size", "4k"}, {"min-time", "0.0001"},
    {"max-pairs", "8"}, {"quiet", NULL},    {NULL, NULL}};
static const struct base_option report_base[] = {{"no-png", NULL}, {NULL, NULL}};
static const struct base_option ae_base[] = {{"threads", "2"}, {"quiet", NULL}, {NULL, NULL}};
static const struct base_option etl_base[] = {{"sigma", "0.01"}, {"output", "out"}, {NULL, NULL}};
static const struct base_option no_base[] = {{NULL, NULL}};

static struct command commands[] = {
    {"list", no_base, "list", 0, {{"", 0}}, 0},
    {"info", no_base, "none", 0, {{"", 0}}, 0},
    {"run", sweep_base, "kernel", 1, {{"", 0}}, 0},
    {"ceilings", ceilings_base, "none", 1, {{"", 0}}, 0},
    {"cachemap", cachemap_base, "kernel", 1, {{"", 0}}, 0},
    {"chunkmap", sweep_base, "kernel", 1, {{"", 0}}, 0},
    {"overhead", overhead_base, "none", 1, {{"", 0}}, 0},
    {"breakeven", breakeven_base, "kernels", 1, {{"", 0}}, 0},
    {"report", report_base, "results", 0, {{"", 0}}, 0},
    {"ae", ae_base, "tradb", 0, {{"", 0}}, 0},
    {"etl noise", etl_base, "audio", 0, {{"", 0}}, 0},
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

/* Reads the options of c from its --help. */
static void learn_options(struct command *c) {
    char cmd[PATH_MAX + 64];
    snprintf(cmd, sizeof cmd, "%s %s --help 2>&1", binary, c->words);
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p, "%s", cmd);
    char line[1024];
    while (fgets(line, sizeof line, p)) {
        const char *s = line;
        if (strncmp(s, "  -", 3) != 0) /* option lines start at column 2 */
            continue;
        s += 2;
        if (s[1] != '-' && s[2] == ',') /* "-o, --output" */
            s += 4;
        if (strncmp(s, "--", 2) != 0 || c->noptions == MAX_OPTIONS)
            continue;
        struct option_seen *o = &c->options[c->noptions];
        size_t n = strspn(s + 2, "abcdefghijklmnopqrstuvwxyz0123456789-");
        if (n == 0 || n >= sizeof o->name)
            continue;
        memcpy(o->name, s + 2, n);
        o->name[n] = '\0';
        /* "--name VALUE": one space and a capital; "--name  what it does": a flag. */
        o->takes_value = s[2 + n] == ' ' && s[3 + n] >= 'A' && s[3 + n] <= 'Z';
        c->noptions++;
    }
    int rc = pclose(p);
    cr_assert(WIFEXITED(rc) && WEXITSTATUS(rc) == 0, "%s: exit status %d", cmd, rc);
}

/* Values that are wrong in a way a parser can miss, for any option. */
static const char *const any_values[] = {"",
                                         " ",
                                         "-1",
                                         "0",
                                         "nan",
                                         "-nan",
                                         "inf",
                                         "-inf",
                                         "1e308",
                                         "-1e308",
                                         "1e-320",
                                         "99999999999999999999999",
                                         "18446744073709551616",
                                         "-9223372036854775808",
                                         "0x10",
                                         "1,",
                                         ",1",
                                         "1,,2",
                                         ",",
                                         ";",
                                         "1;2",
                                         "1 2",
                                         "1\t2",
                                         "1-",
                                         "-",
                                         "3-1",
                                         "1-0",
                                         "%",
                                         "%n%s%x",
                                         "%q",
                                         "abc",
                                         "\xff\xfe",
                                         "\xc3\x28",
                                         "\xe2\x82",
                                         "\xef\xbc\x91" /* fullwidth 1 */,
                                         "1k",
                                         "1K",
                                         "1.5",
                                         "1e",
                                         "--",
                                         "-x",
                                         "=",
                                         "1=2"};

/* Option values by option name: a few valid ones (small: a measurement stays short) and many
 * that are not. No valid value here makes a run long or large. */
struct value_pool {
    const char *option;
    const char *const *values;
};

#define POOL(name, ...) static const char *const name[] = {__VA_ARGS__, NULL}

/* In a pool, the values before ODD are what a careful user would type; those after it are not. */
#define ODD "\x01"

POOL(threads_values, "1", "2", "1,2", ODD, "2,1", "1,1", "1-2", "2-1", "1-", "0", "4097", "100000",
     "1,,2", "1;2", "1 2", "1-0", "0-2", "nan", "1e308", "\xef\xbc\x91", "1\xff", "2,2,2");
POOL(size_values, "1k", "1024", "2k,1k", ODD, "1k,1k", "1000", "0", "-1", "1e308",
     "99999999999999999999", "1kk", "k", "1,", "nan", "0x400", "1k-2k", "1.5k", "1K", "2^10");
POOL(samples_values, "1", "2", ODD, "0", "-1", "1001", "nan", "99999999999999999999", "1.5", "2k",
     "0x2", "1,2");
POOL(seconds_values, "0.0001", "1ms", "0.02", ODD, "0", "-1", "nan", "inf", "1e308", "3601",
     "1e-320", "5x", "1ms,2ms", "-0", "0.0001s", "1e-3", "20 ms", "1h");
POOL(precision_values, "50%", "0.5", ODD, "0", "-1", "nan", "200%", "1e-300", "%", "5 %", "1e308");
POOL(memory_values, "1M", "64K", ODD, "0", "-1", "1e308", "9223372036854775807", "1Q", "1M,1M",
     "4611686018427387905", "1.5M");
POOL(seed_values, "0", "1", ODD, "-1", "9223372036854775807", "9223372036854775808",
     "18446744073709551616", "nan", "0x10", "1e3", "1,2");
POOL(schedule_values, "static", "dynamic", "guided", "static,dynamic", ODD, "static,static", "auto",
     "runtime", "STATIC", "static,", "dynamic,,guided", "static;dynamic", "stat",
     "guided,static,dynamic,guided");
POOL(chunk_values, "1", "16K", "all", ODD, "0", "-1", "1,all", "all,all", "1e308", "nan",
     "99999999999999999999", "1K,", "16KiB", "1.5", "ALL", "1,1", "4-2");
POOL(variant_values, "ref", "omp", "ref,omp", ODD, "omp,omp", "blas", "bogus", "REF", "ref,,omp",
     "omp,", "gsl", "omp_nt,ref");
POOL(param_values, ODD, "splines=nan", "=", "x=1", "bits=-1", "sigma=1e308", "a=b=c",
     "degree=3,degree=3", "sigma=inf", "splines=", "=1", "splines=1e308", "sigma=0.5,sigma=1");
POOL(output_values, "r.csv", "%h-%j-%r-%d.out", ODD, "%q.csv", "%", "%%.csv", ".", "sub/dir/x.out",
     "same.out", "-", "x\xff.out", "a\nb.out", "%d%d%d%d%d%d%d%d%d%d%d%d%d%d%d%d.out", "LONG_NAME",
     "LONG_PATH", "%j/%j.out");
POOL(ceilings_values, "IN/c.json", "IN/r.json", ODD, "IN/r.csv", "IN/missing.json", "IN",
     "IN/empty", "/dev/null", "IN/text.txt");
POOL(blas_core_values, "best", "as-installed", "Haswell", ODD, "bogus", "SkylakeX", "best,best");
POOL(construct_values, "parallel", "for", ODD, "barrier,barrier", "bogus", "parallel,for,single",
     "ALL", "parallel_for,atomic", "critical,");
POOL(iters_values, "1", "16", ODD, "0", "-1", "1048577", "nan", "1e3");
POOL(delay_values, "0", "0.1", ODD, "-1", "nan", "inf", "10001", "1e-320");
POOL(reps_values, "1", ODD, "0", "-1", "16777217", "nan", "2");
POOL(bytes_values, "1K", "4K", "8K", ODD, "64", "0", "-1", "63", "1e308", "99999999999999999999",
     "4K,8K", "nan", "1KB", "4k");
POOL(per_octave_values, "1", "2", ODD, "0", "-1", "100000", "nan");
POOL(size_bound_values, "1k", "2k", "4k", ODD, "0", "-1", "2k,4k", "1e308", "99999999999999999999",
     "nan");
POOL(max_pairs_values, "8", ODD, "7", "0", "-1", "10001", "nan");
POOL(batch_values, "1", ODD, "0", "-1", "1e308", "99999999999999999999", "1k", "2");
POOL(sigma_values, "0", "0.01", ODD, "-1", "nan", "inf", "1e6", "1e7", "1e-320", "-0");
POOL(etl_output_values, "out", ".", ODD, "out/sub", "%h", "LONG_PATH", "DEEP_PATH", "missing/dir",
     "a\xff");

static const struct value_pool pools[] = {
    {"threads", threads_values},
    {"size", size_values},
    {"samples", samples_values},
    {"min-time", seconds_values},
    {"max-time", seconds_values},
    {"precision", precision_values},
    {"memory", memory_values},
    {"seed", seed_values},
    {"schedule", schedule_values},
    {"chunk", chunk_values},
    {"variant", variant_values},
    {"param", param_values},
    {"csv", output_values},
    {"json", output_values},
    {"ceilings", ceilings_values},
    {"blas-core", blas_core_values},
    {"construct", construct_values},
    {"iters", iters_values},
    {"delay", delay_values},
    {"reps", reps_values},
    {"from", bytes_values},
    {"to", bytes_values},
    {"per-octave", per_octave_values},
    {"min-size", size_bound_values},
    {"max-size", size_bound_values},
    {"max-pairs", max_pairs_values},
    {"batch", batch_values},
    {"sigma", sigma_values},
};

/* Operands by kind. */
POOL(kernel_operands, "dot", "expsum", "stream_triad", "expsum_nondet", "dot", ODD, "", "DOT",
     "nonexistent", "dot,dot", "dot\xff", "LONG_NAME", "-");
POOL(kernels_operands, "dot", "dot,expsum", ODD, "dot,dot", "dot,", ",", "", "bogus,dot", "DOT");
POOL(list_operands, "dot", "gemm", "noise", ODD, "", "bogus", "LONG_NAME");
POOL(results_operands, "res", "res", "res", ODD, "", "missing", "res/r.csv", "IN/empty", "IN/in",
     "LONG_PATH");
POOL(tradb_operands, "IN/a.tradb", "IN/a.tradb", ODD, "IN/r.csv", "IN/missing.tradb", "IN",
     "IN/empty", "LONG_PATH");
POOL(audio_operands, "IN/a.wav", "IN/a.wav", ODD, "IN/cut.wav", "IN/r.csv", "IN/missing.wav", "IN",
     "IN/empty", "LONG_PATH");

static const char *const *operand_pool(const char *kind) {
    static const struct {
        const char *kind;
        const char *const *values;
    } table[] = {{"kernel", kernel_operands}, {"kernels", kernels_operands},
                 {"list", list_operands},     {"results", results_operands},
                 {"tradb", tradb_operands},   {"audio", audio_operands}};
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (strcmp(table[i].kind, kind) == 0)
            return table[i].values;
    return NULL;
}

/* A value of a pool: an ordinary one `percent` % of the time (when it has any), else any one. */
static const char *draw_value(struct rng *r, const char *const *pool, int percent) {
    size_t n = 0, ordinary = SIZE_MAX;
    for (; pool[n]; n++)
        if (strcmp(pool[n], ODD) == 0)
            ordinary = n;
    if (ordinary == SIZE_MAX)
        return pool[below(r, n)];
    if (ordinary > 0 && chance(r, percent))
        return pool[below(r, ordinary)];
    size_t i = below(r, n - 1);
    return pool[i < ordinary ? i : i + 1];
}

/* One case's argument list: its words are owned by `storage`. */
struct case_args {
    char *argv[MAX_ARGS + 1];
    int argc;
    char storage[1 << 16];
    size_t used;
};

static void add_arg(struct case_args *a, const char *word) {
    size_t len = strlen(word) + 1;
    cr_assert_lt(a->argc, MAX_ARGS);
    cr_assert_leq(a->used + len, sizeof a->storage);
    a->argv[a->argc++] = memcpy(a->storage + a->used, word, len);
    a->argv[a->argc] = NULL;
    a->used += len;
}

/* A value with the placeholders replaced: IN is the fixtures' folder, LONG_NAME a name of 300
 * bytes (more than a file system takes), DEEP_PATH 100 nested folders, LONG_PATH a path of
 * 5000 bytes (more than PATH_MAX, though it names nothing deep: "./././.../x"). */
static void add_value(struct case_args *a, const char *v) {
    char word[6000];
    if (strcmp(v, "LONG_NAME") == 0) {
        memset(word, 'n', 300);
        word[300] = '\0';
    } else if (strcmp(v, "DEEP_PATH") == 0) {
        for (int i = 0; i < 1000; i++)
            word[i] = i % 10 == 9 ? '/' : 'd';
        snprintf(word + 1000, sizeof word - 1000, "x.out");
    } else if (strcmp(v, "LONG_PATH") == 0) {
        for (int i = 0; i < 5000; i++)
            word[i] = i % 2 ? '/' : '.';
        snprintf(word + 5000, sizeof word - 5000, "x");
    } else if (strncmp(v, "IN", 2) == 0 && (v[2] == '\0' || v[2] == '/')) {
        snprintf(word, sizeof word, "%s%s", in_dir, v + 2);
    } else {
        snprintf(word, sizeof word, "%s", v);
    }
    add_arg(a, word);
}

static const char *const *values_for(const char *option, const struct command *c) {
    if (strcmp(option, "output") == 0)
        return strcmp(c->words, "etl noise") == 0 ? etl_output_values : output_values;
    for (size_t i = 0; i < sizeof pools / sizeof pools[0]; i++)
        if (strcmp(pools[i].option, option) == 0)
            return pools[i].values;
    return NULL;
}

static int has_option(const struct command *c, const char *name) {
    for (int i = 0; i < c->noptions; i++)
        if (strcmp(c->options[i].name, name) == 0)
            return 1;
    return 0;
}

/* One of c's options that name a file (--csv, --json, --output, --ceilings), or -1. */
static int find_output(const struct command *c, struct rng *r) {
    static const char *const names[] = {"csv", "json", "output", "ceilings"};
    int found[4], n = 0;
    for (int i = 0; i < c->noptions; i++)
        for (size_t k = 0; k < 4; k++)
            if (strcmp(c->options[i].name, names[k]) == 0)
                found[n++] = i;
    return n ? found[below(r, (size_t)n)] : -1;
}

/* --json named like the --csv just drawn or around it: the same file, a file inside a folder
 * of the other's name, the folder of the other. */
static void add_output_pair(struct case_args *a, struct rng *r) {
    static const char *const pairs[][2] = {
        {"same.out", "same.out"}, {"nest/inner.out", "nest"}, {"nest", "nest/inner.out"}};
    size_t k = below(r, 3);
    add_arg(a, "--csv");
    add_arg(a, pairs[k][0]);
    add_arg(a, "--json");
    add_arg(a, pairs[k][1]);
}

static int chosen(const char *const *picked, int n, const char *name) {
    for (int i = 0; i < n; i++)
        if (strcmp(picked[i], name) == 0)
            return 1;
    return 0;
}

/* The case: the command, 0 to 3 options of its own with drawn values (now and then an unknown
 * option, "--" or "--name=value"), its operands, then the base options it did not draw. */
static void make_case(struct rng *r, const struct command *c, struct case_args *a) {
    memset(a, 0, offsetof(struct case_args, storage));
    a->used = 0;
    add_arg(a, binary);
    char words[64];
    snprintf(words, sizeof words, "%s", c->words);
    for (char *save = NULL, *w = strtok_r(words, " ", &save); w; w = strtok_r(NULL, " ", &save))
        add_arg(a, w);
    const char *picked[8];
    int npicked = 0;
    for (size_t k = below(r, 4); k > 0; k--) {
        int extra = c->measures ? 1 : 0;
        size_t i = below(r, (size_t)(c->noptions + extra + 1));
        int output = find_output(c, r); /* the options that name files get a third of the draws */
        if (output >= 0 && chance(r, 33))
            i = (size_t)output;
        if (i == (size_t)c->noptions + (size_t)extra) { /* something no command takes */
            static const char *const odd[] = {"--bogus",       "-x",  "--", "---",
                                              "--threads=2=2", "--=", "-"};
            add_arg(a, odd[below(r, sizeof odd / sizeof odd[0])]);
            continue;
        }
        const char *name = i < (size_t)c->noptions ? c->options[i].name : "blas-core";
        int takes_value = i < (size_t)c->noptions ? c->options[i].takes_value : 1;
        if (npicked < 8)
            picked[npicked++] = name;
        const char *const *pool = values_for(name, c);
        const char *v = NULL;
        if (takes_value)
            v = pool && chance(r, 80)
                    ? draw_value(r, pool, 50)
                    : any_values[below(r, sizeof any_values / sizeof *any_values)];
        char opt[64];
        if (v && chance(r, 15) && strlen(v) < 100 && strncmp(v, "IN", 2) != 0 &&
            strcmp(v, "LONG_NAME") && strcmp(v, "DEEP_PATH") && strcmp(v, "LONG_PATH")) {
            char joined[200];
            snprintf(joined, sizeof joined, "--%s=%s", name, v);
            add_arg(a, joined);
        } else {
            snprintf(opt, sizeof opt, "--%s", name);
            add_arg(a, opt);
            if (v)
                add_value(a, v);
        }
        if (strcmp(name, "csv") == 0 && has_option(c, "json") && chance(r, 30))
            add_output_pair(a, r);
    }
    const char *const *operands = operand_pool(c->operand);
    if (operands) {
        size_t n = strcmp(c->operand, "audio") == 0 ? 1 + below(r, 2) : 1;
        for (size_t k = 0; k < n; k++)
            add_value(a, draw_value(r, operands, 80));
    }
    for (const struct base_option *o = c->base; o->name; o++) {
        if (chosen(picked, npicked, o->name))
            continue;
        char opt[64];
        snprintf(opt, sizeof opt, "--%s", o->name);
        add_arg(a, opt);
        if (o->value)
            add_arg(a, o->value);
    }
}

/* How often each command is drawn: the sweeps and the report have the most options; a valid
 * `ceilings` always measures for a few seconds. */
static const int weights[NCOMMANDS] = {1, 1, 4, 1, 2, 2, 2, 2, 3, 2, 2};

static const struct command *draw_command(struct rng *r) {
    int total = 0;
    for (size_t i = 0; i < NCOMMANDS; i++)
        total += weights[i];
    int k = (int)below(r, (size_t)total);
    for (size_t i = 0; i < NCOMMANDS; i++)
        if ((k -= weights[i]) < 0)
            return &commands[i];
    return &commands[0];
}

struct outcome {
    int status; /* waitpid's */
    int killed; /* reached the time limit */
};

/* Runs argv in dir, stdin /dev/null, stdout and stderr into the files named; past `limit`
 * seconds its process group is killed. */
static struct outcome run_case(char *const *argv, const char *dir, const char *out_path,
                               const char *err_path, double limit) {
    struct outcome o = {0, 0};
    pid_t pid = fork();
    cr_assert_geq(pid, 0, "fork: %s", strerror(errno));
    if (pid == 0) {
        setpgid(0, 0);
        int in = open("/dev/null", O_RDONLY);
        int out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int err = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (in < 0 || out < 0 || err < 0 || chdir(dir) != 0)
            _exit(125);
        dup2(in, 0);
        dup2(out, 1);
        dup2(err, 2);
        /* %j and %r come from these: outputs stay in the case's folder. */
        unsetenv("SLURM_JOB_ID");
        unsetenv("SLURM_ARRAY_JOB_ID");
        unsetenv("SLURM_ARRAY_TASK_ID");
        unsetenv("SLURM_PROCID");
        execv(argv[0], argv);
        _exit(126);
    }
    setpgid(pid, pid);
    double t0 = now();
    for (;;) {
        pid_t w = waitpid(pid, &o.status, WNOHANG);
        if (w == pid)
            break;
        if (now() - t0 > limit) {
            kill(-pid, SIGKILL);
            kill(pid, SIGKILL);
            waitpid(pid, &o.status, 0);
            o.killed = 1;
            break;
        }
        nanosleep(&(struct timespec){0, 2000000}, NULL);
    }
    return o;
}

static int temporaries;

static int count_temporaries_entry(const char *path, const struct stat *st, int flag,
                                   struct FTW *ftw) {
    (void)st;
    (void)flag;
    temporaries += strstr(path + ftw->base, ".tmp.") != NULL;
    return 0;
}

/* Files and folders under dir whose name marks a temporary output (io/atomic_file.h). */
static int temporaries_under(const char *dir) {
    temporaries = 0;
    nftw(dir, count_temporaries_entry, 16, FTW_PHYS);
    return temporaries;
}

/* argv as a shell line a person can paste, bytes outside printable ASCII as $'\xNN'. */
static void quote_args(char *const *argv, char *buf, size_t len) {
    size_t n = 0;
    buf[0] = '\0';
    for (int i = 0; argv[i] && n + 16 < len; i++) {
        const unsigned char *s = (const unsigned char *)argv[i];
        int plain = *s != '\0';
        for (const unsigned char *p = s; *p; p++)
            plain &= *p > ' ' && *p < 127 && !strchr("'\"\\$`!&|;<>()*?[]#~{}%", *p);
        if (plain) {
            n += (size_t)snprintf(buf + n, len - n, "%s%s", i ? " " : "", (const char *)s);
            continue;
        }
        n += (size_t)snprintf(buf + n, len - n, "%s$'", i ? " " : "");
        for (const unsigned char *p = s; *p && n + 8 < len; p++)
            n += (size_t)(*p >= ' ' && *p < 127 && *p != '\'' && *p != '\\'
                              ? snprintf(buf + n, len - n, "%c", *p)
                              : snprintf(buf + n, len - n, "\\x%02x", *p));
        n += (size_t)snprintf(buf + n, len - n, "'");
    }
}

/* What the sanitizers print when they find something. */
static int sanitizer_report(const char *text) {
    return strstr(text, "Sanitizer") || strstr(text, "runtime error:") || strstr(text, "SUMMARY:");
}

/* The results folder `report` reads in this case: the fixtures, mutated half of the time. */
static void copy_results(const char *run_dir, struct rng *r) {
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/res", run_dir);
    make_dir(dir);
    int mutated = chance(r, 50);
    for (size_t i = 0; i < NRESULTS; i++) {
        char from[1024], to[1200];
        in_path(from, sizeof from, result_names[i]);
        snprintf(to, sizeof to, "%s/%s", dir, result_names[i]);
        struct text t = slurp(from);
        struct buf b = {t.p, t.n, t.n + 1};
        if (mutated && chance(r, 50))
            for (size_t k = 1 + below(r, 3); k > 0; k--)
                mutate_once(&b, r);
        spit(to, b.p, b.n);
        free(b.p);
    }
}

/* Fails the test (and says why, with the case's replay) when the run broke a promise; returns
 * whether it did. */
static int judge(unsigned long c, uint64_t seed, char *const *argv, struct outcome o,
                 const char *run_dir, const char *err_path) {
    struct text err = slurp(err_path);
    int temps = o.killed ? 0 : temporaries_under(run_dir);
    int code = WIFEXITED(o.status) ? WEXITSTATUS(o.status) : -1;
    const char *problem = NULL;
    if (sanitizer_report(err.p))
        problem = "a sanitizer report";
    else if (!o.killed && WIFSIGNALED(o.status))
        problem = "killed by a signal";
    else if (!o.killed && (code < 0 || code > 2))
        problem = "an exit code other than 0, 1, 2";
    else if (temps)
        problem = "a temporary file left behind";
    if (problem) {
        static char line[16384];
        quote_args(argv, line, sizeof line);
        cr_expect_fail("fuzz case %lu (OMPSWEEP_FUZZ_SEED=%" PRIu64 " OMPSWEEP_FUZZ_CASE=%lu): %s"
                       "\n  %s\n  status: %s %d; %d temporary files\n  stderr:\n%.3000s",
                       c, seed, c, problem, line, WIFSIGNALED(o.status) ? "signal" : "exit",
                       WIFSIGNALED(o.status) ? WTERMSIG(o.status) : code, temps, err.p);
    }
    free(err.p);
    return problem != NULL;
}

Test(fuzz, command_lines_exit_0_1_or_2_and_leave_no_temporary_file, .timeout = TEST_TIMEOUT) {
    for (size_t i = 0; i < NCOMMANDS; i++) {
        learn_options(&commands[i]);
        if (strcmp(commands[i].words, "list") != 0)
            cr_assert_gt(commands[i].noptions, 0, "no options read from '%s --help'",
                         commands[i].words);
    }
    uint64_t seed = fuzz_seed();
    double budget = fuzz_seconds(CLI_SECONDS), t0 = now();
    const char *only = getenv("OMPSWEEP_FUZZ_CASE");
    int verbose = getenv("OMPSWEEP_FUZZ_VERBOSE") != NULL; /* a line per case on stderr */
    unsigned long first = only && *only ? strtoul(only, NULL, 10) : 0, c = first;
    char case_dir[700], run_dir[800], out_path[800], err_path[800];
    snprintf(case_dir, sizeof case_dir, "%s/cli", test_dir);
    snprintf(run_dir, sizeof run_dir, "%s/run", case_dir);
    snprintf(out_path, sizeof out_path, "%s/stdout", case_dir);
    snprintf(err_path, sizeof err_path, "%s/stderr", case_dir);
    static struct case_args args;
    int failures = 0, killed = 0, by_code[3] = {0, 0, 0};
    for (; now() - t0 < budget && failures < MAX_FAILURES; c++) {
        if (only && *only && c > first)
            break;
        test_dir_remove(case_dir);
        make_dir(case_dir);
        make_dir(run_dir);
        struct rng r = case_rng(seed, c);
        const struct command *cmd = draw_command(&r);
        make_case(&r, cmd, &args);
        if (strcmp(cmd->operand, "results") == 0)
            copy_results(run_dir, &r);
        double started = now();
        double limit =
            strcmp(cmd->words, "ceilings") == 0 ? CEILINGS_LIMIT_SECONDS : RUN_LIMIT_SECONDS;
        struct outcome o = run_case(args.argv, run_dir, out_path, err_path, limit);
        if (verbose) {
            static char line[16384];
            quote_args(args.argv + 1, line, sizeof line);
            fprintf(stderr, "fuzz case %lu: %.2f s, %s %d: %.300s\n", c, now() - started,
                    o.killed                ? "killed"
                    : WIFSIGNALED(o.status) ? "signal"
                                            : "exit",
                    WIFEXITED(o.status) ? WEXITSTATUS(o.status) : -1, line);
        }
        failures += judge(c, seed, args.argv, o, run_dir, err_path);
        killed += o.killed;
        if (!o.killed && WIFEXITED(o.status) && WEXITSTATUS(o.status) <= 2)
            by_code[WEXITSTATUS(o.status)]++;
    }
    cr_log_info("fuzz: %lu command lines (seed %" PRIu64 "): %d exited 0, %d exited 1, %d exited "
                "2, %d reached the time limit",
                c - first, seed, by_code[0], by_code[1], by_code[2], killed);
    cr_expect_gt(c - first, 0);
}
