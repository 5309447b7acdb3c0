/* plot_check: whether an image gnuplot wrote is whole, and why it is not.
 *
 * gnuplot may exit 0 having written only part of an image (its output went to a disk that
 * filled up), so the report checks each image before it replaces the last one: a PNG is whole
 * only if it starts with the PNG signature and ends with an IEND chunk; an SVG only if its
 * text ends with "</svg>" (trailing white space allowed). Nothing else is checked: the check
 * catches a cut-short file, not a malformed one.
 * Errors: 0 complete, PLOT_INCOMPLETE, or an errno value when the file cannot be read.
 * Thread-safety: no state.
 */
#ifndef OMPSWEEP_PLOT_CHECK_H
#define OMPSWEEP_PLOT_CHECK_H

#include <stddef.h>

enum plot_format { PLOT_FORMAT_SVG, PLOT_FORMAT_PNG };
enum { PLOT_INCOMPLETE = -1 };

/* Whether the len bytes at data are a whole image of the format: 0 or PLOT_INCOMPLETE. */
int plot_check_bytes(const unsigned char *data, size_t len, enum plot_format format);

/* The same for a file (only its first and last bytes are read): 0, PLOT_INCOMPLETE or errno. */
int plot_check_file(const char *path, enum plot_format format);

/* Why gnuplot failed or left an image incomplete: ENOSPC when its messages (stderr, may be
 * NULL) say "No space left on device" or the file system of folder has less than a plot's
 * worth of space left for this user (statvfs), else 0 (the messages say the rest). */
int plot_check_cause(const char *folder, const char *stderr_text);

#endif
