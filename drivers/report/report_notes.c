/* report_notes: the report's closing lines: files that were not used and why, and where the
 * method is described. */
#include "report/report_sections.h"

void report_section_notes(const struct report_data *d, struct report_out *o) {
    FILE *md = o->md;
    fputs("## Notes\n\n", md);
    for (size_t i = 0; i < d->nnotes; i++)
        fprintf(md, "- %s.\n", d->notes[i]);
    fprintf(md,
            "- Plots: `%s/` holds each plot as SVG%s, with the gnuplot script (`.gp`) and "
            "data (`.dat`) that draw it.\n",
            o->plots_link, o->png ? " and PNG" : "");
    fputs("- How the fits are made and what each plot shows: `docs/report.md` in the ompsweep "
          "sources.\n",
          md);
}
