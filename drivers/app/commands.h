/* commands: the ompsweep subcommands. Each takes the arguments after its name (argv[0] is the
 * subcommand) and returns the process exit code: 0 success, 1 a failed measurement or I/O,
 * 2 a usage error (the message names the argument and what is wrong). */
#ifndef OMPSWEEP_COMMANDS_H
#define OMPSWEEP_COMMANDS_H

#include <stddef.h>

/* The exit codes of every command (main returns them). */
enum { EXIT_FAILED = 1, EXIT_USAGE = 2 };

/* "ompsweep COMMAND: <message> (try 'ompsweep COMMAND --help')" on stderr; returns EXIT_USAGE. */
int command_usage_error(const char *command, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

struct kernel;
struct kernel_variant;
struct outfile;

/* The kernel called name: 0, or EXIT_USAGE after "unknown kernel 'name' ('ompsweep list' shows
 * them)". */
int command_find_kernel(const char *command, const char *name, const struct kernel **k);

/* The variant of k called name: 0, or EXIT_USAGE after "--variant: 'name' is not a variant of
 * KERNEL (it has: ...)". */
int command_find_variant(const char *command, const struct kernel *k, const char *name,
                         const struct kernel_variant **v);

struct file_use;

/* Refuses a command whose outputs include one of its inputs or the same file twice (a name,
 * a hard link or a symbolic link: io/file_clash.h): 0, or EXIT_USAGE after a message naming
 * both (EXIT_FAILED when the names cannot be checked). */
int command_check_files(const char *command, const struct file_use *u, size_t n);

/* Opens the --csv and --json files a command was given (NULL: not given) before it measures,
 * so a bad path fails first, after checking them against each other and against the files
 * the command reads (inputs[0..ninputs), their names expanded): 0, or EXIT_USAGE after a
 * message (nothing is left open). */
int command_open_outputs(const char *command, const char *csv, const char *json,
                         const struct file_use *inputs, size_t ninputs, struct outfile *csv_file,
                         struct outfile *json_file);

/* Renames a written output into place (nothing if it was not opened): 0, or 1 after a message
 * naming the option. */
int command_commit_output(const char *command, struct outfile *o, const char *option);

/* Each count in threads[0..n) gets a team of that many threads (machine/omp_team.h): 0, or
 * EXIT_USAGE after a message naming option (or "the default --threads" when option is NULL)
 * and the OpenMP setting in the way. */
int command_check_teams(const char *command, const long long *threads, size_t n,
                        const char *option);

/* Drops repeated items from items[0..*n) (each size bytes; same() says two are equal), keeping
 * the first of each, and says on stderr how many went: a value listed twice (--threads 1,1)
 * would be measured twice and reported as two points. */
void command_drop_repeats(const char *command, const char *option, void *items, size_t size,
                          size_t *n, int (*same)(const void *, const void *));

/* same() for long long items and for pointers, for command_drop_repeats. */
int command_same_count(const void *a, const void *b);
int command_same_pointer(const void *a, const void *b);

struct context;

/* "ompsweep COMMAND: warning: OpenBLAS runs ..." on stderr when the context holds a warning
 * about OpenBLAS's core (machine/blas_core.h); nothing otherwise. */
void command_blas_warning(const char *command, const struct context *ctx);

int cmd_list(int argc, char **argv);
int cmd_info(int argc, char **argv, int full_argc, char **full_argv);
int cmd_run(int argc, char **argv, int full_argc, char **full_argv);
int cmd_ceilings(int argc, char **argv, int full_argc, char **full_argv);
int cmd_cachemap(int argc, char **argv, int full_argc, char **full_argv);
int cmd_chunkmap(int argc, char **argv, int full_argc, char **full_argv);
int cmd_overhead(int argc, char **argv, int full_argc, char **full_argv);
int cmd_breakeven(int argc, char **argv, int full_argc, char **full_argv);
int cmd_report(int argc, char **argv, int full_argc, char **full_argv);
int cmd_ae(int argc, char **argv, int full_argc, char **full_argv);
int cmd_etl(int argc, char **argv, int full_argc, char **full_argv);

#endif
