/* ranks_split and ranks_combine_sum (the split of a problem across MPI ranks) and the CPU
 * lists of rank_places: pure functions, tested in the one-process build. */
#include "machine/rank_places.h"
#include "machine/ranks.h"
#include "reduce.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

/* Every unit goes to exactly one rank, in rank order, and each rank gets at least one when
 * there are at least as many units as ranks; the parts differ by at most one unit per
 * halving. */
Test(ranks, split_covers_every_unit_once_in_rank_order) {
    static const size_t units[] = {1, 2, 3, 7, 8, 100, 1023, 1024, 1025, 99991};
    for (size_t u = 0; u < sizeof units / sizeof units[0]; u++)
        for (int count = 1; count <= 13; count++) {
            size_t next = 0, smallest = (size_t)-1, largest = 0;
            for (int r = 0; r < count; r++) {
                size_t first, n;
                ranks_split(units[u], r, count, &first, &n);
                cr_assert_eq(first, next, "units %zu, %d ranks: rank %d starts at %zu, not %zu",
                             units[u], count, r, first, next);
                next = first + n;
                smallest = n < smallest ? n : smallest;
                largest = n > largest ? n : largest;
            }
            cr_assert_eq(next, units[u], "units %zu, %d ranks: %zu covered", units[u], count, next);
            if (units[u] >= (size_t)count)
                cr_expect_geq(smallest, 1, "units %zu, %d ranks: a rank got none", units[u], count);
            cr_expect_leq(largest - smallest, 4, "units %zu, %d ranks: parts %zu..%zu", units[u],
                          count, smallest, largest);
        }
}

/* With 1, 2, 4 or 8 ranks, per-rank pairwise sums combined along the rank tree give the bits
 * of one pairwise sum over all the values: the cuts are where reduce_pairwise cuts. */
Test(ranks, power_of_two_ranks_reproduce_the_pairwise_sum) {
    srand(7);
    for (int trial = 0; trial < 200; trial++) {
        size_t n = 128 + (size_t)(rand() % 5000);
        double *v = malloc(n * sizeof *v), parts[8];
        cr_assert_not_null(v);
        for (size_t i = 0; i < n; i++)
            v[i] = (rand() / (double)RAND_MAX - 0.4) * (1 << (rand() % 30));
        double whole = reduce_pairwise(v, n);
        for (int count = 1; count <= 8; count *= 2) {
            for (int r = 0; r < count; r++) {
                size_t first, len;
                ranks_split(n, r, count, &first, &len);
                parts[r] = reduce_pairwise(v + first, len);
            }
            double combined = ranks_combine_sum(parts, count);
            cr_assert_eq(memcmp(&combined, &whole, sizeof whole), 0,
                         "n %zu, %d ranks: %.17g, not %.17g", n, count, combined, whole);
        }
        free(v);
    }
}

Test(ranks, combine_sums_in_a_fixed_tree) {
    const double v[] = {1e16, 1.0, -1e16, 1.0, 3.0};
    cr_expect_eq(ranks_combine_sum(v, 0), 0.0);
    cr_expect_eq(ranks_combine_sum(v, 1), 1e16);
    /* (1e16 + 1) + (-1e16 + (1 + 3)): the tree, not left to right (which gives 4). */
    cr_expect_eq(ranks_combine_sum(v, 5), (1e16 + 1.0) + (-1e16 + (1.0 + 3.0)));
    cr_expect_eq(ranks_count(), 1);
    cr_expect_eq(ranks_rank(), 0);
    cr_expect_str_eq(ranks_library(), "none");
}

Test(rank_places, cpu_lists_format_and_parse) {
    char buf[64];
    const int ids[] = {0, 1, 2, 3, 8, 10, 11};
    rank_places_format_cpus(ids, 7, buf, sizeof buf);
    cr_expect_str_eq(buf, "0-3,8,10-11");
    rank_places_format_cpus(ids, 0, buf, sizeof buf);
    cr_expect_str_eq(buf, "");
    rank_places_format_cpus(ids, 7, buf, 8);
    cr_expect_str_eq(buf, "0-3,...");
    unsigned char set[16];
    cr_expect_eq(rank_places_parse_cpus("0-3,8,10-11", set, 16), 7);
    cr_expect(set[0] && set[3] && !set[4] && set[8] && set[11] && !set[12]);
    cr_expect_eq(rank_places_parse_cpus("", set, 16), 0);
    cr_expect_eq(rank_places_parse_cpus("3-1", set, 16), -1);
    cr_expect_eq(rank_places_parse_cpus("1,x", set, 16), -1);
    cr_expect_eq(rank_places_parse_cpus("99", set, 16), -1);
    cr_expect_eq(rank_places_parse_cpus("2,2,1-2", set, 16), 2, "duplicates count once");
}

/* One process: its own place, never overlapping; oversubscribed above its CPUs. */
Test(rank_places, one_process) {
    struct rank_places p;
    cr_assert_eq(rank_places_collect(&p), 0);
    cr_expect_eq(p.count, 1);
    cr_expect_eq(p.ranks_on_my_host, 1);
    cr_expect_eq(p.overlapping, 0);
    cr_expect_gt(p.place[0].ncpus, 0);
    cr_expect_eq(p.host_cpus, p.place[0].ncpus);
    cr_expect_eq(rank_places_oversubscribed(&p, p.place[0].ncpus), 0);
    cr_expect_eq(rank_places_oversubscribed(&p, p.place[0].ncpus + 1), 1);
    rank_places_free(&p);
}
