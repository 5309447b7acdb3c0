/* places_print: where ranks and threads run, as text (see places_print.h). */
#include "machine/places_print.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void places_print_ranks(FILE *f, const struct rank_places *p) {
    for (int r = 0; p->place && r < p->count; r++)
        fprintf(f, "rank %d: host %s, cpus %s (%d)\n", r, p->place[r].host, p->place[r].cpus,
                p->place[r].ncpus);
    if (p->overlapping)
        fprintf(f, "warning: ranks on one host share CPUs: their threads compete for cores "
                   "(bind each rank to its own cores: mpirun --map-by slot:PE=N, srun "
                   "--cpu-bind=cores)\n");
}

struct seat {
    int rank, thread, cpu, core;
};

/* Every (rank, thread) with its CPU and core, in rank and thread order. */
static struct seat *seats_of(const struct rank_places *p, int *n) {
    int total = 0;
    for (int r = 0; r < p->count; r++)
        total += p->place[r].threads;
    struct seat *s = calloc((size_t)(total ? total : 1), sizeof *s);
    *n = 0;
    for (int r = 0; s && r < p->count; r++) {
        const char *t = p->place[r].thread_cpus;
        for (int th = 0; *t && *n < total; th++) {
            int used;
            struct seat *x = &s[*n];
            if (sscanf(t, "%d/%d%n", &x->cpu, &x->core, &used) != 2)
                break;
            x->rank = r;
            x->thread = th;
            (*n)++;
            t += used + (t[used] == ',');
        }
    }
    return s;
}

int places_print_threads(FILE *f, const struct rank_places *p) {
    int n = 0, shared = 0;
    struct seat *s = seats_of(p, &n);
    for (int r = 0; r < p->count; r++) {
        fprintf(f, "rank %d on %s, may use CPUs %s (%d):", r, p->place[r].host,
                p->place[r].cpus[0] ? p->place[r].cpus : "?", p->place[r].ncpus);
        for (int i = 0; s && i < n; i++)
            if (s[i].rank == r)
                fprintf(f, " t%d->cpu %d (core %d)", s[i].thread, s[i].cpu, s[i].core);
        fputc('\n', f);
    }
    /* A core is shared when a later seat on the same host has it too; each core is named once,
     * at its first seat. */
    for (int i = 0; s && i < n; i++) {
        if (s[i].cpu < 0)
            continue;
        int first = 1, others = 0, same_cpu = 0;
        for (int j = 0; j < i && first; j++)
            first = !(s[j].core == s[i].core && s[j].cpu >= 0 &&
                      strcmp(p->place[s[j].rank].host, p->place[s[i].rank].host) == 0 &&
                      (s[i].core >= 0 || s[j].cpu == s[i].cpu));
        for (int j = i + 1; first && j < n; j++)
            if (s[j].cpu >= 0 && strcmp(p->place[s[j].rank].host, p->place[s[i].rank].host) == 0 &&
                (s[i].core >= 0 ? s[j].core == s[i].core : s[j].cpu == s[i].cpu)) {
                others++;
                same_cpu |= s[j].cpu == s[i].cpu;
            }
        if (!first || !others)
            continue;
        shared++;
        fprintf(f, "warning: %d threads share core %d of %s (rank %d thread %d and %d more)%s\n",
                others + 1, s[i].core, p->place[s[i].rank].host, s[i].rank, s[i].thread, others,
                same_cpu ? ": on the same CPU, they take turns" : ": hardware threads (SMT)");
    }
    if (p->overlapping)
        fprintf(f, "warning: ranks on one host may use the same CPUs: bind each rank to its own "
                   "cores (mpirun --map-by slot:PE=N --bind-to core, srun --cpu-bind=cores)\n");
    free(s);
    return shared;
}
