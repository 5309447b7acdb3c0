/* affinity: the CPUs this process may use and where its threads run (see affinity.h). */
#include "machine/affinity.h"

#include <errno.h>
#include <hwloc.h>
#include <omp.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The calling thread's affinity mask, grown past CPU_SETSIZE when the kernel knows more CPUs. */
static cpu_set_t *thread_mask(int *ncpus) {
    for (int n = CPU_SETSIZE; n <= (1 << 20); n *= 2) {
        cpu_set_t *set = CPU_ALLOC(n);
        if (!set)
            return NULL;
        if (sched_getaffinity(0, CPU_ALLOC_SIZE(n), set) == 0) {
            *ncpus = n;
            return set;
        }
        CPU_FREE(set);
        if (errno != EINVAL)
            return NULL;
    }
    return NULL;
}

static void add_place_cpus(cpu_set_t *set, int ncpus) {
    size_t size = CPU_ALLOC_SIZE(ncpus);
    for (int p = 0; p < omp_get_num_places(); p++) {
        int n = omp_get_place_num_procs(p);
        int *ids = n > 0 ? malloc((size_t)n * sizeof *ids) : NULL;
        if (!ids)
            continue;
        omp_get_place_proc_ids(p, ids);
        for (int i = 0; i < n; i++)
            if (ids[i] >= 0 && ids[i] < ncpus)
                CPU_SET_S(ids[i], size, set);
        free(ids);
    }
}

int affinity_allowed_cpus(int *cpus, int max) {
    int ncpus, count = 0;
    cpu_set_t *set = thread_mask(&ncpus);
    if (!set)
        return -1;
    add_place_cpus(set, ncpus);
    for (int c = 0; c < ncpus; c++) {
        if (!CPU_ISSET_S(c, CPU_ALLOC_SIZE(ncpus), set))
            continue;
        if (count < max)
            cpus[count] = c;
        count++;
    }
    CPU_FREE(set);
    return count;
}

int affinity_thread_cpus(int n, int *cpus) {
    if (n < 1 || !cpus)
        return -1;
    for (int i = 0; i < n; i++)
        cpus[i] = -1;
#pragma omp parallel num_threads(n)
    {
        int t = omp_get_thread_num();
        if (t < n)
            cpus[t] = sched_getcpu();
    }
    return 0;
}

/* The core (hwloc logical index) of the CPU with this operating-system index, -1 unknown. */
static int core_of_cpu(int cpu) {
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
    if (!cpus || affinity_thread_cpus(n, cpus) != 0) {
        free(cpus);
        return;
    }
    for (int t = 0; t < n && used + 24 < len; t++)
        used += (size_t)snprintf(buf + used, len - used, "%s%d/%d", t ? "," : "", cpus[t],
                                 core_of_cpu(cpus[t]));
    free(cpus);
}

int affinity_pin_self(int cpu) {
    cpu_set_t *set = CPU_ALLOC(cpu + 1);
    size_t size = CPU_ALLOC_SIZE(cpu + 1);
    if (!set)
        return -1;
    CPU_ZERO_S(size, set);
    CPU_SET_S(cpu, size, set);
    int rc = pthread_setaffinity_np(pthread_self(), size, set);
    CPU_FREE(set);
    return rc == 0 && sched_getcpu() == cpu ? 0 : -1;
}
