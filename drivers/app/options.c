/* options: the one parser of the command lines (see options.h). */
#include "app/options.h"

#include "app/commands.h"
#include "format/units.h"

#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The shared options, each with one kind and range; row i is enum common_option bit i. */
/* clang-format off */
static const struct option_row common_rows[] = {
    {"threads", 0, OPTION_TEXT, offsetof(struct common_options, threads), 0, 0},
    {"schedule", 0, OPTION_TEXT, offsetof(struct common_options, schedule), 0, 0},
    {"chunk", 0, OPTION_TEXT, offsetof(struct common_options, chunk), 0, 0},
    {"size", 0, OPTION_TEXT, offsetof(struct common_options, size), 0, 0},
    {"param", 0, OPTION_LIST, offsetof(struct common_options, param), 0, 0},
    {"samples", 0, OPTION_INT, offsetof(struct common_options, samples), 1, 1000},
    {"min-time", 0, OPTION_SECONDS, offsetof(struct common_options, min_time), 0, 0},
    {"seed", 0, OPTION_COUNT, offsetof(struct common_options, seed), 0, 0x1p63},
    {"csv", 0, OPTION_TEXT, offsetof(struct common_options, csv), 0, 0},
    {"json", 0, OPTION_TEXT, offsetof(struct common_options, json), 0, 0},
    {"quiet", 0, OPTION_FLAG, offsetof(struct common_options, quiet), 0, 0},
    {NULL, 0, OPTION_FLAG, 0, 0, 0},
};
/* clang-format on */

/* One row in force for this command, and the struct its value goes into. */
struct active {
    const struct option_row *row;
    void *base;
};

static const struct option_row *own_row(const struct options_spec *spec, const char *name) {
    const struct option_row *tables[] = {spec->rows, spec->more_rows};
    for (size_t t = 0; t < 2; t++)
        for (const struct option_row *r = tables[t]; r && r->name; r++)
            if (strcmp(r->name, name) == 0)
                return r;
    return NULL;
}

/* The rows in force: the shared ones the command takes (unless it has its own), then its own;
 * at most max of them (more is a table's mistake, not the user's). */
static size_t collect_rows(const struct options_spec *spec, struct active *out, size_t max) {
    size_t n = 0;
    for (size_t i = 0; common_rows[i].name && n < max; i++)
        if ((spec->common & (1u << i)) && !own_row(spec, common_rows[i].name))
            out[n++] = (struct active){&common_rows[i], spec->values};
    const struct option_row *tables[] = {spec->rows, spec->more_rows};
    for (size_t t = 0; t < 2; t++)
        for (const struct option_row *r = tables[t]; r && r->name && n < max; r++)
            out[n++] = (struct active){r, spec->args};
    return n;
}

/* A range bound as a whole number: 2^63 and above (a double cannot hold 2^63 - 1) is the
 * largest long long. */
static long long whole(double bound) {
    return bound >= 0x1p63 ? LLONG_MAX : (long long)bound;
}

static int store(const char *command, const struct option_row *r, void *base, const char *value) {
    char err[UNITS_ERRLEN];
    void *dest = (char *)base + r->offset;
    long long v;
    int rc = 0;
    switch (r->kind) {
    case OPTION_FLAG:
        *(int *)dest = 1;
        return 0;
    case OPTION_TEXT:
        *(const char **)dest = value;
        return 0;
    case OPTION_LIST: {
        struct option_list *l = dest;
        if (l->n == KERNEL_MAX_PARAMS)
            return command_usage_error(command, "--%s: given more than %d times", r->name,
                                       KERNEL_MAX_PARAMS);
        l->item[l->n++] = value;
        return 0;
    }
    case OPTION_INT:
    case OPTION_COUNT:
        rc = units_parse_count(value, whole(r->min), whole(r->max), &v, err, sizeof err);
        if (!rc && r->kind == OPTION_INT)
            *(int *)dest = (int)v;
        else if (!rc)
            *(long long *)dest = v;
        break;
    case OPTION_SECONDS:
        rc = units_parse_seconds(value, (double *)dest, err, sizeof err);
        break;
    case OPTION_REAL:
        rc = units_parse_real(value, r->min, r->max, (double *)dest, err, sizeof err);
        break;
    case OPTION_FRACTION:
        rc = units_parse_fraction(value, r->min, r->max, (double *)dest, err, sizeof err);
        break;
    case OPTION_BYTES:
        rc = units_parse_bytes(value, whole(r->min), whole(r->max), (long long *)dest, err,
                               sizeof err);
        break;
    }
    return rc ? command_usage_error(command, "--%s: %s", r->name, err) : 0;
}

