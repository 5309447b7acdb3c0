/* atomic_file: temporary file, then rename (see atomic_file.h). */
#include "atomic_file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int atomic_file_open(struct atomic_file *a, const char *path) {
    a->fd = -1;
    a->tmp[0] = '\0';
    if ((size_t)snprintf(a->path, sizeof a->path, "%s", path) >= sizeof a->path)
        return ENAMETOOLONG;
    const char *slash = strrchr(path, '/');
    int dir_len = slash ? (int)(slash - path + 1) : 0;
    const char *base = slash ? slash + 1 : path;
    int n = snprintf(a->tmp, sizeof a->tmp, "%.*s.%s.tmp.XXXXXX", dir_len, path, base);
    if (n < 0 || (size_t)n >= sizeof a->tmp) {
        a->tmp[0] = '\0';
        return ENAMETOOLONG;
    }
    a->fd = mkstemp(a->tmp);
    if (a->fd < 0) {
        int e = errno;
        a->tmp[0] = '\0';
        return e;
    }
    fchmod(a->fd, 0644);
    return 0;
}

int atomic_file_commit(struct atomic_file *a) {
    int e = 0;
    if (a->fd >= 0 && close(a->fd) != 0)
        e = errno;
    a->fd = -1;
    if (!e && rename(a->tmp, a->path) != 0)
        e = errno;
    if (e)
        unlink(a->tmp);
    a->tmp[0] = '\0';
    return e;
}

void atomic_file_abort(struct atomic_file *a) {
    if (a->fd >= 0)
        close(a->fd);
    a->fd = -1;
    if (a->tmp[0])
        unlink(a->tmp);
    a->tmp[0] = '\0';
}

int atomic_file_make_folders(const char *dir, char *failed, size_t len) {
    char path[ATOMIC_FILE_PATH_MAX];
    if ((size_t)snprintf(path, sizeof path, "%s", dir) >= sizeof path)
        return ENAMETOOLONG;
    if (!path[0])
        return ENOENT;
    /* Each prefix ending before a '/', then the whole path. */
    for (char *p = path + 1;; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char end = *p;
        *p = '\0';
        if (mkdir(path, 0777) != 0 && errno != EEXIST) {
            int e = errno;
            snprintf(failed, len, "%s", path);
            return e;
        }
        *p = end;
        if (end == '\0')
            return 0;
    }
}
