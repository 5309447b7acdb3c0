/* What io/audio*.c share and nothing else needs. */
#ifndef OMPSWEEP_AUDIO_PRIVATE_H
#define OMPSWEEP_AUDIO_PRIVATE_H

#include <pthread.h>
#include <sndfile.h>

/* libsndfile keeps the error of a failed open in one global, read by sf_strerror(NULL): an open
 * and the reading of its error happen under this lock. */
extern pthread_mutex_t audio_open_lock;

enum { AUDIO_NSTRINGS = SF_STR_LAST - SF_STR_FIRST + 1 };

/* Samples a block of the 16-bit paths holds (libsndfile allows at most 1024 channels). */
enum { AUDIO_PCM16_BLOCK = 16384 };

/* Frees and clears strings[0 .. AUDIO_NSTRINGS). */
void audio_free_strings(char **strings);

#endif
