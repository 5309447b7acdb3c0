/* report_breakeven: the size from which a parallel variant beats the serial reference, per
 * kernel, variant and thread count, with the bracket the search ended in. */
#include "format/units.h"
#include "report/report_sections.h"

#include <math.h>
#include <string.h>

static const char *status_text(const char *status) {
    if (!strcmp(status, "found"))
        return "found";
    if (!strcmp(status, "always"))
        return "always faster";
    if (!strcmp(status, "never"))
        return "never faster";
    if (!strcmp(status, "undecided"))
        return "undecided";
    return "serial variant";
}

void report_section_breakeven(const struct report_data *d, struct report_out *o) {
    if (d->nbreakevens == 0)
        return;
    FILE *md = o->md;
    int many_files = 0;
    for (size_t i = 1; i < d->nbreakevens; i++)
        many_files |= d->breakevens[i].file != d->breakevens[0].file;
    fputs("## Break-even\n\nThe smallest size at which the variant at that many threads is "
          "faster than the serial reference (the code without OpenMP a user who does not "
          "parallelise runs; older files: the variant at 1 thread), found by bisection between "
          "the bracket's sizes, each decided by a sign test on paired samples at 95 %. Status: "
          "*found* (within the bracket), *always faster* (shown faster at the smallest size "
          "tried), *never faster* (shown slower at the largest), *undecided* (never shown "
          "faster, and not shown slower at the largest size: within the noise), *serial "
          "variant* (no parallel loop).\n\n",
          md);
    fprintf(md,
            "| %skernel | variant | threads | status | break-even size | working set | "
            "bracket | time, baseline (s) | time, threads (s) | speedup there | "
            "measurements |\n|%s---|---|---:|---|---:|---:|---|---:|---:|---:|---:|\n",
            many_files ? "file | " : "", many_files ? "---|" : "");
    for (size_t i = 0; i < d->nbreakevens; i++) {
        const struct report_breakeven *b = &d->breakevens[i];
        char s[32], ws[32], lo[32], hi[32], t1[32], tn[32], sp[32];
        fputs("| ", md);
        if (many_files)
            fprintf(md, "`%s` | ", d->files[b->file].name);
        md_text(md, b->kernel);
        fputs(" | ", md);
        md_text(md, b->variant);
        fprintf(md, " | %d | %s | %s | %s | ", b->threads, status_text(b->status),
                fmt_count(b->size, s, sizeof s),
                units_format_bytes(b->working_set_bytes, ws, sizeof ws));
        fmt_count(b->lower_size, lo, sizeof lo);
        fmt_count(b->upper_size, hi, sizeof hi);
        if (isfinite(b->lower_size) && isfinite(b->upper_size))
            fprintf(md, "%s – %s", lo, hi);
        else if (isfinite(b->upper_size))
            fprintf(md, "at most %s", hi);
        else if (isfinite(b->lower_size))
            fprintf(md, "above %s", lo);
        else
            fputs("–", md);
        fprintf(md, " | %s | %s | %s | %s |\n", fmt_num(b->time_1thread_s, 4, t1, sizeof t1),
                fmt_num(b->time_nthreads_s, 4, tn, sizeof tn),
                fmt_num(b->speedup, 3, sp, sizeof sp), fmt_num(b->measurements, 6, s, sizeof s));
    }
    fputc('\n', md);
}