/* getopt_long's table: every row's long name (and the aliases), val = 256 + the row's index so
 * that it never collides with a one-letter option. */
static void build_long_options(const struct options_spec *spec, const struct active *rows, size_t n,
                               struct option *opts, char *letters) {
    size_t k = 0, l = 0;
    letters[l++] = ':'; /* a missing value is reported as ':', not '?' */
    letters[l++] = 'h';
    for (size_t i = 0; i < n; i++) {
        int has_arg = rows[i].row->kind == OPTION_FLAG ? no_argument : required_argument;
        opts[k++] = (struct option){rows[i].row->name, has_arg, NULL, 256 + (int)i};
        if (rows[i].row->letter) {
            letters[l++] = rows[i].row->letter;
            if (has_arg == required_argument)
                letters[l++] = ':';
        }
    }
    for (const struct option_alias *a = spec->aliases; a && a->old_name && k < 2 * n; a++)
        for (size_t i = 0; i < n; i++)
            if (strcmp(rows[i].row->name, a->name) == 0)
                opts[k++] = (struct option){a->old_name, opts[i].has_arg, NULL, 256 + (int)i};
    opts[k++] = (struct option){"help", no_argument, NULL, 'h'};
    opts[k] = (struct option){NULL, 0, NULL, 0};
    letters[l] = '\0';
}

static int letter_row(const struct active *rows, size_t n, int c) {
    for (size_t i = 0; i < n; i++)
        if (rows[i].row->letter == c)
            return (int)i;
    return -1;
}

/* The option as the user wrote it, for messages: the word for a long one ("--bogus"), "-x" for
 * a letter (which may sit inside a group such as "-qx"). */
static const char *given(char **argv, char *buf, size_t len) {
    const char *word = argv[optind - 1];
    if (strncmp(word, "--", 2) == 0 || optopt <= 0 || optopt >= 256)
        return word;
    snprintf(buf, len, "-%c", optopt);
    return buf;
}

int options_parse(const struct options_spec *spec, int argc, char **argv, int *operands) {
    enum { MAX_ROWS = 64 };
    struct active rows[MAX_ROWS];
    struct option opts[2 * MAX_ROWS + 2];
    char letters[2 * MAX_ROWS + 3];
    size_t n = collect_rows(spec, rows, MAX_ROWS);
    build_long_options(spec, rows, n, opts, letters);
    char word[8];
    opterr = 0;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, letters, opts, NULL)) != -1) {
        int i = c >= 256 ? c - 256 : letter_row(rows, n, c);
        if (c == 'h') {
            spec->usage(stdout);
            return -1;
        }
        if (c == ':')
            return command_usage_error(spec->command, "%s needs a value",
                                       given(argv, word, sizeof word));
        if (c == '?' || i < 0)
            return command_usage_error(spec->command, "unknown option '%s'",
                                       given(argv, word, sizeof word));
        int rc = store(spec->command, rows[i].row, rows[i].base, optarg);
        if (rc)
            return rc;
    }
    if (spec->max_operands >= 0 && argc - optind > spec->max_operands)
        return command_usage_error(spec->command, "unexpected argument '%s'",
                                   argv[optind + spec->max_operands]);
    if (spec->missing_operand && optind >= argc)
        return command_usage_error(spec->command, "%s", spec->missing_operand);
    *operands = optind;
    return 0;
}
