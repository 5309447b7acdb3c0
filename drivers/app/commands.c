#include "app/commands.h"

#include "format/outfile.h"
#include "format/units.h"

#include <stdarg.h>
#include <stdio.h>

int command_usage_error(const char *command, const char *fmt, ...) {
    va_list ap;
    fprintf(stderr, "ompsweep %s: ", command);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, " (try 'ompsweep %s --help')\n", command);
    return EXIT_USAGE;
}

int command_open_outputs(const char *command, const char *csv, const char *json,
                         struct outfile *csv_file, struct outfile *json_file) {
    char err[CLI_ERRLEN];
    if (csv && outfile_open(csv_file, csv, err, sizeof err))
        return command_usage_error(command, "--csv: %s", err);
    if (json && outfile_open(json_file, json, err, sizeof err)) {
        outfile_abort(csv_file);
        return command_usage_error(command, "--json: %s", err);
    }
    return 0;
}

int command_commit_output(const char *command, struct outfile *o, const char *option) {
    char err[CLI_ERRLEN];
    if (o->f && outfile_commit(o, err, sizeof err)) {
        fprintf(stderr, "ompsweep %s: %s: %s\n", command, option, err);
        return 1;
    }
    return 0;
}
