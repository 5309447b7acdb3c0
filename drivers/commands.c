#include "commands.h"

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
