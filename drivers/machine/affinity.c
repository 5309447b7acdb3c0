#include "machine/affinity.h"

#include "machine/context.h"

#include <hwloc.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

int affinity_core_of_cpu(int cpu) {
    static hwloc_topology_t topo;
    static int loaded = -1;
    if (loaded < 0) {
        loaded = hwloc_topology_init(&topo) == 0 && hwloc_topology_load(topo) == 0;
        if (!loaded)
            topo = NULL;
    }
    if (!loaded || cpu < 0)
        return -1;
    hwloc_obj_t pu = hwloc_get_pu_obj_by_os_index(topo, (unsigned)cpu);
    hwloc_obj_t core = pu ? hwloc_get_ancestor_obj_by_type(topo, HWLOC_OBJ_CORE, pu) : NULL;
    return core ? (int)core->logical_index : -1;
}

void affinity_thread_map(char *buf, size_t len, int *threads) {
    int n = omp_get_max_threads();
    int *cpus = calloc((size_t)n, sizeof *cpus);
    size_t used = 0;
    buf[0] = '\0';
    *threads = n;
    if (!cpus || context_thread_cpus(n, cpus) != 0) {
        free(cpus);
        return;
    }
    for (int t = 0; t < n && used + 24 < len; t++)
        used += (size_t)snprintf(buf + used, len - used, "%s%d/%d", t ? "," : "", cpus[t],
                                 affinity_core_of_cpu(cpus[t]));
    free(cpus);
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

int affinity_print(FILE *f, const struct rank_places *p) {
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
