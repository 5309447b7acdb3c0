/* report_plot: gnuplot jobs. The body of a plot is collected in memory, then written as
 * NAME.gp and NAME.dat in the plots folder and drawn by gnuplot run there as a child process,
 * into temporary outputs renamed once gnuplot has succeeded and left them whole. */
#include "report/report_out.h"

#include "atomic_file.h"
#include "format/outfile.h"
#include "report/plot_check.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const char terminal_svg[] =
    "set terminal svg size 960,600 dynamic noenhanced font 'sans,12' background rgb 'white'";
static const char terminal_png[] = "set terminal pngcairo size 960,600 noenhanced font 'sans,11'";

/* Plot names become file names: letters, digits, '-', '_' and '.' only. */
static void safe_name(const char *in, char *out, size_t len) {
    size_t j = 0;
    for (size_t i = 0; in[i] && j + 1 < len; i++) {
        char c = in[i];
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '-' || c == '_' || (c == '.' && j > 0);
        out[j++] = ok ? c : '_';
    }
    out[j] = '\0';
    if (j == 0)
        snprintf(out, len, "plot");
}

static int name_used(const struct report_out *o, const char *name) {
    for (size_t i = 0; i < o->nnames; i++)
        if (strcmp(o->names[i], name) == 0)
            return 1;
    return 0;
}

int plot_begin(struct plot *p, struct report_out *o, const char *name) {
    memset(p, 0, sizeof *p);
    p->out = o;
    char base[80];
    safe_name(name, base, sizeof base);
    snprintf(p->name, sizeof p->name, "%s", base);
    for (int k = 2; name_used(o, p->name); k++)
        snprintf(p->name, sizeof p->name, "%s-%d", base, k);
    char(*names)[96] = realloc(o->names, (o->nnames + 1) * sizeof *names);
    if (!names)
        return -1;
    o->names = names;
    snprintf(o->names[o->nnames++], sizeof *names, "%s", p->name);
    p->gp = open_memstream(&p->script, &p->script_len);
    p->dat = open_memstream(&p->data, &p->data_len);
    if (!p->gp || !p->dat) {
        if (p->gp)
            fclose(p->gp);
        if (p->dat)
            fclose(p->dat);
        free(p->script);
        free(p->data);
        return -1;
    }
    return 0;
}

int plot_block(struct plot *p) {
    /* gnuplot separates indexed data blocks by two blank lines. */
    if (p->blocks > 0)
        fputs("\n\n", p->dat);
    fprintf(p->dat, "# block %d\n", p->blocks);
    return p->blocks++;
}

void plot_data_ref(const struct plot *p, int block) {
    fprintf(p->gp, "'%s.dat' index %d", p->name, block);
}

static int write_file(const struct report_out *o, const char *file, const char *text, size_t len) {
    char path[8192], err[512];
    snprintf(path, sizeof path, "%s/%s", o->plots_dir, file);
    struct outfile of;
    if (outfile_open_name(&of, path, err, sizeof err)) {
        fprintf(stderr, "ompsweep report: %s\n", err);
        return -1;
    }
    fwrite(text, 1, len, of.f);
    if (outfile_commit(&of, err, sizeof err)) {
        fprintf(stderr, "ompsweep report: %s\n", err);
        return -1;
    }
    return 0;
}

static int write_script(const struct plot *p, const char *alt) {
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return -1;
    fprintf(f, "# %s: ", p->name);
    for (const char *s = alt; *s; s++)
        fputc((unsigned char)*s < 0x20 ? ' ' : *s, f);
    fprintf(f,
            "\n# Written by `ompsweep report`: `gnuplot %s.gp` in this folder draws it "
            "again.\n",
            p->name);
    fprintf(f, "if (!exists(\"svg_out\")) svg_out = '%s.svg'\n", p->name);
    if (p->out->png)
        fprintf(f, "if (!exists(\"png_out\")) png_out = '%s.png'\n", p->name);
    fprintf(f, "set encoding utf8\n%s\nset output svg_out\n", terminal_svg);
    fwrite(p->script, 1, p->script_len, f);
    if (p->out->png)
        fprintf(f, "%s\nset output png_out\nreplot\n", terminal_png);
    fprintf(f, "set output\n");
    fclose(f);
    char file[128];
    snprintf(file, sizeof file, "%s.gp", p->name);
    int rc = write_file(p->out, file, text, len);
    free(text);
    return rc;
}

