/* file_clash: outputs that would replace an input or another output (see file_clash.h). */
#include "file_clash.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct identity {
    int exists;
    int stream; /* exists and is a device, pipe or socket: nothing in it can be replaced */
    dev_t dev;
    ino_t ino;
    char *resolved; /* the absolute name (see resolve) */
};

/* Appends the components of rest to the resolved folder out (len bytes), applying "." and
 * ".." as written: they name folders that do not exist yet, so no link can redirect them. */
static int append_lexically(char *out, size_t len, char *rest) {
    for (char *save = NULL, *c = strtok_r(rest, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
        if (strcmp(c, ".") == 0)
            continue;
        if (strcmp(c, "..") == 0) {
            char *slash = strrchr(out, '/');
            if (slash)
                slash[slash == out] = '\0'; /* "/a" -> "/", "/" stays "/" */
            continue;
        }
        size_t used = strlen(out);
        int n =
            snprintf(out + used, len - used, "%s%s", used && out[used - 1] == '/' ? "" : "/", c);
        if (n < 0 || (size_t)n >= len - used)
            return ENAMETOOLONG;
    }
    return 0;
}

/* The absolute name of path, which need not exist: realpath of its longest existing prefix,
 * then the rest. NULL with errno on failure. */
static char *resolve(const char *path) {
    char abs[2 * PATH_MAX], real[PATH_MAX];
    if (path[0] == '/') {
        if ((size_t)snprintf(abs, sizeof abs, "%s", path) >= sizeof abs)
            return errno = ENAMETOOLONG, NULL;
    } else {
        if (!getcwd(real, sizeof real))
            return NULL;
        if ((size_t)snprintf(abs, sizeof abs, "%s/%s", real, path) >= sizeof abs)
            return errno = ENAMETOOLONG, NULL;
    }
    /* Cut components off the end until what is left exists ("/" always does). */
    size_t cut = strlen(abs);
    for (;;) {
        char keep = abs[cut];
        abs[cut] = '\0';
        int found = realpath(cut ? abs : "/", real) != NULL;
        abs[cut] = keep;
        if (found)
            break;
        while (cut > 0 && abs[--cut] != '/')
            ;
    }
    char *out = malloc(2 * PATH_MAX);
    if (!out)
        return NULL;
    snprintf(out, 2 * PATH_MAX, "%s", real);
    int e = append_lexically(out, 2 * PATH_MAX, abs + cut);
    if (e) {
        free(out);
        return errno = e, NULL;
    }
    return out;
}

static int identify(const char *path, struct identity *id) {
    struct stat st;
    memset(id, 0, sizeof *id);
    if (stat(path, &st) == 0) {
        id->exists = 1;
        id->stream = !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode);
        id->dev = st.st_dev;
        id->ino = st.st_ino;
    }
    id->resolved = resolve(path);
    return id->resolved ? 0 : -1;
}

static int same(const struct identity *a, const struct identity *b) {
    if (a->stream || b->stream)
        return 0; /* /dev/null, /dev/stdout, a pipe: written as a stream, nothing replaced */
    if (a->exists && b->exists)
        return a->dev == b->dev && a->ino == b->ino;
    /* One that does not exist yet ("new/../r.csv": the folder is made before it is written)
     * is the file its absolute name will be. */
    return strcmp(a->resolved, b->resolved) == 0;
}

int file_clash_same(const char *a, const char *b) {
    struct identity x, y;
    if (identify(a, &x))
        return -1;
    if (identify(b, &y)) {
        free(x.resolved);
        return -1;
    }
    int rc = same(&x, &y);
    free(x.resolved);
    free(y.resolved);
    return rc;
}

/* b's absolute name lies below a's: writing b makes a folder where a is to be a file. */
static int inside(const struct identity *a, const struct identity *b) {
    size_t len = strlen(a->resolved);
    return strncmp(b->resolved, a->resolved, len) == 0 && b->resolved[len] == '/';
}

int file_clash_find(const struct file_use *u, size_t n, size_t *first, size_t *second) {
    struct identity *ids = calloc(n ? n : 1, sizeof *ids);
    if (!ids)
        return -1;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = identify(u[i].path, &ids[i]);
    for (size_t j = 1; j < n && rc == 0; j++)
        for (size_t i = 0; i < j && rc == 0; i++)
            if ((u[i].output || u[j].output) && same(&ids[i], &ids[j])) {
                *first = i;
                *second = j;
                rc = 1;
            } else if (u[i].output && u[j].output &&
                       (inside(&ids[i], &ids[j]) || inside(&ids[j], &ids[i]))) {
                *first = inside(&ids[i], &ids[j]) ? i : j;
                *second = *first == i ? j : i;
                rc = 2;
            }
    int saved = errno;
    for (size_t i = 0; i < n; i++)
        free(ids[i].resolved);
    free(ids);
    errno = saved;
    return rc;
}
