/* philox: the Philox4x32 counter-based generator (Salmon et al., SC'11; Random123).
 *
 * A bijection of a 128-bit counter under a 64-bit key: the same (counter, key) always gives the
 * same four 32-bit words, so any element of a random stream can be computed on its own, by any
 * thread, in any order. philox4x32_10 is the standard ten-round generator; philox4x32_rounds
 * takes the round count (the published 7-round answers test it). philox4x32_10_seq runs many
 * consecutive counters at once in structure-of-arrays form so the rounds vectorise (with
 * AVX-512F through intrinsics: one vpmuludq per 32 x 32 -> 64-bit product for 8 counters).
 * Errors: none (pure integer arithmetic). Thread-safety: pure functions.
 */
#ifndef OMPSWEEP_PHILOX_H
#define OMPSWEEP_PHILOX_H

#include <stddef.h>
#include <stdint.h>

enum { PHILOX4X32_ROUNDS = 10 };

struct philox4x32_ctr {
    uint32_t v[4];
};

struct philox4x32_key {
    uint32_t v[2];
};

/* Round multipliers and the Weyl increments that bump the key between rounds. */
#define PHILOX4X32_M0 0xD2511F53u
#define PHILOX4X32_M1 0xCD9E8D57u
#define PHILOX4X32_W0 0x9E3779B9u
#define PHILOX4X32_W1 0xBB67AE85u

struct philox4x32_ctr philox4x32_rounds(unsigned rounds, struct philox4x32_ctr ctr,
                                        struct philox4x32_key key);

static inline struct philox4x32_ctr philox4x32_10(struct philox4x32_ctr ctr,
                                                  struct philox4x32_key key) {
    return philox4x32_rounds(PHILOX4X32_ROUNDS, ctr, key);
}

/* The key {low 32 bits, high 32 bits} of a 64-bit seed. */
static inline struct philox4x32_key philox4x32_key_from_u64(uint64_t seed) {
    struct philox4x32_key k = {{(uint32_t)seed, (uint32_t)(seed >> 32)}};
    return k;
}

/* Ten rounds on the n counters {low32(j), high32(j), c2, c3} for j = j0, j0 + 1, ...,
 * j0 + n - 1 (j wraps modulo 2^64): word w of counter j0 + m is stored in x[w][m]. Each
 * x[w] holds n words; the four arrays must not overlap. */
void philox4x32_10_seq(uint64_t j0, uint32_t c2, uint32_t c3, struct philox4x32_key key, size_t n,
                       uint32_t *restrict x0, uint32_t *restrict x1, uint32_t *restrict x2,
                       uint32_t *restrict x3);

/* The same with plain C loops only (what philox4x32_10_seq uses without AVX-512F, and for
 * the counters after the last multiple of eight); exposed so tests can compare the two. */
void philox4x32_10_seq_generic(uint64_t j0, uint32_t c2, uint32_t c3, struct philox4x32_key key,
                               size_t n, uint32_t *restrict x0, uint32_t *restrict x1,
                               uint32_t *restrict x2, uint32_t *restrict x3);

#endif
