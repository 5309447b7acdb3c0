/* rank_places: each rank's host, CPUs and threads, gathered from every rank (see rank_places.h). */
#include "machine/rank_places.h"

#include "machine/affinity.h"
#include "machine/ranks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { MAX_CPU_ID = 65536 };

void rank_places_format_cpus(const int *ids, int n, char *buf, size_t len) {
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < n;) {
        int j = i;
        while (j + 1 < n && ids[j + 1] == ids[j] + 1)
            j++;
        char item[32];
        int m = j > i ? snprintf(item, sizeof item, "%s%d-%d", i ? "," : "", ids[i], ids[j])
                      : snprintf(item, sizeof item, "%s%d", i ? "," : "", ids[i]);
        if (used + (size_t)m + 5 > len) { /* room for ",..." after it */
            snprintf(buf + used, len - used, "%s...", i ? "," : "");
            return;
        }
        memcpy(buf + used, item, (size_t)m + 1);
        used += (size_t)m;
        i = j + 1;
    }
}

int rank_places_parse_cpus(const char *list, unsigned char *set, int max) {
    int count = 0;
    const char *s = list;
    memset(set, 0, (size_t)max);
    while (*s) {
        char *end;
        long a = strtol(s, &end, 10), b = a;
        if (end == s || a < 0 || a >= max)
            return -1;
        s = end;
        if (*s == '-') {
            b = strtol(s + 1, &end, 10);
            if (end == s + 1 || b < a || b >= max)
                return -1;
            s = end;
        }
        for (long c = a; c <= b; c++)
            count += !set[c], set[c] = 1;
        if (*s == ',')
            s++;
        else if (*s)
            return -1;
    }
    return count;
}

/* Host and CPU list of ranks on one host, merged: the distinct CPUs and whether any is shared. */
static void host_cpus(const struct rank_places *p, const char *host, int *distinct, int *shared) {
    unsigned char *all = calloc(MAX_CPU_ID, 1), *one = malloc(MAX_CPU_ID);
    *distinct = 0;
    *shared = 0;
    for (int r = 0; all && one && r < p->count; r++) {
        if (strcmp(p->place[r].host, host) != 0 ||
            rank_places_parse_cpus(p->place[r].cpus, one, MAX_CPU_ID) < 0)
            continue;
        for (int c = 0; c < MAX_CPU_ID; c++)
            if (one[c]) {
                *shared |= all[c];
                *distinct += !all[c];
                all[c] = 1;
            }
    }
    free(all);
    free(one);
}

int rank_places_collect(struct rank_places *p) {
    memset(p, 0, sizeof *p);
    p->count = ranks_count();
    p->me = ranks_rank();
    struct rank_place mine = {0};
    if (gethostname(mine.host, sizeof mine.host) != 0)
        strcpy(mine.host, "unknown");
    mine.host[sizeof mine.host - 1] = '\0';
    int n = affinity_allowed_cpus(NULL, 0);
    int *ids = n > 0 ? calloc((size_t)n, sizeof *ids) : NULL;
    if (ids && affinity_allowed_cpus(ids, n) == n) {
        rank_places_format_cpus(ids, n, mine.cpus, sizeof mine.cpus);
        mine.ncpus = n;
    }
    free(ids);
    affinity_thread_map(mine.thread_cpus, sizeof mine.thread_cpus, &mine.threads);
    char text[RANK_HOST_LEN + RANK_CPUS_LEN + RANK_THREADS_LEN + 32];
    snprintf(text, sizeof text, "%s %d %d %s %s", mine.host, mine.ncpus, mine.threads,
             mine.cpus[0] ? mine.cpus : "-", mine.thread_cpus[0] ? mine.thread_cpus : "-");
    char *all = calloc((size_t)p->count, sizeof text);
    p->place = calloc((size_t)p->count, sizeof *p->place);
    if (!all || !p->place) {
        if (p->count > 1)
            abort(); /* the other ranks would wait in the gather forever */
        free(all);
        free(p->place);
        p->place = NULL;
        return -1;
    }
    ranks_allgather_text(text, all, sizeof text);
    for (int r = 0; r < p->count; r++) {
        struct rank_place *q = &p->place[r];
        const char *t = all + (size_t)r * sizeof text;
        if (sscanf(t, "%63s %d %d %191s %639s", q->host, &q->ncpus, &q->threads, q->cpus,
                   q->thread_cpus) < 5)
            snprintf(q->host, sizeof q->host, "unknown");
        if (strcmp(q->cpus, "-") == 0)
            q->cpus[0] = '\0';
        if (strcmp(q->thread_cpus, "-") == 0)
            q->thread_cpus[0] = '\0';
    }
    free(all);
    for (int r = 0; r < p->count; r++) {
        p->ranks_on_my_host += strcmp(p->place[r].host, p->place[p->me].host) == 0;
        int distinct, shared;
        host_cpus(p, p->place[r].host, &distinct, &shared);
        p->overlapping |= shared;
        if (r == p->me)
            p->host_cpus = distinct;
    }
    return 0;
}

void rank_places_free(struct rank_places *p) {
    free(p->place);
    p->place = NULL;
}

int rank_places_oversubscribed(const struct rank_places *p, long long threads) {
    if (!p->place)
        return 0;
    if (p->place[p->me].ncpus > 0 && threads > p->place[p->me].ncpus)
        return 1;
    return p->host_cpus > 0 && threads * p->ranks_on_my_host > p->host_cpus;
}
