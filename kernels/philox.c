#include "philox.h"

#if defined(__AVX512F__)
#include <immintrin.h>
#endif

struct philox4x32_ctr philox4x32_rounds(unsigned rounds, struct philox4x32_ctr ctr,
                                        struct philox4x32_key key) {
    uint32_t c0 = ctr.v[0], c1 = ctr.v[1], c2 = ctr.v[2], c3 = ctr.v[3];
    uint32_t k0 = key.v[0], k1 = key.v[1];
    for (unsigned r = 0; r < rounds; r++) {
        if (r > 0) {
            k0 += PHILOX4X32_W0;
            k1 += PHILOX4X32_W1;
        }
        uint64_t p0 = (uint64_t)PHILOX4X32_M0 * c0;
        uint64_t p1 = (uint64_t)PHILOX4X32_M1 * c2;
        c0 = (uint32_t)(p1 >> 32) ^ c1 ^ k0;
        c1 = (uint32_t)p1;
        c2 = (uint32_t)(p0 >> 32) ^ c3 ^ k1;
        c3 = (uint32_t)p0;
    }
    struct philox4x32_ctr out = {{c0, c1, c2, c3}};
    return out;
}

/* Portable form: the words live in 64-bit lanes, so the vectoriser can use 64-bit multiplies
 * (GCC 12 picks vpmullq with AVX-512DQ, pmuludq pairs with AVX2). */
void philox4x32_10_seq_generic(uint64_t j0, uint32_t c2, uint32_t c3, struct philox4x32_key key,
                               size_t n, uint32_t *restrict x0, uint32_t *restrict x1,
                               uint32_t *restrict x2, uint32_t *restrict x3) {
    uint32_t k0[PHILOX4X32_ROUNDS], k1[PHILOX4X32_ROUNDS];
    k0[0] = key.v[0];
    k1[0] = key.v[1];
    for (int r = 1; r < PHILOX4X32_ROUNDS; r++) {
        k0[r] = k0[r - 1] + PHILOX4X32_W0;
        k1[r] = k1[r - 1] + PHILOX4X32_W1;
    }
#pragma omp simd
    for (size_t m = 0; m < n; m++) {
        uint64_t j = j0 + m;
        uint32_t w0 = (uint32_t)j, w1 = (uint32_t)(j >> 32), w2 = c2, w3 = c3;
        for (int r = 0; r < PHILOX4X32_ROUNDS; r++) {
            uint64_t p0 = (uint64_t)w0 * PHILOX4X32_M0;
            uint64_t p1 = (uint64_t)w2 * PHILOX4X32_M1;
            w0 = (uint32_t)(p1 >> 32) ^ w1 ^ k0[r];
            w1 = (uint32_t)p1;
            w2 = (uint32_t)(p0 >> 32) ^ w3 ^ k1[r];
            w3 = (uint32_t)p0;
        }
        x0[m] = w0;
        x1[m] = w1;
        x2[m] = w2;
        x3[m] = w3;
    }
}

#if defined(__AVX512F__)
/* Eight counters per vector, one per 64-bit lane. vpmuludq multiplies the low 32 bits of each
 * lane and ignores the high ones, so a word carried from the previous round needs no masking:
 * only its low 32 bits are ever used, and the final narrowing (vpmovqd) drops the rest. The
 * high half of a product moves down with a dword shuffle (port 5) rather than a shift (port 0,
 * where the multiplies go), leaving per round two multiplies, two shuffles and two three-way
 * xors (vpternlogq). */
static size_t seq_avx512(uint64_t j0, uint32_t c2, uint32_t c3, struct philox4x32_key key, size_t n,
                         uint32_t *x0, uint32_t *x1, uint32_t *x2, uint32_t *x3) {
    const __m512i m0 = _mm512_set1_epi64(PHILOX4X32_M0), m1 = _mm512_set1_epi64(PHILOX4X32_M1);
    const __m512i lanes = _mm512_set_epi64(7, 6, 5, 4, 3, 2, 1, 0);
    __m512i k0[PHILOX4X32_ROUNDS], k1[PHILOX4X32_ROUNDS];
    uint32_t a = key.v[0], b = key.v[1];
    for (int r = 0; r < PHILOX4X32_ROUNDS; r++) {
        k0[r] = _mm512_set1_epi64(a);
        k1[r] = _mm512_set1_epi64(b);
        a += PHILOX4X32_W0;
        b += PHILOX4X32_W1;
    }
    size_t m = 0;
    for (; m + 8 <= n; m += 8) {
        __m512i j = _mm512_add_epi64(_mm512_set1_epi64((long long)(j0 + m)), lanes);
        __m512i w0 = j, w1 = _mm512_srli_epi64(j, 32);
        __m512i w2 = _mm512_set1_epi64(c2), w3 = _mm512_set1_epi64(c3);
        for (int r = 0; r < PHILOX4X32_ROUNDS; r++) {
            __m512i p0 = _mm512_mul_epu32(w0, m0);
            __m512i p1 = _mm512_mul_epu32(w2, m1);
            w0 =
                _mm512_ternarylogic_epi64(_mm512_shuffle_epi32(p1, _MM_PERM_DDBB), w1, k0[r], 0x96);
            w1 = p1;
            w2 =
                _mm512_ternarylogic_epi64(_mm512_shuffle_epi32(p0, _MM_PERM_DDBB), w3, k1[r], 0x96);
            w3 = p0;
        }
        _mm256_storeu_si256((__m256i *)(x0 + m), _mm512_cvtepi64_epi32(w0));
        _mm256_storeu_si256((__m256i *)(x1 + m), _mm512_cvtepi64_epi32(w1));
        _mm256_storeu_si256((__m256i *)(x2 + m), _mm512_cvtepi64_epi32(w2));
        _mm256_storeu_si256((__m256i *)(x3 + m), _mm512_cvtepi64_epi32(w3));
    }
    return m;
}
#endif

void philox4x32_10_seq(uint64_t j0, uint32_t c2, uint32_t c3, struct philox4x32_key key, size_t n,
                       uint32_t *restrict x0, uint32_t *restrict x1, uint32_t *restrict x2,
                       uint32_t *restrict x3) {
    size_t done = 0;
#if defined(__AVX512F__)
    done = seq_avx512(j0, c2, c3, key, n, x0, x1, x2, x3);
#endif
    if (done < n)
        philox4x32_10_seq_generic(j0 + done, c2, c3, key, n - done, x0 + done, x1 + done, x2 + done,
                                  x3 + done);
}
