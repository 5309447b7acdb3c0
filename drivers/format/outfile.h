/* outfile: result files written atomically.
 *
 * outfile_open expands the name pattern (%h host, %j SLURM job id or "nojob", %r MPI rank or
 * 0, %d date YYYYMMDD, %% a percent sign), creates missing parent folders, and opens a
 * temporary file beside the final name (io/atomic_file.h), so an unwritable path fails before
 * any measurement. outfile_commit renames it into place; outfile_abort removes it, so a failed
 * or interrupted run never leaves a half-written result. Errors: -1 with a message in err.
 * Thread-safety: one outfile per thread.
 */
#ifndef OMPSWEEP_OUTFILE_H
#define OMPSWEEP_OUTFILE_H

#include "atomic_file.h"

#include <stdio.h>

struct outfile {
    FILE *f;         /* open between outfile_open and outfile_commit or outfile_abort */
    char path[4096]; /* the name, %-codes expanded */
    struct atomic_file file;
};

int outfile_expand(const char *pattern, char *out, size_t len, char *err, size_t errlen);
int outfile_open(struct outfile *o, const char *pattern, char *err, size_t errlen);
/* The same for a name taken as it is (no %-codes: a '%' is a '%'). */
int outfile_open_name(struct outfile *o, const char *name, char *err, size_t errlen);
int outfile_commit(struct outfile *o, char *err, size_t errlen);
void outfile_abort(struct outfile *o);

#endif
