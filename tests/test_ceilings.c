/* The ceilings file: what `ompsweep ceilings --json` writes, `run --ceilings` reads back, and
 * the reader on damaged input. */
#include "output/ceilings_file.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct ceilings sample = {
    .peak_gflops = {151.25, 2, 76.5, "omp"},
    .triad_gbytes_per_s = {38.125, 2, 21.0, "omp_nt"},
    .read_gbytes_per_s = {44.5, 1, 44.5, "omp_2s"},
    .stream_elements = 251658240,
    .measured = "2026-11-21T08:00:00Z",
    .host = "node7",
};

/* The JSON text of `c` inside a top-level object, as the ceilings command writes it. */
static char *write_sample(const struct ceilings *c) {
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    cr_assert_not_null(f);
    struct json_writer w;
    json_init(&w, f, 1);
    json_object_begin(&w, NULL);
    json_string(&w, "schema", "ompsweep-ceilings-1");
    ceilings_file_write_object(&w, c);
    json_object_end(&w);
    fclose(f);
    return text;
}

Test(ceilings, written_file_reads_back_exactly) {
    char *text = write_sample(&sample);
    struct ceilings c;
    char err[256] = "";
    cr_assert_eq(ceilings_file_parse(text, &c, err, sizeof err), 0, "%s\n%s", err, text);
    cr_assert_eq(c.peak_gflops.best, 151.25);
    cr_assert_eq(c.peak_gflops.best_threads, 2);
    cr_assert_eq(c.peak_gflops.one, 76.5);
    cr_assert_eq(c.triad_gbytes_per_s.best, 38.125);
    cr_assert_eq(c.read_gbytes_per_s.best_threads, 1);
    cr_assert_eq(c.stream_elements, 251658240);
    cr_assert_str_eq(c.host, "node7");
    cr_assert_str_eq(c.triad_gbytes_per_s.variant, "omp_nt");
    cr_assert_str_eq(c.measured, "2026-11-21T08:00:00Z");
    free(text);
}

Test(ceilings, missing_or_bad_values_are_named) {
    struct ceilings c;
    char err[256];
    cr_assert_eq(ceilings_file_parse("{}", &c, err, sizeof err), -1);
    cr_assert(strstr(err, "no \"ceilings\" object"), "%s", err);
    char *text = write_sample(&sample);
    char *key = strstr(text, "\"read_gbytes_per_s\"");
    cr_assert_not_null(key);
    memcpy(key + 1, "xead", 4);
    cr_assert_eq(ceilings_file_parse(text, &c, err, sizeof err), -1);
    cr_assert(strstr(err, "read_gbytes_per_s"), "%s", err);
    free(text);
    struct ceilings zero = sample;
    zero.triad_gbytes_per_s.best = 0.0;
    text = write_sample(&zero);
    cr_assert_eq(ceilings_file_parse(text, &c, err, sizeof err), -1);
    cr_assert(strstr(err, "\"triad_gbytes_per_s\" is not a positive number"), "%s", err);
    free(text);
    struct ceilings nan = sample;
    nan.peak_gflops.best = NAN; /* written as null */
    text = write_sample(&nan);
    cr_assert_eq(ceilings_file_parse(text, &c, err, sizeof err), -1);
    free(text);
}

/* Replaces the first `from` in text (a malloc'd string) by `to`; returns the new string. */
static char *replaced(char *text, const char *from, const char *to) {
    char *at = strstr(text, from);
    cr_assert_not_null(at, "'%s' not in:\n%s", from, text);
    size_t head = (size_t)(at - text), lf = strlen(from), lt = strlen(to), tail = strlen(at + lf);
    char *out = malloc(head + lt + tail + 1);
    memcpy(out, text, head);
    memcpy(out + head, to, lt);
    memcpy(out + head + lt, at + lf, tail + 1);
    free(text);
    return out;
}

