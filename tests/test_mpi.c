/* ompsweep-mpi under mpirun (Open MPI, oversubscribed on a small machine, allowed as root):
 * a run split across 1, 2 and 3 ranks gives the single process's checksum (the same bits with
 * power-of-two rank counts for the deterministic reductions), records the ranks, and refuses
 * what cannot run across ranks with a usage error on every rank, never a hang. */
#include "cli_support.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef OMPSWEEP_MPI_BIN
#define OMPSWEEP_MPI_BIN "build/ompsweep-mpi"
#endif

/* A hang would be a bug: every run is bounded. */
#define MPIRUN "timeout 120 mpirun --allow-run-as-root --oversubscribe"

static char out[1 << 16];
static char dir[] = "/tmp/ompsweep-mpi-XXXXXX";

static void make_dir(void) {
    test_dir_make(dir);
}

static void remove_dir(void) {
    test_dir_remove(dir);
}

TestSuite(mpi, .init = make_dir, .fini = remove_dir, .timeout = 300);

static int mpi_run(int ranks, const char *args) {
    char cmd[2048];
    snprintf(cmd, sizeof cmd, MPIRUN " -np %d %s %s 2>&1", ranks, OMPSWEEP_MPI_BIN, args);
    return run_shell(cmd, out, sizeof out);
}

/* The checksum, validated, ranks and threads_per_rank of the CSV row of variant at threads. */
struct row {
    char checksum[64];
    char validated[8];
    int ranks, threads_per_rank;
};

static int find_row(const char *path, const char *kernel, const char *variant, int threads,
                    struct row *r) {
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    char line[4096], prefix[128];
    snprintf(prefix, sizeof prefix, "%s,%s,%d,", kernel, variant, threads);
    int found = -1;
    while (found && fgets(line, sizeof line, f)) {
        if (strncmp(line, prefix, strlen(prefix)) != 0)
            continue;
        /* Columns: 21 checksum, 22 validated, ..., the last two ranks and threads_per_rank. */
        char *field[64];
        int n = 0;
        for (char *p = line, *tok; n < 64 && (tok = strsep(&p, ",\n"));)
            field[n++] = tok;
        if (n < 38)
            break;
        snprintf(r->checksum, sizeof r->checksum, "%s", field[20]);
        snprintf(r->validated, sizeof r->validated, "%s", field[21]);
        r->ranks = atoi(field[35]);
        r->threads_per_rank = atoi(field[36]);
        found = 0;
    }
    fclose(f);
    return found;
}

static const char *csv_path(const char *name) {
    static char path[4][256];
    static int next;
    char *p = path[next++ % 4];
    snprintf(p, 256, "%s/%s", dir, name);
    return p;
}

/* dot, expsum and a STREAM kernel: the single process, then 1, 2 and 4 ranks (the same
 * checksum bits), and 3 ranks (within the kernel's tolerance, validated). */
Test(mpi, split_runs_give_the_single_process_checksum) {
    static const struct {
        const char *kernel, *size;
    } cases[] = {{"dot", "300000"}, {"expsum", "300000"}, {"stream_triad", "300000"}};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        char args[1024];
        const char *common =
            "--variant ref,omp --threads 1,2 --precision 0 --samples 2 --min-time 1ms --quiet";
        snprintf(args, sizeof args, "run %s --size %s %s --csv %s", cases[c].kernel, cases[c].size,
                 common, csv_path("single.csv"));
        cr_assert_eq(run_ompsweep(args, out, sizeof out), 0, "%s", out);
        struct row single, multi;
        cr_assert_eq(find_row(csv_path("single.csv"), cases[c].kernel, "omp", 2, &single), 0);
        cr_expect_eq(single.ranks, 1);
        for (int ranks = 1; ranks <= 4; ranks++) {
            char name[32];
            snprintf(name, sizeof name, "np%d.csv", ranks);
            snprintf(args, sizeof args, "run %s --size %s %s --csv %s", cases[c].kernel,
                     cases[c].size, common, csv_path(name));
            cr_assert_eq(mpi_run(ranks, args), 0, "%s on %d ranks: %s", cases[c].kernel, ranks,
                         out);
            for (int t = 1; t <= 2; t++) {
                cr_assert_eq(find_row(csv_path(name), cases[c].kernel, "omp", t, &multi), 0,
                             "%s on %d ranks: no omp row at %d threads", cases[c].kernel, ranks, t);
                cr_expect_str_eq(multi.validated, "yes", "%s on %d ranks", cases[c].kernel, ranks);
                cr_expect_eq(multi.ranks, ranks);
                cr_expect_eq(multi.threads_per_rank, t);
                if (ranks != 3)
                    cr_expect_str_eq(multi.checksum, single.checksum, "%s on %d ranks",
                                     cases[c].kernel, ranks);
                else
                    cr_expect_float_eq(strtod(multi.checksum, NULL), strtod(single.checksum, NULL),
                                       1e-7 * fabs(strtod(single.checksum, NULL)),
                                       "%s on 3 ranks: %s vs %s", cases[c].kernel, multi.checksum,
                                       single.checksum);
            }
        }
    }
}

