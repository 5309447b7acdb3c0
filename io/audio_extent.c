/* The declared end of an audio file's sample data, from its header (io/audio_extent.h). */
#include "audio_extent.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

/* Chunks looked at before giving up on finding the data: a real file has a handful. */
enum { MAX_CHUNKS = 4096 };

/* The 12 bytes that follow the 4 ASCII bytes of every Wave64 chunk GUID. */
static const unsigned char w64_guid_tail[12] = {0xf3, 0xac, 0xd3, 0x11, 0x8c, 0xd1,
                                                0x00, 0xc0, 0x4f, 0x8e, 0xdb, 0x8a};
static const unsigned char w64_riff_guid[16] = {'r',  'i',  'f',  'f',  0x2e, 0x91, 0xcf, 0x11,
                                                0xa5, 0xd6, 0x28, 0xdb, 0x04, 0xc1, 0x00, 0x00};

/* n bytes at offset off: 1 read, 0 the file ends before, -1 a read error. */
static int read_at(int fd, uint64_t off, void *buf, size_t n) {
    if (off > (uint64_t)INT64_MAX - n)
        return 0;
    size_t done = 0;
    while (done < n) {
        ssize_t got = pread(fd, (char *)buf + done, n - done, (off_t)(off + done));
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            return -1;
        if (got == 0)
            return 0;
        done += (size_t)got;
    }
    return 1;
}

static uint64_t get_le(const unsigned char *p, int bytes) {
    uint64_t v = 0;
    for (int i = bytes - 1; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

static uint64_t get_be(const unsigned char *p, int bytes) {
    uint64_t v = 0;
    for (int i = 0; i < bytes; i++)
        v = v << 8 | p[i];
    return v;
}

static uint64_t add_sat(uint64_t a, uint64_t b) {
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static int found(struct audio_extent *e, uint64_t start, uint64_t bytes) {
    e->data_start = start;
    e->data_end = add_sat(start, bytes);
    return 1;
}

/* RIFF, RIFX, RF64, BW64: chunks of a 4-byte id and a 32-bit size, padded to even. In RF64 and
 * BW64 a data size of 0xFFFFFFFF means "see the ds64 chunk", whose body starts with the RIFF
 * size and the data size, 64 bits each. */
static int riff_extent(int fd, int big_endian, int is_64, struct audio_extent *e) {
    uint64_t off = 12, ds64_data = 0;
    int have_ds64 = 0;
    for (int i = 0; i < MAX_CHUNKS; i++) {
        unsigned char h[8], body[16];
        int rc = read_at(fd, off, h, sizeof h);
        if (rc <= 0)
            return rc;
        uint64_t size = big_endian ? get_be(h + 4, 4) : get_le(h + 4, 4);
        if (is_64 && memcmp(h, "ds64", 4) == 0 && size >= 16) {
            if ((rc = read_at(fd, off + 8, body, sizeof body)) <= 0)
                return rc;
            ds64_data = get_le(body + 8, 8);
            have_ds64 = 1;
        }
        if (memcmp(h, "data", 4) == 0) {
            if (size == 0xffffffff && is_64)
                return have_ds64 ? found(e, off + 8, ds64_data) : 0;
            /* Written by a program that could not seek back (0, 0xFFFFFFFF; sox writes 0x7FFFF000
             * and arecord 0x7FFFFFFF to a pipe): the data runs up to the end. */
            if (size == 0 || size == 0xffffffff || size == 0x7ffff000 || size == 0x7fffffff)
                return 0;
            return found(e, off + 8, size);
        }
        off += 8 + size + (size & 1);
    }
    return 0;
}

/* Wave64: chunks of a 16-byte GUID and a 64-bit little-endian size that counts the 24 bytes of
 * the chunk's own header, aligned to 8 bytes. */
static int w64_extent(int fd, struct audio_extent *e) {
    uint64_t off = 40;
    for (int i = 0; i < MAX_CHUNKS; i++) {
        unsigned char h[24];
        int rc = read_at(fd, off, h, sizeof h);
        if (rc <= 0)
            return rc;
        uint64_t size = get_le(h + 16, 8);
        if (size < 24)
            return 0;
        if (memcmp(h, "data", 4) == 0 && memcmp(h + 4, w64_guid_tail, 12) == 0)
            return found(e, off + 24, size - 24);
        uint64_t next = add_sat(off, add_sat(size, 7) & ~(uint64_t)7);
        if (next == UINT64_MAX)
            return 0;
        off = next;
    }
    return 0;
}

/* AIFF and AIFC: big-endian chunks padded to even. The SSND chunk's body starts with an offset
 * and a block size (32 bits each); the samples start `offset` bytes after them. */
static int aiff_extent(int fd, struct audio_extent *e) {
    uint64_t off = 12;
    for (int i = 0; i < MAX_CHUNKS; i++) {
        unsigned char h[8], ssnd[4];
        int rc = read_at(fd, off, h, sizeof h);
        if (rc <= 0)
            return rc;
        uint64_t size = get_be(h + 4, 4);
        if (memcmp(h, "SSND", 4) == 0) {
            if ((rc = read_at(fd, off + 8, ssnd, sizeof ssnd)) <= 0)
                return rc;
            uint64_t skip = 8 + get_be(ssnd, 4);
            if (size < skip)
                return 0;
            return found(e, off + 8 + skip, size - skip);
        }
        off += 8 + size + (size & 1);
    }
    return 0;
}

/* AU: the data offset and the data size follow the magic number (0xFFFFFFFF: unknown). */
static int au_extent(const unsigned char *h, int big_endian, struct audio_extent *e) {
    uint64_t start = big_endian ? get_be(h + 4, 4) : get_le(h + 4, 4);
    uint64_t size = big_endian ? get_be(h + 8, 4) : get_le(h + 8, 4);
    if (size == 0xffffffff)
        return 0;
    return found(e, start, size);
}

int audio_extent_read(int fd, struct audio_extent *e) {
    unsigned char h[16];
    int rc = read_at(fd, 0, h, sizeof h);
    if (rc <= 0)
        return rc;
    int wave = memcmp(h + 8, "WAVE", 4) == 0;
    if (wave && memcmp(h, "RIFF", 4) == 0)
        return riff_extent(fd, 0, 0, e);
    if (wave && memcmp(h, "RIFX", 4) == 0)
        return riff_extent(fd, 1, 0, e);
    if (wave && (memcmp(h, "RF64", 4) == 0 || memcmp(h, "BW64", 4) == 0))
        return riff_extent(fd, 0, 1, e);
    if (memcmp(h, w64_riff_guid, 16) == 0)
        return w64_extent(fd, e);
    if (memcmp(h, "FORM", 4) == 0 &&
        (memcmp(h + 8, "AIFF", 4) == 0 || memcmp(h + 8, "AIFC", 4) == 0))
        return aiff_extent(fd, e);
    if (memcmp(h, ".snd", 4) == 0)
        return au_extent(h, 1, e);
    if (memcmp(h, "dns.", 4) == 0)
        return au_extent(h, 0, e);
    return 0;
}
