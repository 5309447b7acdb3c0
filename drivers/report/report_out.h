/* report_out: the output side of `ompsweep report`: the Markdown being written, the plots
 * (gnuplot scripts and data written beside their images), and the formatting they share.
 *
 * A plot is a gnuplot script NAME.gp and its data NAME.dat in the plots folder, rendered by
 * running gnuplot there (as a child process) into NAME.svg and, unless PNG is off,
 * NAME.png. Every file is written under a temporary name and renamed when complete, so an
 * interrupted report leaves no half-written file. The script names its outputs only when the
 * caller has not (`gnuplot NAME.gp` in the folder redraws it).
 *
 * Units: bytes are shown in binary units (KiB = 1024 bytes). Errors: a plot that gnuplot
 * cannot draw, or leaves incomplete (report/plot_check.h: a full disk is named as the cause),
 * is counted in failed_plots with a message on stderr naming the image; the Markdown says so
 * in place of the image, and an image of an earlier report stays as it was. Thread-safety: one
 * report_out per thread.
 */
#ifndef OMPSWEEP_REPORT_OUT_H
#define OMPSWEEP_REPORT_OUT_H

#include "report/report.h"

#include <stdio.h>

struct report_out {
    FILE *md;
    char plots_dir[4096]; /* where plot files go                                     */
    char plots_link[64];  /* how the Markdown refers to that folder ("plots")        */
    const char *gnuplot;  /* the program; NULL: write scripts and data, draw nothing */
    int png;              /* draw PNG beside SVG                                     */
    int drawn_plots, failed_plots, skipped_plots; /* skipped: no gnuplot */
    char (*names)[96];                            /* plot names used so far, kept unique */
    size_t nnames;
    const char *section; /* a section's heading and intro, held until it has content */
};

/* A section's heading and introduction are written with its first subsection (md_flush), so a
 * section whose data yields nothing drawable leaves no empty heading; md_close drops them. */
void md_open(struct report_out *o, const char *heading_and_intro);
void md_flush(struct report_out *o);
void md_close(struct report_out *o);

struct plot {
    struct report_out *out;
    char name[96];
    char *script, *data; /* gnuplot commands and data blocks, in memory until plot_end */
    size_t script_len, data_len;
    FILE *gp, *dat;
    int blocks;
};

/* Starts a plot called name (made a safe and unique file name). Returns 0, -1 if out of
 * memory. Write the gnuplot commands to p->gp, referring to data blocks as
 * `'NAME.dat' index K` (plot_data_ref prints that). */
int plot_begin(struct plot *p, struct report_out *o, const char *name);

/* Starts data block K (0, 1, ...) in p->dat; returns K. */
int plot_block(struct plot *p);

/* `'NAME.dat' index K` */
void plot_data_ref(const struct plot *p, int block);

/* Writes the script and data, runs gnuplot, and puts the image link (or why there is none)
 * into the Markdown with alt as its text. Frees the plot. Returns 0 if drawn. */
int plot_end(struct plot *p, const char *alt);

/* Drops a plot that turned out to have nothing to draw. */
void plot_cancel(struct plot *p);

/* Where gnuplot is: $OMPSWEEP_GNUPLOT if set (a path), else `gnuplot` on $PATH; NULL if
 * neither is an executable file. The result is static storage. */
const char *plot_find_gnuplot(void);

/* A gnuplot string literal (single quotes), control characters dropped. */
void gp_string(FILE *f, const char *s);

/* A string field in a data file (double quotes; a double quote inside becomes a single one). */
void gp_data_string(FILE *f, const char *s);

/* `set {x|y}tics (...)` at powers of two labelled in binary units, over [lo, hi]. */
void gp_byte_tics(FILE *f, char axis, double lo, double hi);

/* Colour of series i, the same in every plot. */
const char *gp_color(size_t i);

/* Markdown text with the characters that would start formatting or end a cell escaped. */
void md_text(FILE *f, const char *s);

/* %.*g with at most sig significant digits; "–" for NaN. */
const char *fmt_num(double v, int sig, char *buf, size_t len);

/* A size from a CSV (elements, points...): "100000", "1e+07" kept readable: "10M", "100k". */
const char *fmt_count(double v, char *buf, size_t len);

#endif