/* Runs gnuplot in the plots folder; its stderr (errors, warnings) comes back in msg. */
static int run_gnuplot(const struct report_out *o, const char *name, const char *svg_tmp,
                       const char *png_tmp, char *msg, size_t msglen) {
    char vars[1024], script[128];
    snprintf(vars, sizeof vars, "svg_out='%s'; png_out='%s'", svg_tmp, png_tmp);
    snprintf(script, sizeof script, "%s.gp", name);
    int fds[2];
    if (pipe(fds) != 0)
        return -1;
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    if (pid == 0) {
        int null = open("/dev/null", O_RDWR);
        if (chdir(o->plots_dir) != 0 || null < 0)
            _exit(126);
        dup2(null, 0);
        dup2(null, 1);
        dup2(fds[1], 2);
        close(fds[0]);
        execl(o->gnuplot, "gnuplot", "-e", vars, script, (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    size_t used = 0;
    ssize_t got;
    char sink[512];
    /* Read to the end so gnuplot never blocks on a full pipe; keep the first part. */
    while ((got = read(fds[0], used + 1 < msglen ? msg + used : sink,
                       used + 1 < msglen ? msglen - used - 1 : sizeof sink)) > 0 ||
           (got < 0 && errno == EINTR))
        if (got > 0 && used + 1 < msglen)
            used += (size_t)got;
    msg[used] = '\0';
    close(fds[0]);
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/* What gnuplot said, without its trailing line ends. */
static void trim_end(char *msg) {
    char *end = msg + strlen(msg);
    while (end > msg && (end[-1] == '\n' || end[-1] == ' '))
        *--end = '\0';
}

/* Draws the plot into temporary files beside NAME.svg and NAME.png and renames them into place
 * only when gnuplot exited 0, said nothing of a full disk, and left every image whole
 * (report/plot_check.h); otherwise the images of an earlier report stay as they were. why
 * (whylen bytes) gets the reason for the Markdown when the plot is not drawn. */
static int draw(struct plot *p, char *why, size_t whylen) {
    const struct report_out *o = p->out;
    const char *exts[2] = {"svg", "png"};
    const enum plot_format formats[2] = {PLOT_FORMAT_SVG, PLOT_FORMAT_PNG};
    int n = o->png ? 2 : 1, e = 0;
    struct atomic_file out[2];
    char path[8192], msg[4096] = "";
    for (int i = 0; i < n && !e; i++) {
        snprintf(path, sizeof path, "%s/%s.%s", o->plots_dir, p->name, exts[i]);
        e = atomic_file_open(&out[i], path);
        if (e) {
            n = i; /* the ones opened before are removed below */
            break;
        }
        close(out[i].fd); /* gnuplot writes it by name */
        out[i].fd = -1;
    }
    /* gnuplot runs in the plots folder: it gets the temporary files' names in that folder. */
    const char *svg = n > 0 ? strrchr(out[0].tmp, '/') + 1 : "",
               *png = n > 1 ? strrchr(out[1].tmp, '/') + 1 : "";
    int rc = e ? -1 : run_gnuplot(o, p->name, svg, png, msg, sizeof msg);
    trim_end(msg);
    /* The first image that is not whole (-1: none), and what its check found. */
    int bad = -1, check = 0;
    for (int i = 0; i < n && bad < 0 && !e; i++)
        if ((check = plot_check_file(out[i].tmp, formats[i])) != 0)
            bad = i;
    int full = !e && (rc != 0 || bad >= 0 || strstr(msg, strerror(ENOSPC))) &&
               plot_check_cause(o->plots_dir, msg) == ENOSPC;
    int ok = !e && rc == 0 && bad < 0 && !full;
    for (int i = 0; i < n; i++) {
        int c = ok ? atomic_file_commit(&out[i]) : 0;
        if (!ok || c) {
            atomic_file_abort(&out[i]);
            if (c && !e) /* a plot renamed before this one stays: it is whole */
                e = c, snprintf(path, sizeof path, "%s", out[i].path);
            ok = 0;
        }
    }
    const char *named = n > 0 ? out[bad >= 0 ? bad : 0].path : path;
    if (e) {
        fprintf(stderr, "ompsweep report: %s: %s\n", path, strerror(e));
        snprintf(why, whylen, "%s", e == ENOSPC ? "no space left on device" : "not written");
    } else if (full) {
        fprintf(stderr,
                "ompsweep report: %s: no space left on device (the plot is not drawn)%s%s\n", named,
                msg[0] ? "; gnuplot says:\n" : "", msg);
        snprintf(why, whylen, "no space left on device");
    } else if (rc != 0) {
        fprintf(stderr, "ompsweep report: %s/%s.gp: gnuplot failed (exit %d)%s%s\n", o->plots_dir,
                p->name, rc, msg[0] ? ":\n" : "", msg);
        snprintf(why, whylen, "gnuplot failed");
    } else if (bad >= 0) {
        fprintf(stderr, "ompsweep report: %s: %s%s%s%s\n", named,
                check > 0 ? "cannot be read: " : "gnuplot exited 0 but left it incomplete ",
                check > 0  ? strerror(check)
                : bad == 1 ? "(no IEND chunk): the plot is not drawn"
                           : "(no closing </svg>): the plot is not drawn",
                msg[0] ? "; gnuplot says:\n" : "", msg);
        snprintf(why, whylen, "gnuplot left it incomplete");
    } else if (msg[0]) {
        fprintf(stderr, "ompsweep report: %s/%s.gp: gnuplot says:\n%s\n", o->plots_dir, p->name,
                msg);
    }
    return ok ? 0 : -1;
}

static void markdown_link(const struct plot *p, const char *alt, int drawn, const char *why) {
    const struct report_out *o = p->out;
    FILE *md = o->md;
    if (!drawn) {
        fprintf(md, "*(plot not drawn: %s; `%s/%s.gp` draws it)*\n\n", why, o->plots_link, p->name);
        return;
    }
    fputs("![", md);
    md_text(md, alt);
    fprintf(md, "](%s/%s.%s)", o->plots_link, p->name, o->png ? "png" : "svg");
    if (o->png)
        fprintf(md, " ([SVG](%s/%s.svg))", o->plots_link, p->name);
    fputs("\n\n", md);
}

int plot_end(struct plot *p, const char *alt) {
    fclose(p->gp);
    fclose(p->dat);
    char file[128];
    snprintf(file, sizeof file, "%s.dat", p->name);
    int rc = write_file(p->out, file, p->data, p->data_len) || write_script(p, alt) ? -1 : 0;
    char why[64] = "gnuplot failed";
    if (rc != 0)
        snprintf(why, sizeof why, "its data or script could not be written");
    else if (!p->out->gnuplot)
        snprintf(why, sizeof why, "gnuplot was not found");
    if (rc == 0 && p->out->gnuplot)
        rc = draw(p, why, sizeof why);
    else if (rc == 0)
        rc = -1; /* nothing drawn, but the script is there */
    if (rc == 0)
        p->out->drawn_plots++;
    else if (p->out->gnuplot)
        p->out->failed_plots++;
    else
        p->out->skipped_plots++;
    markdown_link(p, alt, rc == 0, why);
    free(p->script);
    free(p->data);
    p->script = p->data = NULL;
    return rc;
}

void plot_cancel(struct plot *p) {
    fclose(p->gp);
    fclose(p->dat);
    free(p->script);
    free(p->data);
    p->script = p->data = NULL;
}

const char *plot_find_gnuplot(void) {
    static char found[4096];
    const char *env = getenv("OMPSWEEP_GNUPLOT");
    if (env && *env)
        return access(env, X_OK) == 0 ? env : NULL;
    const char *path = getenv("PATH");
    if (!path || !*path)
        path = "/usr/local/bin:/usr/bin:/bin";
    while (*path) {
        size_t n = strcspn(path, ":");
        snprintf(found, sizeof found, "%.*s/gnuplot", (int)n, path);
        struct stat st;
        if (n > 0 && stat(found, &st) == 0 && S_ISREG(st.st_mode) && access(found, X_OK) == 0)
            return found;
        path += n + (path[n] == ':');
    }
    return NULL;
}
