#include "format/outfile.h"

#include "atomic_file.h"

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
    char dir[ATOMIC_FILE_PATH_MAX], failed[ATOMIC_FILE_PATH_MAX];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (!slash || slash == dir)
        return 0;
    *slash = '\0';
    int e = atomic_file_make_folders(dir, failed, sizeof failed);
    if (e)
        snprintf(err, errlen, "cannot create folder '%s': %s", failed, strerror(e));
    return e ? -1 : 0;
}

int outfile_open(struct outfile *o, const char *pattern, char *err, size_t errlen) {
    char path[sizeof o->path];
    if (outfile_expand(pattern, path, sizeof path, err, errlen))
        return -1;
    return outfile_open_name(o, path, err, errlen);
}

int outfile_open_name(struct outfile *o, const char *name, char *err, size_t errlen) {
    memset(o, 0, sizeof *o);
    o->file.fd = -1;
    if ((size_t)snprintf(o->path, sizeof o->path, "%s", name) >= sizeof o->path) {
        snprintf(err, errlen, "'%.64s...': name too long", name);
        return -1;
    }
    struct stat st;
    if (stat(o->path, &st) == 0 && S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "'%s' is a folder, not a file name", o->path);
        return -1;
    }
    if (make_parents(o->path, err, errlen))
        return -1;
    int e = atomic_file_open(&o->file, o->path);
    o->f = e ? NULL : fdopen(o->file.fd, "w");
    if (!e && !o->f) {
        e = errno;
        atomic_file_abort(&o->file);
    }
    if (e) {
        snprintf(err, errlen, "cannot write '%s': %s", o->path, strerror(e));
        return -1;
    }
    return 0;
}

int outfile_commit(struct outfile *o, char *err, size_t errlen) {
    int e = ferror(o->f) ? EIO : 0;
    if (fclose(o->f) != 0 && !e)
        e = errno;
    o->f = NULL;
    o->file.fd = -1; /* fclose closed it */
    if (e)
        atomic_file_abort(&o->file);
    else
        e = atomic_file_commit(&o->file);
    if (e)
        snprintf(err, errlen, "cannot write '%s': %s", o->path, strerror(e));
    return e ? -1 : 0;
}

void outfile_abort(struct outfile *o) {
    if (!o->f)
        return;
    fclose(o->f);
    o->f = NULL;
    o->file.fd = -1;
    atomic_file_abort(&o->file);
}
