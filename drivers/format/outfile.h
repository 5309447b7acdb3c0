/* outfile: result files written atomically.
 *
 * outfile_open expands the name pattern (%h host, %j SLURM job id or "nojob", %r MPI rank or
 * 0, %d date YYYYMMDD, %% a percent sign), creates missing parent folders, and checks that a
 * temporary file can be made beside the final name (it makes one and removes it), so an
 * unwritable path fails before any measurement. The temporary file (io/atomic_file.h) is
 * created when the first bytes reach it (the stream's buffer is flushed, or at
 * outfile_commit), so a long measurement leaves nothing on disk until there is something to
 * write; outfile_commit renames it into place; outfile_abort removes it, so a failed or
 * interrupted run never leaves a half-written result.
 *
 * A name that exists and is neither a regular file nor a folder (/dev/stdout, /dev/null, a
 * named pipe) is opened and written directly: a stream has nothing to replace, and renaming a
 * file over it would replace the device itself.
 *
 * The values of %h, %j and %r come from the host name and the environment (SLURM_JOB_ID;
 * OMPI_COMM_WORLD_RANK, PMIX_RANK, PMI_RANK, SLURM_PROCID): a value with a character other
 * than a letter, a digit, '.', '_' or '-', or one that is "." or "..", is refused (an error
 * naming the variable), never substituted, so that no value can lead the name into another
 * folder.
 *
 * Errors: -1 with a message in err. Thread-safety: one outfile per thread; an outfile must stay
 * at the same address between outfile_open and outfile_commit or outfile_abort (its stream
 * refers to it).
 */
#ifndef OMPSWEEP_OUTFILE_H
#define OMPSWEEP_OUTFILE_H

#include "atomic_file.h"

#include <stdio.h>

struct outfile {
    FILE *f;                 /* open between outfile_open and outfile_commit or outfile_abort */
    char path[4096];         /* the name, %-codes expanded */
    struct atomic_file file; /* its temporary file once the first bytes are written */
    int error;               /* the errno of the first failed write; 0 */
    int discard;             /* set by outfile_abort: bytes still buffered go nowhere */
    int stream;              /* the name is a device, pipe or socket: written directly */
};

int outfile_expand(const char *pattern, char *out, size_t len, char *err, size_t errlen);
int outfile_open(struct outfile *o, const char *pattern, char *err, size_t errlen);
/* The same for a name taken as it is (no %-codes: a '%' is a '%'). */
int outfile_open_name(struct outfile *o, const char *name, char *err, size_t errlen);
int outfile_commit(struct outfile *o, char *err, size_t errlen);
void outfile_abort(struct outfile *o);

#endif
