#include "machine/ranks.h"

void ranks_split(size_t units, int rank, int count, size_t *first, size_t *n) {
    size_t lo = 0, hi = units;
    int r0 = 0, r1 = count;
    while (r1 - r0 > 1) {
        int rmid = r0 + (r1 - r0) / 2;
        /* (hi - lo) * (rmid - r0) / (r1 - r0) without overflow: the quotient and remainder of
         * (hi - lo) by the ranks, each scaled. */
        size_t len = hi - lo, q = len / (size_t)(r1 - r0), rem = len % (size_t)(r1 - r0);
        size_t cut = lo + q * (size_t)(rmid - r0) + rem * (size_t)(rmid - r0) / (size_t)(r1 - r0);
        if (rank < rmid) {
            hi = cut;
            r1 = rmid;
        } else {
            lo = cut;
            r0 = rmid;
        }
    }
    *first = lo;
    *n = hi - lo;
}

double ranks_combine_sum(const double *v, int count) {
    if (count <= 1)
        return count == 1 ? v[0] : 0.0;
    int half = count / 2;
    return ranks_combine_sum(v, half) + ranks_combine_sum(v + half, count - half);
}
