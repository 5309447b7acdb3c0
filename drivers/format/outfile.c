#include "format/outfile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *env_or(const char *name, const char *fallback) {
    const char *v = getenv(name);
    return v && *v ? v : fallback;
}

static const char *rank_string(void) {
    static const char *const names[] = {"OMPI_COMM_WORLD_RANK", "PMIX_RANK", "PMI_RANK",
                                        "SLURM_PROCID", NULL};
    for (size_t i = 0; names[i]; i++)
        if (getenv(names[i]) && *getenv(names[i]))
            return getenv(names[i]);
    return "0";
}

int outfile_expand(const char *pattern, char *out, size_t len, char *err, size_t errlen) {
    char host[256] = "host", date[16];
    gethostname(host, sizeof host - 1);
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(date, sizeof date, "%Y%m%d", &tm);
    size_t used = 0;
    for (const char *p = pattern; *p; p++) {
        const char *piece;
        char one[2] = {*p, '\0'};
        if (*p != '%') {
            piece = one;
        } else {
            switch (*++p) {
            case 'h':
                piece = host;
                break;
            case 'j':
                piece = env_or("SLURM_JOB_ID", "nojob");
                break;
            case 'r':
                piece = rank_string();
                break;
            case 'd':
                piece = date;
                break;
            case '%':
                piece = "%";
                break;
            default:
                snprintf(err, errlen, "'%s': unknown %%-code (use %%h, %%j, %%r, %%d or %%%%)",
                         pattern);
                return -1;
            }
        }
        size_t n = strlen(piece);
        if (used + n + 1 > len) {
            snprintf(err, errlen, "'%s': name too long", pattern);
            return -1;
        }
        memcpy(out + used, piece, n);
        used += n;
    }
    out[used] = '\0';
    if (used == 0) {
        snprintf(err, errlen, "empty file name");
        return -1;
    }
    return 0;
}

/* mkdir -p of the folder part of path. */
static int make_parents(const char *path, char *err, size_t errlen) {
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (!slash || slash == dir)
        return 0;
    *slash = '\0';
    for (char *p = dir + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(dir, 0777) && errno != EEXIST)
            goto fail;
        *p = '/';
    }
    if (mkdir(dir, 0777) && errno != EEXIST)
        goto fail;
    return 0;
fail:
    snprintf(err, errlen, "cannot create folder '%s': %s", dir, strerror(errno));
    return -1;
}

int outfile_open(struct outfile *o, const char *pattern, char *err, size_t errlen) {
    memset(o, 0, sizeof *o);
    if (outfile_expand(pattern, o->path, sizeof o->path, err, errlen))
        return -1;
    struct stat st;
    if (stat(o->path, &st) == 0 && S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "'%s' is a folder, not a file name", o->path);
        return -1;
    }
    if (make_parents(o->path, err, errlen))
        return -1;
    if ((size_t)snprintf(o->tmp_path, sizeof o->tmp_path, "%s.tmp.XXXXXX", o->path) >=
        sizeof o->tmp_path) {
        snprintf(err, errlen, "'%s': name too long", o->path);
        return -1;
    }
    int fd = mkstemp(o->tmp_path);
    if (fd < 0) {
        snprintf(err, errlen, "cannot write '%s': %s", o->path, strerror(errno));
        return -1;
    }
    fchmod(fd, 0644);
    o->f = fdopen(fd, "w");
    if (!o->f) {
        close(fd);
        unlink(o->tmp_path);
        snprintf(err, errlen, "cannot write '%s': %s", o->path, strerror(errno));
        return -1;
    }
    return 0;
}

int outfile_commit(struct outfile *o, char *err, size_t errlen) {
    int bad = ferror(o->f);
    bad |= fclose(o->f) != 0;
    o->f = NULL;
    if (bad || rename(o->tmp_path, o->path) != 0) {
        snprintf(err, errlen, "cannot write '%s': %s", o->path, strerror(errno));
        unlink(o->tmp_path);
        return -1;
    }
    return 0;
}

void outfile_abort(struct outfile *o) {
    if (o->f) {
        fclose(o->f);
        o->f = NULL;
        unlink(o->tmp_path);
    }
}
