/* plot_check: is an image whole (see plot_check.h). */
#include "report/plot_check.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

static const unsigned char png_signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
/* The last chunk of every PNG: length 0, type IEND, and the CRC of "IEND". */
static const unsigned char png_iend[12] = {0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xae, 0x42, 0x60, 0x82};
static const char svg_end[] = "</svg>";

/* Less free space than this, where an image was left incomplete, means the disk filled up:
 * the report's largest images are a few hundred KiB. */
#define PLOT_SPACE_BYTES (1024.0 * 1024.0)

/* head: the first bytes of the file, tail: its last ones (they may overlap); size in all. */
static int complete(const unsigned char *head, size_t headlen, const unsigned char *tail,
                    size_t taillen, size_t size, enum plot_format format) {
    if (format == PLOT_FORMAT_PNG)
        return size >= sizeof png_signature + sizeof png_iend && headlen >= sizeof png_signature &&
                       memcmp(head, png_signature, sizeof png_signature) == 0 &&
                       taillen >= sizeof png_iend &&
                       memcmp(tail + taillen - sizeof png_iend, png_iend, sizeof png_iend) == 0
                   ? 0
                   : PLOT_INCOMPLETE;
    size_t n = taillen, m = sizeof svg_end - 1;
    while (n > 0 && strchr(" \t\r\n", tail[n - 1]) && tail[n - 1] != '\0')
        n--;
    return n >= m && memcmp(tail + n - m, svg_end, m) == 0 ? 0 : PLOT_INCOMPLETE;
}

int plot_check_bytes(const unsigned char *data, size_t len, enum plot_format format) {
    return complete(data, len, data, len, len, format);
}

int plot_check_file(const char *path, enum plot_format format) {
    /* An SVG may end in more white space than this, but gnuplot writes one line end. */
    unsigned char head[sizeof png_signature], tail[4096];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno;
    struct stat st;
    int rc = 0;
    ssize_t h = 0, t = 0;
    if (fstat(fd, &st) != 0)
        rc = errno;
    size_t size = rc ? 0 : (size_t)st.st_size;
    size_t want = size < sizeof tail ? size : sizeof tail;
    if (!rc && ((h = pread(fd, head, sizeof head, 0)) < 0 ||
                (t = pread(fd, tail, want, (off_t)(size - want))) < 0))
        rc = errno;
    close(fd);
    if (rc)
        return rc;
    return complete(head, (size_t)h, tail, (size_t)t, size, format);
}

int plot_check_cause(const char *folder, const char *stderr_text) {
    if (stderr_text && strstr(stderr_text, strerror(ENOSPC)))
        return ENOSPC;
    struct statvfs fs;
    if (statvfs(folder, &fs) == 0 && (double)fs.f_bavail * (double)fs.f_frsize < PLOT_SPACE_BYTES)
        return ENOSPC;
    return 0;
}
