/* audio_extent: where an audio file's header says its sample data ends, so that a file cut
 * short can be told from a complete one.
 *
 * libsndfile does not tell: for a file whose data chunk is longer than the file, it shortens
 * the length it reports to what the file holds and reads that without an error. This module
 * reads the header itself for the formats whose header states the data's length in bytes:
 * RIFF and RIFX WAV (also WAVE_FORMAT_EXTENSIBLE), RF64 and BW64 (the length in the ds64
 * chunk), Sony Wave64, AIFF and AIFC (the SSND chunk), Sun/NeXT AU (big or little endian).
 * A length field that means "up to the end of the file" (0, 0xFFFFFFFF, or the 0x7FFFF000 and
 * 0x7FFFFFFF that sox and arecord write to a pipe, in a WAV data chunk; 0xFFFFFFFF in an AU
 * header) states nothing. Compressed formats that state a frame count instead
 * (FLAC, MP3, Ogg) are checked by the reader against the frames it decodes, or the length it
 * can find (io/audio.h).
 *
 * Units: byte offsets from the start of the file. Thread-safety: no shared state; reads with
 * pread, so the descriptor's file position is left as it was.
 */
#ifndef OMPSWEEP_AUDIO_EXTENT_H
#define OMPSWEEP_AUDIO_EXTENT_H

#include <stdint.h>

struct audio_extent {
    uint64_t data_start; /* first byte of the sample data */
    uint64_t data_end;   /* one past the last byte the header declares */
};

/* 1 when the header of the file open at fd states where its sample data ends (*e filled in),
 * 0 when it does not (another format, an unknown length, a header too damaged to follow: the
 * decoder then judges the file), -1 when the file cannot be read (errno set). */
int audio_extent_read(int fd, struct audio_extent *e);

#endif
