/* Philox4x32: the published Random123 known answers (10 and 7 rounds), and the vectorised
 * sequence generator against the scalar one, across the carry from counter word 0 into 1. */
#include "philox.h"
#include "test_support.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

struct kat {
    unsigned rounds;
    uint32_t ctr[4], key[2], out[4];
};

static const struct kat kats[] = {
    {10, {0, 0, 0, 0}, {0, 0}, {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}},
    {10,
     {0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff},
     {0xffffffff, 0xffffffff},
     {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}},
    {10,
     {0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344},
     {0xa4093822, 0x299f31d0},
     {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}},
    {7, {0, 0, 0, 0}, {0, 0}, {0x5f6fb709, 0x0d893f64, 0x4f121f81, 0x4f730a48}},
};

Test(philox, known_answers) {
    for (size_t t = 0; t < sizeof kats / sizeof kats[0]; t++) {
        const struct kat *k = &kats[t];
        struct philox4x32_ctr c = {{k->ctr[0], k->ctr[1], k->ctr[2], k->ctr[3]}};
        struct philox4x32_key key = {{k->key[0], k->key[1]}};
        struct philox4x32_ctr r = philox4x32_rounds(k->rounds, c, key);
        for (int w = 0; w < 4; w++)
            cr_assert_eq(r.v[w], k->out[w], "answer %zu word %d: %08x, expected %08x", t, w, r.v[w],
                         k->out[w]);
        if (k->rounds == 10) {
            struct philox4x32_ctr r10 = philox4x32_10(c, key);
            cr_assert_arr_eq(r10.v, k->out, sizeof r10.v);
        }
    }
}

Test(philox, key_from_u64_splits_low_then_high) {
    struct philox4x32_key k = philox4x32_key_from_u64(0x299f31d0a4093822ull);
    cr_assert_eq(k.v[0], 0xa4093822u);
    cr_assert_eq(k.v[1], 0x299f31d0u);
}

/* Both sequence generators against philox4x32_10 counter by counter, starting just below a
 * multiple of 2^32 so word 1 of the counter takes the carry, with lengths that are not
 * multiples of the vector width. */
static void check_seq(void (*seq)(uint64_t, uint32_t, uint32_t, struct philox4x32_key, size_t,
                                  uint32_t *, uint32_t *, uint32_t *, uint32_t *),
                      const char *name) {
    uint64_t seed = fresh_seed();
    struct philox4x32_key key = philox4x32_key_from_u64(seed);
    uint32_t c2 = (uint32_t)(seed >> 7), c3 = (uint32_t)(seed >> 29);
    const uint64_t starts[] = {0, 5, (1ull << 32) - 13, (seed & 0xffffffffff) | 1};
    const size_t lengths[] = {1, 7, 8, 64, 131};
    uint32_t x[4][131];
    for (size_t s = 0; s < sizeof starts / sizeof starts[0]; s++)
        for (size_t l = 0; l < sizeof lengths / sizeof lengths[0]; l++) {
            size_t n = lengths[l];
            seq(starts[s], c2, c3, key, n, x[0], x[1], x[2], x[3]);
            for (size_t m = 0; m < n; m++) {
                uint64_t j = starts[s] + m;
                struct philox4x32_ctr c = {{(uint32_t)j, (uint32_t)(j >> 32), c2, c3}};
                struct philox4x32_ctr r = philox4x32_10(c, key);
                for (int w = 0; w < 4; w++)
                    cr_assert_eq(x[w][m], r.v[w], "%s start %llu n %zu m %zu word %d seed %llu",
                                 name, (unsigned long long)starts[s], n, m, w,
                                 (unsigned long long)seed);
            }
        }
}

Test(philox, sequence_matches_scalar) {
    check_seq(philox4x32_10_seq, "seq");
    check_seq(philox4x32_10_seq_generic, "seq_generic");
}
