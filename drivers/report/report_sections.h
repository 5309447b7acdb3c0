/* report_sections: the parts of the report, in the order they appear. Each writes its
 * Markdown (and plots) to o, and writes nothing when the data it needs is absent.
 * Thread-safety: one report at a time per report_out.
 */
#ifndef OMPSWEEP_REPORT_SECTIONS_H
#define OMPSWEEP_REPORT_SECTIONS_H

#include "report/report.h"
#include "report/report_out.h"

/* Who made the report, for its first lines. */
struct report_meta {
    char date[40], version[32], revision[64], host[256];
};

/* Latency change (end/start or start/end) beyond which a run's placement is taken to have
 * changed: a VM's vCPUs moving between chiplets shows as a 3-5x change. The run's own warning
 * uses the same threshold (engine/latency.h, LATENCY_PLACEMENT_CHANGE), which the report, reading
 * only files, cannot include. */
#define REPORT_LATENCY_CHANGE 1.5

void report_section_header(const struct report_data *d, struct report_out *o,
                           const struct report_meta *m);
void report_section_sweeps(const struct report_data *d, struct report_out *o);
void report_section_weak(const struct report_data *d, struct report_out *o);
void report_section_chunkmaps(const struct report_data *d, struct report_out *o);
void report_section_cachemaps(const struct report_data *d, struct report_out *o);
void report_section_roofline(const struct report_data *d, struct report_out *o);
void report_section_overhead(const struct report_data *d, struct report_out *o);
void report_section_breakeven(const struct report_data *d, struct report_out *o);
void report_section_notes(const struct report_data *d, struct report_out *o);

/* ---- helpers shared by the sections (report_series.c) ---------------------------------- */

/* Distinct strings in first-seen order. */
struct strset {
    const char **v;
    size_t n;
};
int strset_add(struct strset *s, const char *x); /* index of x; -1 if out of memory */
void strset_free(struct strset *s);

/* The machine a point's file ran on: its host, or "HOST +N" for hosts of the same hardware
 * (report_load); "" without context. */
const char *report_host_of(const struct report_data *d, size_t file);

/* How a point's time compares with another's, by their medians' 95 % intervals: 1 when a's
 * interval lies wholly above b's (a is slower, beyond the noise), -1 wholly below (a is
 * faster), 0 when they overlap (the data cannot tell them apart), 2 when either interval is
 * unknown (no finding). Overlap is the conservative test: two intervals apart mean a difference
 * well beyond 95 % confidence, and no difference is claimed that they do not show. */
int report_compare(const struct report_point *a, const struct report_point *b);

/* Whether the points come from more than one host (then labels name the host). */
int report_many_hosts(const struct report_data *d);

/* Indices of the points with the given study, in file order. */
size_t *report_points_of_study(const struct report_data *d, const char *study, size_t *n);

/* Two points belong to one series when everything but the thread count (and, for weak
 * scaling, the size) is the same: kernel, variant, schedule, chunk, parameters, MPI ranks
 * (the thread count is then per rank) and machine. */
int report_same_series(const struct report_data *d, const struct report_point *a,
                       const struct report_point *b, int compare_size);

/* The label of p's line: its variant, its MPI ranks when more than one, and its machine when
 * the report has several. */
void report_series_label(const struct report_data *d, const struct report_point *p, int many_hosts,
                         char *buf, size_t len);

/* The points of cand (indices into d->points) in seed's series, one per thread count (the
 * first seen), sorted by threads. NULL when out of memory. */
size_t *report_series_members(const struct report_data *d, const size_t *cand, size_t ncand,
                              size_t seed, int compare_size, size_t *n);

#endif
