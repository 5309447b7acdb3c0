#include "format/outfile.h"

#include "atomic_file.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* The value of a %-code and where it came from (for the message when it is refused). */
struct code_value {
    const char *value, *source;
};

static struct code_value job_id(void) {
    const char *v = getenv("SLURM_JOB_ID");
    return v && *v ? (struct code_value){v, "SLURM_JOB_ID"} : (struct code_value){"nojob", ""};
}

static struct code_value rank_value(void) {
    static const char *const names[] = {"OMPI_COMM_WORLD_RANK", "PMIX_RANK", "PMI_RANK",
                                        "SLURM_PROCID", NULL};
    for (size_t i = 0; names[i]; i++)
        if (getenv(names[i]) && *getenv(names[i]))
            return (struct code_value){getenv(names[i]), names[i]};
    return (struct code_value){"0", ""};
}

/* A value that may become part of a file name: [A-Za-z0-9._-]+, and not "." or "..". */
static int safe_value(const char *v) {
    if (!*v || strcmp(v, ".") == 0 || strcmp(v, "..") == 0)
        return 0;
    for (; *v; v++)
        if (!((*v >= 'a' && *v <= 'z') || (*v >= 'A' && *v <= 'Z') || (*v >= '0' && *v <= '9') ||
              *v == '.' || *v == '_' || *v == '-'))
            return 0;
    return 1;
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
        const char *piece = NULL;
        char one[2] = {*p, '\0'};
        struct code_value from = {NULL, NULL};
        if (*p != '%') {
            piece = one;
        } else {
            switch (*++p) {
            case 'h':
                from = (struct code_value){host, "the host name"};
                break;
            case 'j':
                from = job_id();
                break;
            case 'r':
                from = rank_value();
                break;
            case 'd':
                from = (struct code_value){date, "the date"};
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
        if (from.value) {
            if (!safe_value(from.value)) {
                snprintf(err, errlen,
                         "'%s': %%%c would be '%s' (from %s): a name part may hold only letters, "
                         "digits, '.', '_' and '-', and may not be '.' or '..'",
                         pattern, *p, from.value, from.source);
                return -1;
            }
            piece = from.value;
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

/* The stream's sink: the temporary file, made when the first bytes arrive. */
static ssize_t cookie_write(void *cookie, const char *buf, size_t size) {
    struct outfile *o = cookie;
    if (o->discard)
        return (ssize_t)size;
    if (!o->error && !o->file.tmp[0])
        o->error = atomic_file_open(&o->file, o->path);
    for (size_t done = 0; !o->error && done < size;) {
        ssize_t n = write(o->file.fd, buf + done, size - done);
        if (n > 0)
            done += (size_t)n;
        else if (n == 0)
            o->error = EIO; /* a regular file never takes nothing: do not spin */
        else if (errno != EINTR)
            o->error = errno;
    }
    if (o->error) {
        errno = o->error;
        return 0; /* fewer bytes than given: the stream's error flag is set */
    }
    return (ssize_t)size;
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
    if (stat(o->path, &st) == 0 && !S_ISREG(st.st_mode)) {
        o->stream = 1;
        o->f = fopen(o->path, "w");
        if (!o->f)
            snprintf(err, errlen, "cannot write '%s': %s", o->path, strerror(errno));
        return o->f ? 0 : -1;
    }
    if (make_parents(o->path, err, errlen))
        return -1;
    /* Can a temporary file be made there? Made and removed now, made again when needed. */
    int e = atomic_file_open(&o->file, o->path);
    atomic_file_abort(&o->file);
    if (!e) {
        static const cookie_io_functions_t sink = {.write = cookie_write};
        o->f = fopencookie(o, "w", sink);
        if (!o->f)
            e = errno;
    }
    if (e) {
        snprintf(err, errlen, "cannot write '%s': %s", o->path, strerror(e));
        return -1;
    }
    return 0;
}

int outfile_commit(struct outfile *o, char *err, size_t errlen) {
    if (o->stream) {
        errno = 0;
        int failed = fflush(o->f) != 0 || ferror(o->f);
        int e = errno ? errno : EIO;
        failed |= fclose(o->f) != 0;
        o->f = NULL;
        if (failed)
            snprintf(err, errlen, "cannot write '%s': %s", o->path, strerror(e));
        return failed ? -1 : 0;
    }
    int e = ferror(o->f) ? EIO : 0;
    if (fclose(o->f) != 0 && !e)
        e = errno;
    o->f = NULL;
    if (o->error)
        e = o->error; /* the cause, rather than the stream's EIO */
    if (!e && !o->file.tmp[0])
        e = atomic_file_open(&o->file, o->path); /* nothing was written: an empty file */
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
    o->discard = 1;
    fclose(o->f);
    o->f = NULL;
    atomic_file_abort(&o->file);
}
