/* report_notes: the report's closing lines: files that were not used and why, pairs whose run
 * could not be checked, how many warnings the files gave, and where the method is described. */
#include "report/report_sections.h"

void report_section_notes(const struct report_data *d, struct report_out *o) {
    FILE *md = o->md;
    fputs("## Notes\n\n", md);
    for (size_t i = 0; i < d->nnotes; i++)
        fprintf(md, "- %s.\n", d->notes[i]);
    if (d->nwarnings > 0)
        fprintf(md,
                "- The files were read with %zu warning%s, listed at the top of the report (and "
                "on stderr): what each one left out is said there.\n",
                d->nwarnings, d->nwarnings > 1 ? "s" : "");
    fprintf(md,
            "- Plots: `%s/` holds each plot as SVG%s, with the gnuplot script (`.gp`) and "
            "data (`.dat`) that draw it.\n",
            o->plots_link, o->png ? " and PNG" : "");
    fputs("- How the fits are made and what each plot shows: `docs/report.md` in the ompsweep "
          "sources.\n",
          md);
}
