/* cpu_flags: /proc/cpuinfo's feature words (see cpu_flags.h). */
#include "machine/cpu_flags.h"

#include <stdio.h>
#include <string.h>

int cpu_flags_read(const char *path, char *buf, size_t cap) {
    FILE *f = fopen(path ? path : "/proc/cpuinfo", "r");
    char line[CPU_FLAGS_MAX];
    int rc = -1;
    if (cap)
        buf[0] = '\0';
    if (!f)
        return -1;
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "flags", 5) != 0 || !strchr(line, ':'))
            continue;
        const char *v = strchr(line, ':') + 1;
        v += strspn(v, " \t");
        snprintf(buf, cap, "%.*s", (int)strcspn(v, "\n"), v);
        rc = 0;
        break;
    }
    fclose(f);
    return rc;
}

int cpu_flags_has(const char *flags, const char *word, size_t n) {
    const char *p = flags;
    for (;;) {
        p += strspn(p, " \t\n");
        if (!*p)
            return 0;
        size_t len = strcspn(p, " \t\n");
        if (len == n && strncmp(p, word, n) == 0)
            return 1;
        p += len;
    }
}

void cpu_vector_features(const char *flags, char *out, size_t cap) {
    /* Linux's name, then the name printed. */
    static const char *const features[][2] = {{"sse2", "sse2"},
                                              {"pni", "sse3"},
                                              {"ssse3", "ssse3"},
                                              {"sse4_1", "sse4_1"},
                                              {"sse4_2", "sse4_2"},
                                              {"sse4a", "sse4a"},
                                              {"avx", "avx"},
                                              {"fma", "fma"},
                                              {"fma4", "fma4"},
                                              {"avx2", "avx2"},
                                              {"avx512f", "avx512f"},
                                              {"avx512cd", "avx512cd"},
                                              {"avx512bw", "avx512bw"},
                                              {"avx512dq", "avx512dq"},
                                              {"avx512vl", "avx512vl"},
                                              {"avx512_bf16", "avx512_bf16"},
                                              {"avx512_fp16", "avx512_fp16"},
                                              {"amx_tile", "amx_tile"},
                                              {"amx_bf16", "amx_bf16"}};
    size_t used = 0;
    if (cap)
        out[0] = '\0';
    for (size_t i = 0; i < sizeof features / sizeof features[0] && used < cap; i++)
        if (cpu_flags_has(flags, features[i][0], strlen(features[i][0])))
            used +=
                (size_t)snprintf(out + used, cap - used, "%s%s", used ? " " : "", features[i][1]);
}