/* The JSON names every rank with its host and CPUs, and the MPI library. */
Test(mpi, the_context_lists_every_rank) {
    char args[1024];
    snprintf(
        args, sizeof args,
        "run dot --variant omp --threads 1 --size 100000 --precision 0 --samples 2 --min-time 1ms "
        "--quiet --json %s",
        csv_path("r.json"));
    cr_assert_eq(mpi_run(2, args), 0, "%s", out);
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "/usr/bin/python3 -c 'import json,sys; c=json.load(open(sys.argv[1]))[\"context\"]; "
             "assert c[\"mpi_ranks\"] == 2, c[\"mpi_ranks\"]; "
             "assert [r[\"rank\"] for r in c[\"ranks\"]] == [0, 1]; "
             "assert all(r[\"host\"] and r[\"cpus\"] and r[\"ncpus\"] >= 1 for r in c[\"ranks\"]); "
             "assert \"Open MPI\" in c[\"mpi_library\"], c[\"mpi_library\"]' %s 2>&1",
             csv_path("r.json"));
    cr_expect_eq(run_shell(cmd, out, sizeof out), 0, "%s", out);
}

/* --weak: each rank runs its own --size x threads; the reported size is the whole. */
Test(mpi, weak_runs_grow_the_size_with_the_ranks) {
    char args[1024];
    snprintf(args, sizeof args,
             "run dot --weak --variant omp --threads 1,2 --size 100000 --precision 0 --samples 2 "
             "--min-time 1ms --quiet --csv %s",
             csv_path("w.csv"));
    cr_assert_eq(mpi_run(2, args), 0, "%s", out);
    FILE *f = fopen(csv_path("w.csv"), "r");
    cr_assert_not_null(f);
    char text[8192];
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    fclose(f);
    cr_expect(strstr(text, "dot,omp,1,static,,,200000,"), "%s", text);
    cr_expect(strstr(text, "dot,omp,2,static,,,400000,"), "%s", text);
    cr_expect(!strstr(text, ",no,no,") && !strstr(text, ",no,yes,"), "every point validated: %s",
              text);
    /* A kernel that cannot be split runs whole on every rank. */
    snprintf(args, sizeof args,
             "run gemm --weak --variant omp --threads 1 --size 64 --precision 0 --samples 2 "
             "--min-time 1ms "
             "--quiet --csv %s",
             csv_path("g.csv"));
    cr_expect_eq(mpi_run(2, args), 0, "%s", out);
}

/* Every rank gives up together with exit 2 (rank 0 says why); nothing is left behind. */
Test(mpi, what_cannot_run_across_ranks_is_a_usage_error) {
    static const struct {
        const char *args, *says;
    } cases[] = {
        {"run gemm --size 64 --threads 1", "gemm cannot be split across ranks: use --weak"},
        {"run dot --size 1000 --threads 1", "--size 1000: too small to split across 2 ranks"},
        {"overhead", "does not run across MPI ranks"},
        {"run dot --size 100000 --threads 1 --csv /dev/null/x.csv", "--csv"},
        {"run dot --size 100000 --threads 1 --ceilings /dev/null/c.json", "--ceilings"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int rc = mpi_run(2, cases[i].args);
        cr_expect_eq(rc, 2, "%s: exit %d: %s", cases[i].args, rc, out);
        cr_expect(strstr(out, cases[i].says), "%s: %s", cases[i].args, out);
    }
    cr_expect(dir_is_empty(dir));
}

/* info --affinity: each rank on its own core is clean (exit 0); ranks left unbound with two
 * threads each pile two threads on every core, which is named (exit 1). */
Test(mpi, affinity_shows_each_rank_and_warns_about_shared_cores) {
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             MPIRUN " -np 2 --bind-to core -x OMP_NUM_THREADS=1 %s info --affinity 2>&1",
             OMPSWEEP_MPI_BIN);
    cr_expect_eq(run_shell(cmd, out, sizeof out), 0, "%s", out);
    cr_expect(strstr(out, "rank 0 on ") && strstr(out, "rank 1 on "), "%s", out);
    cr_expect_null(strstr(out, "warning"), "%s", out);
    snprintf(cmd, sizeof cmd,
             MPIRUN " -np 2 --bind-to none -x OMP_NUM_THREADS=2 %s info --affinity 2>&1",
             OMPSWEEP_MPI_BIN);
    cr_expect_neq(run_shell(cmd, out, sizeof out), 0, "%s", out);
    cr_expect(strstr(out, "threads share core 0"), "%s", out);
    cr_expect(strstr(out, "ranks on one host may use the same CPUs"), "%s", out);
}
