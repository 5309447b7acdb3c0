/* options: the one command-line parser of ompsweep's commands.
 *
 * A command lists its options as rows (name, kind, where the value goes in its argument struct,
 * range) and options_parse reads argv against them: getopt_long underneath, so options and
 * operands may mix, "--" ends the options, and the operands end up, in order, from
 * argv[*operands] on. Each value is checked by its kind as it is read (format/units.h), and
 * every problem is worded one way by every command, naming the option:
 *     ompsweep run: --samples: 0 is out of range (1 to 1000) (try 'ompsweep run --help')
 *     ompsweep run: unknown option '--bogus' (try 'ompsweep run --help')
 *     ompsweep run: --threads needs a value (try 'ompsweep run --help')
 * The options that several commands share (--threads --schedule --chunk --size --param
 * --samples --min-time --seed --csv --json --quiet) are defined once here, with one meaning
 * each; a command takes the ones it names in `common`, and a row of its own with the same name
 * replaces the shared one (breakeven's --threads is one count, not a list).
 * Errors: see options_parse. Thread-safety: one parse at a time (getopt's globals).
 */
#ifndef OMPSWEEP_OPTIONS_H
#define OMPSWEEP_OPTIONS_H

#include "kernel.h"

#include <stddef.h>
#include <stdio.h>

enum option_kind {
    OPTION_FLAG,    /* no value: the int becomes 1                                   */
    OPTION_TEXT,    /* the value as given, a list the command resolves: const char * */
    OPTION_LIST,    /* repeatable, each value kept: struct option_list               */
    OPTION_INT,     /* a whole number (k, M, G allowed) in [min, max]: int           */
    OPTION_COUNT,   /* the same into a long long                                     */
    OPTION_SECONDS, /* a duration ("0.02", "20ms", "2s"): double                      */
    OPTION_REAL,    /* a finite real number in [min, max]: double                    */
    OPTION_BYTES,   /* a size in bytes ("64K", "2M") in [min, max]: long long         */
    OPTION_FRACTION /* a fraction ("2%" or "0.02") in [min, max]: double                  */
};

struct option_row {
    const char *name; /* the long name without "--"; NULL ends a table */
    char letter;      /* a one-letter spelling ('o' for -o), or 0 */
    enum option_kind kind;
    size_t offset;   /* where the value goes, from the start of the argument struct */
    double min, max; /* the range of OPTION_INT, OPTION_COUNT, OPTION_REAL, OPTION_BYTES */
};

/* The values of a repeatable option, in the order given. */
struct option_list {
    const char *item[KERNEL_MAX_PARAMS];
    int n;
};

/* The shared options' values; what was not given keeps the value the command set. */
struct common_options {
    const char *threads, *schedule, *chunk, *size; /* lists: resolved by the command */
    struct option_list param;                      /* NAME=VALUE[,...], repeatable   */
    int samples;                                   /* 1 to 1000                      */
    double min_time;                               /* seconds                        */
    long long seed;                                /* 0 to 2^63 - 1                  */
    const char *csv, *json;                        /* output names, as given         */
    int quiet;
};

enum common_option {
    COMMON_THREADS = 1u << 0,
    COMMON_SCHEDULE = 1u << 1,
    COMMON_CHUNK = 1u << 2,
    COMMON_SIZE = 1u << 3,
    COMMON_PARAM = 1u << 4,
    COMMON_SAMPLES = 1u << 5,
    COMMON_MIN_TIME = 1u << 6,
    COMMON_SEED = 1u << 7,
    COMMON_CSV = 1u << 8,
    COMMON_JSON = 1u << 9,
    COMMON_QUIET = 1u << 10,
};

/* Another spelling of an option, still accepted ("chunks" for "chunk"). */
struct option_alias {
    const char *old_name, *name; /* NULL ends a table */
};

struct options_spec {
    const char *command;                /* "run", "etl noise": in messages                  */
    void (*usage)(FILE *f);             /* prints the command's help (--help, -h)           */
    unsigned common;                    /* enum common_option: the shared options it takes  */
    struct common_options *values;      /* where they go (NULL when common is 0)            */
    const struct option_row *rows;      /* its own options ({NULL}-terminated; may be NULL)  */
    const struct option_row *more_rows; /* more of them, into args too (may be NULL)    */
    void *args;                         /* where its own options go                      */
    const struct option_alias *aliases; /* older spellings (may be NULL)                 */
    int max_operands;                   /* arguments that are not options; -1: any number */
    const char *missing_operand;        /* the message when one is needed and none is given
                                           ("which kernel? ..."); NULL: none is needed       */
};

/* Parses argv[1 .. argc) (argv[0] is the command). Returns 0 with *operands the index of the
 * first operand (argc when there is none); -1 after printing the usage on stdout for --help or
 * -h (the command then exits 0); or EXIT_USAGE after a message on stderr, also for more
 * operands than max_operands ("unexpected argument 'x'") and for none when one is needed. */
int options_parse(const struct options_spec *spec, int argc, char **argv, int *operands);

#endif
