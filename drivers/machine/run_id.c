/* run_id: a run's identity from its start time and 64 random bits (see run_id.h). */
#include "machine/run_id.h"

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/random.h>

/* 8 bytes from the kernel's generator; a signal may cut the call short, so it is retried. */
static int random_u64(uint64_t *v) {
    unsigned char *p = (unsigned char *)v;
    size_t got = 0;
    while (got < sizeof *v) {
        ssize_t n = getrandom(p + got, sizeof *v - got, 0);
        if (n < 0 && errno != EINTR)
            return errno;
        if (n > 0)
            got += (size_t)n;
    }
    return 0;
}

int run_id_make(char *out, size_t len, time_t start) {
    if (len < RUN_ID_LEN) {
        if (len)
            out[0] = '\0';
        return ERANGE;
    }
    out[0] = '\0';
    uint64_t bits;
    struct tm tm;
    int rc = random_u64(&bits);
    if (rc)
        return rc;
    if (!gmtime_r(&start, &tm))
        return EOVERFLOW;
    size_t n = strftime(out, len, "%Y%m%dT%H%M%SZ-", &tm);
    if (n == 0 || n + 17 > len) {
        out[0] = '\0';
        return ERANGE;
    }
    snprintf(out + n, len - n, "%016" PRIx64, bits);
    return 0;
}