Test(ceilings, malformed_numbers_are_refused_not_truncated) {
    static const struct {
        const char *from, *to, *expect;
    } cases[] = {
        {"\"peak_gflops\": 151.25", "\"peak_gflops\": 151.25xyz",
         "\"peak_gflops\" is not a number"},
        {"\"stream_elements\": 251658240", "\"stream_elements\": 1e300", "not an element count"},
        {"\"stream_elements\": 251658240", "\"stream_elements\": 0.5", "not an element count"},
        {"\"peak_gflops_1thread\": 76.5", "\"peak_gflops_1thread\": x", "peak_gflops_1thread"},
        {"\"read_gbytes_per_s\": 44.5",
         "\"read_gbytes_per_s\": "
         "44.50000000000000000000000000000000000000000000000000000000000000001",
         "\"read_gbytes_per_s\" is not a number"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *text = replaced(write_sample(&sample), cases[i].from, cases[i].to);
        struct ceilings c;
        char err[256] = "";
        cr_assert_eq(ceilings_file_parse(text, &c, err, sizeof err), -1, "accepted:\n%s", text);
        cr_assert(strstr(err, cases[i].expect), "'%s' said: %s", cases[i].to, err);
        free(text);
    }
}

Test(ceilings, strings_with_escapes_and_a_decoy_key_read_back) {
    struct ceilings odd = sample;
    snprintf(odd.host, sizeof odd.host, "h\\q\"z");
    char *text = write_sample(&odd);
    /* A "ceilings" string that is not the key must not be taken for the object. */
    text = replaced(text, "\"schema\"", "\"note\": \"ceilings\", \"x\": {\"a\": 1}, \"schema\"");
    struct ceilings c;
    char err[256] = "";
    cr_assert_eq(ceilings_file_parse(text, &c, err, sizeof err), 0, "%s\n%s", err, text);
    cr_assert_str_eq(c.host, odd.host);
    cr_assert_eq(c.stream_elements, sample.stream_elements);
    free(text);
}

Test(ceilings, stream_arrays_follow_streams_rule_within_memory) {
    /* 4x a 32 MiB cache: 16M elements of 8 bytes per array. */
    cr_assert_eq(ceilings_stream_elements(32LL << 20, 64LL << 30), 16LL << 20);
    /* Tiny caches: at least 8M elements. */
    cr_assert_eq(ceilings_stream_elements(1 << 20, 64LL << 30), 1LL << 23);
    /* A huge cache on a small machine: at most 1/16 of memory per array. */
    cr_assert_eq(ceilings_stream_elements(1LL << 30, 1LL << 32), (1LL << 32) / 16 / 8);
}

/* Random byte damage to a valid file: the reader accepts or rejects, never crashes (ASan in
 * make asan), and what it accepts is positive and finite. */
Test(ceilings, fuzzed_files_are_accepted_or_rejected_cleanly) {
    char *good = write_sample(&sample);
    size_t len = strlen(good);
    char *text = malloc(len + 1);
    unsigned state = 777u;
    static const char bytes[] = "{}\":,0123456789.eE-+ \nxn";
    for (int iter = 0; iter < 20000; iter++) {
        memcpy(text, good, len + 1);
        int edits = 1 + (int)((state = state * 1103515245u + 12345u) >> 16) % 4;
        for (int e = 0; e < edits; e++) {
            state = state * 1103515245u + 12345u;
            size_t at = (state >> 8) % len;
            state = state * 1103515245u + 12345u;
            text[at] = bytes[(state >> 16) % (sizeof bytes - 1)];
        }
        state = state * 1103515245u + 12345u;
        if ((state >> 16) % 5 == 0)
            text[(state >> 4) % len] = '\0'; /* truncated */
        struct ceilings c;
        char err[256] = "";
        if (ceilings_file_parse(text, &c, err, sizeof err) == 0) {
            cr_assert(c.peak_gflops.best > 0 && isfinite(c.peak_gflops.best), "%s", text);
            cr_assert(c.triad_gbytes_per_s.best > 0 && c.read_gbytes_per_s.best > 0, "%s", text);
            cr_assert(c.peak_gflops.best_threads >= 1, "%s", text);
        } else {
            cr_assert(err[0], "rejected without a message:\n%s", text);
        }
    }
    free(text);
    free(good);
}
