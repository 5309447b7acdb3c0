/* What reading and writing share: the lock, strings, names (io/audio_reader.c and
 * io/audio_writer.c do the work). */
#include "audio.h"
#include "audio_private.h"

#include <stdio.h>
#include <stdlib.h>

pthread_mutex_t audio_open_lock = PTHREAD_MUTEX_INITIALIZER;

_Static_assert(AUDIO_NSTRINGS <= 16, "struct audio holds 16 strings");

size_t audio_samples(const struct audio *a) {
    return a->frames * (size_t)a->channels;
}

void audio_free_strings(char **strings) {
    for (int i = 0; i < AUDIO_NSTRINGS; i++) {
        free(strings[i]);
        strings[i] = NULL;
    }
}

const char *audio_format_name(int format, char *buf, size_t len) {
    SF_FORMAT_INFO major = {.format = format & SF_FORMAT_TYPEMASK};
    SF_FORMAT_INFO sub = {.format = format & SF_FORMAT_SUBMASK};
    int bad_major = sf_command(NULL, SFC_GET_FORMAT_INFO, &major, sizeof major) != 0;
    int bad_sub = sf_command(NULL, SFC_GET_FORMAT_INFO, &sub, sizeof sub) != 0;
    if (bad_major || bad_sub)
        snprintf(buf, len, "format 0x%08x", (unsigned)format);
    else
        snprintf(buf, len, "%s / %s", major.name, sub.name);
    return buf;
}

void audio_free(struct audio *a) {
    free(a->samples);
    a->samples = NULL;
    a->capacity = 0;
    audio_free_strings(a->strings);
}
