/* atomic_file: a file written under a temporary name beside its final one and renamed into
 * place when complete, so that no reader ever sees it half-written and a failed or interrupted
 * write leaves the old file, or nothing, where it was. Every output of ompsweep goes this way:
 * result files, reports and plots, audio.
 *
 * The temporary name is "NAME.ompsweep.tmp.PID.N.HOST" in the final name's folder (HOST: at
 * most 64 characters; NAME cut short when the whole would exceed NAME_MAX): visible, saying
 * which program and which process on which host is writing it, and on the same file system,
 * so that rename() replaces the final name in one step. It is created with mode 0644
 * (before the umask) and registered (io/temp_registry.h) until it is renamed or removed, so a
 * SIGINT, SIGTERM or SIGHUP removes it. Before creating one, atomic_file_open removes the
 * temporaries in the same folder that a process of this host left behind when it died (its
 * name has our pattern, this host's name, and a PID that no process has now, as this process
 * sees them: another PID namespace with the same host name looks dead); others' are never
 * touched.
 *
 * Errors: the functions return 0 or an errno value (nothing is printed; the caller names the
 * file). Thread-safety: one atomic_file per thread; distinct files are independent.
 */
#ifndef OMPSWEEP_ATOMIC_FILE_H
#define OMPSWEEP_ATOMIC_FILE_H

#include <stddef.h>

enum { ATOMIC_FILE_PATH_MAX = 4096 };

struct atomic_file {
    int fd;   /* the temporary file, open for writing; -1 once closed */
    int slot; /* its place in io/temp_registry.h while tmp names a file */
    char path[ATOMIC_FILE_PATH_MAX];
    char tmp[ATOMIC_FILE_PATH_MAX]; /* "" when there is no temporary file */
};

/* Creates the temporary file of path (whose folder must exist). ENAMETOOLONG when a name does
 * not fit; on failure nothing is left behind. */
int atomic_file_open(struct atomic_file *a, const char *path);

/* Closes the descriptor (unless the caller has: fd < 0) and renames the temporary file to the
 * final name. On failure the temporary file is removed and the final name left as it was. */
int atomic_file_commit(struct atomic_file *a);

/* Closes the descriptor (unless closed) and removes the temporary file; safe to call again. */
void atomic_file_abort(struct atomic_file *a);

/* The temporary name that process pid of this host gives its n-th temporary file of path,
 * into out (len bytes): 0, or ENAMETOOLONG. */
int atomic_file_temp_name(const char *path, long pid, unsigned n, char *out, size_t len);

/* mkdir -p: creates dir and the folders above it that are missing (mode 0777 before the umask).
 * On failure, the folder that could not be made is copied into failed (len bytes). */
int atomic_file_make_folders(const char *dir, char *failed, size_t len);

#endif
