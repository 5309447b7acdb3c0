/* file_clash: whether a file a command would write is one it reads or another one it writes,
 * so that no output ever replaces an input and no two outputs replace each other.
 *
 * Two names are the same file when both exist and have the same device and inode (the same
 * name spelled another way, a hard link, a symbolic link to it), or, when one of them does
 * not exist yet, when both resolve to the same absolute name: the folders that exist with
 * their symbolic links resolved (realpath), the rest with "." and ".." applied as written.
 * Two inputs may be the same file; only pairs with an output are checked. A device, pipe or
 * socket (/dev/null, /dev/stdout) is never a clash: it is written as a stream, and nothing in
 * it is replaced.
 *
 * Errors: file_clash_find returns -1 with errno set (ENOMEM, or what getcwd failed with);
 * nothing is printed (the caller names the files). Thread-safety: no shared state.
 */
#ifndef OMPSWEEP_FILE_CLASH_H
#define OMPSWEEP_FILE_CLASH_H

#include <stddef.h>

struct file_use {
    const char *what; /* how the user gave it: "--csv", "-o"; NULL for an operand */
    const char *path;
    int output; /* 1: written (replaced), 0: read */
};

/* 1 when a and b name the same file (as above), else 0; -1 with errno when it cannot say. */
int file_clash_same(const char *a, const char *b);

/* Looks through u[0..n) for an output that is the same file as an earlier use: returns 1 with
 * *first < *second the first such pair; or for two outputs one of which would be made inside
 * the other (--csv x --json x/y: x cannot be both a file and a folder): returns 2 with *first
 * the outer one and *second the one inside it. 0 when there is neither, -1 with errno on
 * failure. */
int file_clash_find(const struct file_use *u, size_t n, size_t *first, size_t *second);

#endif
