/* disturbance: steal time, other processes and placement changes over a stretch of time (see
 * disturbance.h). */
#include "engine/disturbance.h"

#include "engine/measure.h"

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

/* The aggregate "cpu" line of /proc/stat: user nice system idle iowait irq softirq steal. */
static void read_ticks(struct disturbance_mark *m) {
    m->ticks_total = m->ticks_busy = m->ticks_steal = NAN;
    FILE *f = fopen("/proc/stat", "r");
    if (!f)
        return;
    unsigned long long v[8] = {0};
    int got = fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3],
                     &v[4], &v[5], &v[6], &v[7]);
    fclose(f);
    if (got < 4)
        return;
    double total = 0.0;
    for (int i = 0; i < 8; i++)
        total += (double)v[i];
    m->ticks_total = total;
    m->ticks_busy = (double)(v[0] + v[1] + v[2] + v[5] + v[6]);
    m->ticks_steal = got >= 8 ? (double)v[7] : NAN;
}

/* This process's threads in state R (running or runnable), or -1. */
static int own_runnable(void) {
    DIR *d = opendir("/proc/self/task");
    if (!d)
        return -1;
    int n = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.')
            continue;
        char path[64], line[512];
        snprintf(path, sizeof path, "/proc/self/task/%.20s/stat", e->d_name);
        FILE *f = fopen(path, "r");
        if (!f)
            continue; /* the thread ended meanwhile */
        size_t len = fread(line, 1, sizeof line - 1, f);
        fclose(f);
        line[len] = '\0';
        const char *close = strrchr(line, ')'); /* the name may hold spaces and parentheses */
        n += close && close[1] == ' ' && close[2] == 'R';
    }
    closedir(d);
    return n;
}

/* Runnable threads of the whole machine (/proc/loadavg's "running/total") less our own. */
static double runnable_others(void) {
    FILE *f = fopen("/proc/loadavg", "r");
    if (!f)
        return NAN;
    int running = 0, total = 0;
    int got = fscanf(f, "%*f %*f %*f %d/%d", &running, &total);
    fclose(f);
    int own = own_runnable();
    if (got != 2 || own < 0)
        return NAN;
    return running > own ? (double)(running - own) : 0.0;
}

void disturbance_mark(struct disturbance_mark *m) {
    read_ticks(m);
    m->runnable_others = runnable_others();
    struct rusage ru;
    m->own_seconds = getrusage(RUSAGE_SELF, &ru) == 0
                         ? (double)ru.ru_utime.tv_sec + 1e-6 * (double)ru.ru_utime.tv_usec +
                               (double)ru.ru_stime.tv_sec + 1e-6 * (double)ru.ru_stime.tv_usec
                         : NAN;
    m->wall_seconds = measure_now();
}

void disturbance_between(const struct disturbance_mark *a, const struct disturbance_mark *b,
                         const struct disturbance_probes *probes, struct disturbance *d) {
    double latency_ns = probes->latency_ns, base_latency_ns = probes->base_latency_ns;
    memset(d, 0, sizeof *d);
    d->seconds = b->wall_seconds - a->wall_seconds;
    double total = b->ticks_total - a->ticks_total;
    long hz = sysconf(_SC_CLK_TCK);
    d->steal = total > 0 ? (b->ticks_steal - a->ticks_steal) / total : NAN;
    d->others = NAN;
    if (total > 0 && hz > 0) {
        double busy = (b->ticks_busy - a->ticks_busy) / total;
        double own = (b->own_seconds - a->own_seconds) * (double)hz / total;
        d->others = busy - own > 0.0 ? busy - own : 0.0;
    }
    d->latency_ns = latency_ns;
    d->runnable = b->runnable_others;
    d->balance = probes->balance;
    d->cpu_rate = probes->cpu_rate;
    double change = latency_ns / base_latency_ns;
    if (d->steal > DISTURBANCE_STEAL)
        snprintf(d->why, sizeof d->why, "host steal %.0f %%", 100.0 * d->steal);
    else if (d->others > DISTURBANCE_OTHERS)
        snprintf(d->why, sizeof d->why, "other processes %.0f %%", 100.0 * d->others);
    else if (isfinite(change) &&
             (change > DISTURBANCE_LATENCY || change < 1.0 / DISTURBANCE_LATENCY))
        snprintf(d->why, sizeof d->why, "core-to-core latency %.0f ns (was %.0f ns)", latency_ns,
                 base_latency_ns);
    else if (d->balance < DISTURBANCE_BALANCE)
        snprintf(d->why, sizeof d->why, "a CPU ran %.0f %% of the busiest one's share",
                 100.0 * d->balance);
    d->disturbed = d->why[0] != '\0';
}
