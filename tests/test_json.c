/* Tests for the streaming JSON writer: exact output, escaping, numbers, and validity as judged
 * by an independent parser (Python's json module). */
#include <criterion/criterion.h>

#include <float.h>
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "format/json.h"

#define PYTHON_JSON_CHECK "/usr/bin/python3 -c 'import json,sys; json.load(sys.stdin)'"

/* Output captured in memory so tests can compare it byte for byte. */
struct capture {
    char *buf;
    size_t len;
    FILE *f;
    struct json_writer w;
};

static void capture_start(struct capture *c, int pretty) {
    c->buf = NULL;
    c->len = 0;
    c->f = open_memstream(&c->buf, &c->len);
    cr_assert_not_null(c->f);
    json_init(&c->w, c->f, pretty);
}

/* Returns the text written so far; the caller frees it. */
static char *capture_end(struct capture *c) {
    cr_assert_eq(fclose(c->f), 0);
    return c->buf;
}

static int python_accepts(const char *text) {
    FILE *p = popen(PYTHON_JSON_CHECK " 2>/dev/null", "w");
    int status;
    cr_assert_not_null(p);
    fputs(text, p);
    status = pclose(p);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

Test(json, python_check_rejects_invalid_json) {
    /* Guards the checker itself: if it accepted anything, the validity tests would be empty. */
    cr_assert(python_accepts("{\"a\": [1, 2]}\n"));
    cr_assert_not(python_accepts("{\"a\": [1, 2,]}\n"));
    cr_assert_not(python_accepts("{'a': 1}\n"));
}

Test(json, compact_nesting_is_exact) {
    struct capture c;
    char *out;
    capture_start(&c, 0);
    json_object_begin(&c.w, NULL);
    json_string(&c.w, "name", "triad");
    json_array_begin(&c.w, "values");
    json_integer(&c.w, NULL, 1);
    json_integer(&c.w, NULL, -2);
    json_object_begin(&c.w, NULL);
    json_null(&c.w, "nothing");
    json_bool(&c.w, "yes", 1);
    json_bool(&c.w, "no", 0);
    json_object_end(&c.w);
    json_array_begin(&c.w, NULL);
    json_array_end(&c.w);
    json_array_end(&c.w);
    json_object_begin(&c.w, "empty");
    json_object_end(&c.w);
    json_object_end(&c.w);
    out = capture_end(&c);
    cr_assert_str_eq(out, "{\"name\":\"triad\",\"values\":[1,-2,{\"nothing\":null,\"yes\":true,"
                          "\"no\":false},[]],\"empty\":{}}\n");
    cr_assert_eq(c.w.depth, 0);
    free(out);
}

Test(json, pretty_layout_is_exact_and_valid) {
    struct capture c;
    char *out;
    capture_start(&c, 1);
    json_object_begin(&c.w, NULL);
    json_integer(&c.w, "a", 1);
    json_array_begin(&c.w, "b");
    json_string(&c.w, NULL, "x");
    json_object_begin(&c.w, NULL);
    json_object_end(&c.w);
    json_array_end(&c.w);
    json_object_end(&c.w);
    out = capture_end(&c);
    cr_assert_str_eq(out, "{\n  \"a\": 1,\n  \"b\": [\n    \"x\",\n    {}\n  ]\n}\n");
    cr_assert(python_accepts(out));
    free(out);
}

Test(json, escapes_quotes_backslashes_and_control_characters) {
    struct capture c;
    char *out;
    capture_start(&c, 0);
    json_string(&c.w, NULL, "q\"b\\n\nt\tc\x01\x1f del\x7f");
    out = capture_end(&c);
    cr_assert_str_eq(out, "\"q\\\"b\\\\n\\u000at\\u0009c\\u0001\\u001f del\x7f\"\n");
    cr_assert(python_accepts(out));
    free(out);
}

Test(json, escapes_keys_too) {
    struct capture c;
    char *out;
    capture_start(&c, 0);
    json_object_begin(&c.w, NULL);
    json_integer(&c.w, "a\"b", 1);
    json_object_end(&c.w);
    out = capture_end(&c);
    cr_assert_str_eq(out, "{\"a\\\"b\":1}\n");
    free(out);
}

Test(json, keeps_valid_utf8_and_replaces_invalid_bytes) {
    struct capture c;
    char *out;
    capture_start(&c, 0);
    json_array_begin(&c.w, NULL);
    json_string(&c.w, NULL, "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"); /* é, €, 4-byte emoji */
    json_string(&c.w, NULL,
                "a\xff"
                "b");                        /* stray byte */
    json_string(&c.w, NULL, "\xc0\xaf");     /* overlong '/' */
    json_string(&c.w, NULL, "\xed\xa0\x80"); /* UTF-16 surrogate */
    json_string(&c.w, NULL, "cut \xe2\x82"); /* sequence cut by the end of string */
    json_array_end(&c.w);
    out = capture_end(&c);
    cr_assert_str_eq(out, "[\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\",\"a\\ufffdb\","
                          "\"\\ufffd\\ufffd\",\"\\ufffd\\ufffd\\ufffd\",\"cut \\ufffd\\ufffd\"]\n");
    cr_assert(python_accepts(out));
    free(out);
}

Test(json, null_string_and_non_finite_numbers_become_null) {
    struct capture c;
    char *out;
    capture_start(&c, 0);
    json_object_begin(&c.w, NULL);
    json_string(&c.w, "s", NULL);
    json_number(&c.w, "nan", NAN);
    json_number(&c.w, "inf", INFINITY);
    json_number(&c.w, "minf", -INFINITY);
    json_object_end(&c.w);
    out = capture_end(&c);
    cr_assert_str_eq(out, "{\"s\":null,\"nan\":null,\"inf\":null,\"minf\":null}\n");
    free(out);
}

Test(json, numbers_round_trip_through_strtod) {
    const double values[] = {0.0,           -0.0,       0.1,           1.0 / 3.0, 2.0 / 3.0, M_PI,
                             1e-300,        5e-324,     DBL_MIN,       DBL_MAX,   -DBL_MAX,  1e21,
                             123456789.125, 1e15 + 0.3, 6.02214076e23, -2.5e-7};
    const size_t n = sizeof values / sizeof values[0];
    struct capture c;
    char *out, *p;
    capture_start(&c, 0);
    json_array_begin(&c.w, NULL);
    for (size_t i = 0; i < n; i++)
        json_number(&c.w, NULL, values[i]);
    json_array_end(&c.w);
    out = capture_end(&c);
    cr_assert(python_accepts(out));

    p = out + 1; /* past '[' */
    for (size_t i = 0; i < n; i++) {
        char *end;
        double back = strtod(p, &end);
        cr_assert_neq(end, p, "value %zu not parsed in %s", i, out);
        cr_assert(memcmp(&back, &values[i], sizeof back) == 0, "value %zu: %.17g wrote %.*s", i,
                  values[i], (int)(end - p), p);
        cr_assert(*end == ',' || *end == ']');
        p = end + 1;
    }
    free(out);
}

Test(json, numbers_use_the_shortest_exact_form) {
    struct capture c;
    char *out;
    capture_start(&c, 0);
    json_array_begin(&c.w, NULL);
    json_number(&c.w, NULL, 0.1);
    json_number(&c.w, NULL, 2.5);
    json_number(&c.w, NULL, 1e-7);
    json_number(&c.w, NULL, 100);
    json_array_end(&c.w);
    out = capture_end(&c);
    cr_assert_str_eq(out, "[0.1,2.5,1e-07,100]\n");
    free(out);
}

Test(json, integers_cover_the_full_range) {
    struct capture c;
    char *out;
    capture_start(&c, 0);
    json_array_begin(&c.w, NULL);
    json_integer(&c.w, NULL, LLONG_MIN);
    json_integer(&c.w, NULL, LLONG_MAX);
    json_integer(&c.w, NULL, 0);
    json_array_end(&c.w);
    out = capture_end(&c);
    cr_assert_str_eq(out, "[-9223372036854775808,9223372036854775807,0]\n");
    free(out);
}

Test(json, top_level_values_form_json_lines) {
    struct capture c;
    char *out, *line;
    capture_start(&c, 0);
    for (int i = 0; i < 3; i++) {
        json_object_begin(&c.w, NULL);
        json_integer(&c.w, "i", i);
        json_object_end(&c.w);
    }
    out = capture_end(&c);
    cr_assert_str_eq(out, "{\"i\":0}\n{\"i\":1}\n{\"i\":2}\n");
    line = strtok(out, "\n");
    for (int i = 0; i < 3; i++, line = strtok(NULL, "\n")) {
        cr_assert_not_null(line);
        cr_assert(python_accepts(line));
    }
    free(out);
}

Test(json, deep_nesting_stays_valid) {
    struct capture c;
    char *out;
    capture_start(&c, 1);
    for (int i = 0; i < 80; i++) /* past JSON_MAX_DEPTH: still correct, only shared state */
        json_array_begin(&c.w, NULL);
    json_integer(&c.w, NULL, 7);
    for (int i = 0; i < 80; i++)
        json_array_end(&c.w);
    out = capture_end(&c);
    cr_assert_eq(c.w.depth, 0);
    cr_assert(python_accepts(out));
    free(out);
}

Test(json, decimal_point_ignores_the_locale) {
    static const char *const names[] = {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", "fr_FR.utf8"};
    struct capture c;
    char *out;
    const char *set = NULL;
    for (size_t i = 0; i < sizeof names / sizeof names[0] && !set; i++)
        set = setlocale(LC_NUMERIC, names[i]);
    if (!set)
        cr_skip_test("no locale with a decimal comma is installed");
    cr_assert_str_eq(localeconv()->decimal_point, ",");
    capture_start(&c, 0);
    json_number(&c.w, NULL, 1.5);
    out = capture_end(&c);
    setlocale(LC_NUMERIC, "C");
    cr_assert_str_eq(out, "1.5\n");
    free(out);
}
