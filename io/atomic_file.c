/* atomic_file: temporary file, then rename (see atomic_file.h). */
#include "atomic_file.h"

#include "temp_registry.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char marker[] = ".ompsweep.tmp.";

/* This host's name (at most len - 1 characters) with every character outside [A-Za-z0-9._-]
 * made '_', so that the temporary name stays one plain file name. */
static void host_name(char *out, size_t len) {
    char host[256] = "";
    if (gethostname(host, sizeof host - 1) != 0 || !host[0])
        snprintf(host, sizeof host, "host");
    size_t j = 0;
    for (size_t i = 0; host[i] && j + 1 < len; i++) {
        char c = host[i];
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '.' || c == '_' || c == '-';
        out[j++] = ok ? c : '_';
    }
    out[j] = '\0';
}

int atomic_file_temp_name(const char *path, long pid, unsigned n, char *out, size_t len) {
    char host[65], suffix[128];
    host_name(host, sizeof host);
    snprintf(suffix, sizeof suffix, "%s%ld.%u.%s", marker, pid, n, host);
    /* A final name near the file system's limit (NAME_MAX) gets a shortened temporary name:
     * only the suffix says whose it is. */
    const char *slash = strrchr(path, '/');
    size_t dir_len = slash ? (size_t)(slash - path + 1) : 0, base_len = strlen(path) - dir_len;
    if (base_len + strlen(suffix) > NAME_MAX)
        base_len = NAME_MAX - strlen(suffix);
    int k = snprintf(out, len, "%.*s%s", (int)(dir_len + base_len), path, suffix);
    return k < 0 || (size_t)k >= len ? ENAMETOOLONG : 0;
}

/* The PID in name when it is a temporary of ours made on this host, else 0. */
static long temporary_owner(const char *name, const char *host) {
    const char *m = NULL;
    for (const char *p = strstr(name, marker); p; p = strstr(p + 1, marker))
        m = p;
    if (!m || m == name)
        return 0;
    char *end;
    long pid = strtol(m + sizeof marker - 1, &end, 10);
    if (pid <= 0 || *end != '.')
        return 0;
    strtoul(end + 1, &end, 10);
    if (*end != '.' || strcmp(end + 1, host) != 0)
        return 0;
    return pid;
}

/* Removes the temporaries in folder that a process of this host that no longer exists left. */
static void remove_stale(const char *folder) {
    char host[65];
    host_name(host, sizeof host);
    DIR *d = opendir(folder);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        long pid = temporary_owner(e->d_name, host);
        if (pid > 0 && pid != (long)getpid() && kill((pid_t)pid, 0) != 0 && errno == ESRCH)
            unlinkat(dirfd(d), e->d_name, 0);
    }
    closedir(d);
}

/* The folder of path ("." for a bare name) into out. */
static void folder_of(const char *path, char *out, size_t len) {
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(out, len, ".");
    else if (slash == path)
        snprintf(out, len, "/");
    else
        snprintf(out, len, "%.*s", (int)(slash - path), path);
}

int atomic_file_open(struct atomic_file *a, const char *path) {
    static atomic_uint counter; /* numbers this process's temporaries */
    a->fd = -1;
    a->slot = -1;
    a->tmp[0] = '\0';
    if ((size_t)snprintf(a->path, sizeof a->path, "%s", path) >= sizeof a->path)
        return ENAMETOOLONG;
    char folder[ATOMIC_FILE_PATH_MAX];
    folder_of(path, folder, sizeof folder);
    remove_stale(folder);
    /* Registered before it exists, so that no signal can come between its creation and its
     * registration; a name left by a dead process with our PID is skipped (O_EXCL). */
    for (int tries = 0; tries < 1000; tries++) {
        unsigned n = atomic_fetch_add(&counter, 1);
        int e = atomic_file_temp_name(path, (long)getpid(), n, a->tmp, sizeof a->tmp);
        if (!e)
            e = temp_registry_add(a->tmp, &a->slot);
        if (e) {
            a->tmp[0] = '\0';
            return e;
        }
        a->fd = open(a->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (a->fd >= 0)
            return 0;
        e = errno;
        temp_registry_remove(a->slot);
        a->slot = -1;
        a->tmp[0] = '\0';
        if (e != EEXIST)
            return e;
    }
    return EEXIST;
}

/* The temporary file is gone (renamed or removed): forget it. */
static void forget(struct atomic_file *a) {
    temp_registry_remove(a->slot);
    a->slot = -1;
    a->tmp[0] = '\0';
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
    forget(a);
    return e;
}

void atomic_file_abort(struct atomic_file *a) {
    if (a->fd >= 0)
        close(a->fd);
    a->fd = -1;
    if (a->tmp[0]) {
        unlink(a->tmp);
        forget(a);
    }
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
