/* report_series: grouping points into the series the sections plot. */
#include "report/report_sections.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int strset_add(struct strset *s, const char *x) {
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->v[i], x) == 0)
            return (int)i;
    const char **v = realloc(s->v, (s->n + 1) * sizeof *v);
    if (!v)
        return -1;
    s->v = v;
    s->v[s->n] = x;
    return (int)s->n++;
}

void strset_free(struct strset *s) {
    free(s->v);
    s->v = NULL;
    s->n = 0;
}

int report_compare(const struct report_point *a, const struct report_point *b) {
    if (!isfinite(a->ci_low_s) || !isfinite(a->ci_high_s) || !isfinite(b->ci_low_s) ||
        !isfinite(b->ci_high_s))
        return 2;
    return a->ci_low_s > b->ci_high_s ? 1 : a->ci_high_s < b->ci_low_s ? -1 : 0;
}

const char *report_host_of(const struct report_data *d, size_t file) {
    return file < d->nfiles ? d->files[file].machine : "";
}

int report_many_hosts(const struct report_data *d) {
    const char *first = NULL;
    for (size_t i = 0; i < d->nfiles; i++) {
        const char *h = report_host_of(d, i);
        if (!h[0])
            continue;
        if (first && strcmp(first, h) != 0)
            return 1;
        first = h;
    }
    return 0;
}

size_t *report_points_of_study(const struct report_data *d, const char *study, size_t *n) {
    size_t *idx = malloc((d->npoints ? d->npoints : 1) * sizeof *idx);
    *n = 0;
    if (!idx)
        return NULL;
    for (size_t i = 0; i < d->npoints; i++)
        if (strcmp(d->points[i].study, study) == 0)
            idx[(*n)++] = i;
    return idx;
}

int report_same_series(const struct report_data *d, const struct report_point *a,
                       const struct report_point *b, int compare_size) {
    if (strcmp(a->kernel, b->kernel) || strcmp(a->variant, b->variant) ||
        strcmp(a->schedule, b->schedule) || strcmp(a->chunk, b->chunk) ||
        strcmp(a->params, b->params))
        return 0;
    if (a->ranks != b->ranks || (compare_size && a->size != b->size))
        return 0;
    return strcmp(report_host_of(d, a->file), report_host_of(d, b->file)) == 0;
}

void report_series_label(const struct report_data *d, const struct report_point *p, int many_hosts,
                         char *buf, size_t len) {
    char ranks[32] = "";
    if (p->ranks > 1)
        snprintf(ranks, sizeof ranks, " (%d ranks)", p->ranks);
    snprintf(buf, len, "%s%s%s%s", p->variant, ranks, many_hosts ? " on " : "",
             many_hosts ? report_host_of(d, p->file) : "");
}

/* Insertion sort by thread count: series are short, and qsort would need global state. */
static void sort_by_threads(const struct report_data *d, size_t *m, size_t n) {
    for (size_t i = 1; i < n; i++) {
        size_t x = m[i], j = i;
        for (; j > 0 && d->points[m[j - 1]].threads > d->points[x].threads; j--)
            m[j] = m[j - 1];
        m[j] = x;
    }
}

size_t *report_series_members(const struct report_data *d, const size_t *cand, size_t ncand,
                              size_t seed, int compare_size, size_t *n) {
    size_t *m = malloc((ncand ? ncand : 1) * sizeof *m);
    *n = 0;
    if (!m)
        return NULL;
    const struct report_point *s = &d->points[seed];
    for (size_t i = 0; i < ncand; i++) {
        const struct report_point *p = &d->points[cand[i]];
        if (!report_same_series(d, s, p, compare_size))
            continue;
        size_t k = 0;
        while (k < *n && d->points[m[k]].threads != p->threads)
            k++;
        if (k == *n) /* a thread count measured twice (merged files): the first is kept */
            m[(*n)++] = cand[i];
    }
    sort_by_threads(d, m, *n);
    return m;
}
