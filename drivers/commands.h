/* commands: the ompsweep subcommands. Each takes the arguments after its name (argv[0] is the
 * subcommand) and returns the process exit code: 0 success, 1 a failed measurement or I/O,
 * 2 a usage error (the message names the argument and what is wrong). */
#ifndef OMPSWEEP_COMMANDS_H
#define OMPSWEEP_COMMANDS_H

enum { EXIT_USAGE = 2 };

/* "ompsweep COMMAND: <message> (try 'ompsweep COMMAND --help')" on stderr; returns EXIT_USAGE. */
int command_usage_error(const char *command, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

int cmd_list(int argc, char **argv);
int cmd_info(int argc, char **argv, int full_argc, char **full_argv);
int cmd_run(int argc, char **argv, int full_argc, char **full_argv);
int cmd_ceilings(int argc, char **argv, int full_argc, char **full_argv);
int cmd_cachemap(int argc, char **argv, int full_argc, char **full_argv);
int cmd_chunkmap(int argc, char **argv, int full_argc, char **full_argv);
int cmd_overhead(int argc, char **argv, int full_argc, char **full_argv);
int cmd_breakeven(int argc, char **argv, int full_argc, char **full_argv);
int cmd_report(int argc, char **argv, int full_argc, char **full_argv);

#endif
