#include "stream.h"

#include "reduce.h"

#include <errno.h>
#include <stdint.h>

#if defined(__AVX__) || defined(__SSE2__)
#include <immintrin.h>
#endif

size_t stream_block_count(size_t n) {
    return (n + STREAM_BLOCK - 1) / STREAM_BLOCK;
}

static size_t block_len(size_t n, size_t lo) {
    return n - lo < STREAM_BLOCK ? n - lo : STREAM_BLOCK;
}

/* Byte ranges compared as integers: the arrays may come from different objects. */
static int overlaps(const double *p, size_t np, const double *q, size_t nq) {
    uintptr_t a = (uintptr_t)p, b = (uintptr_t)q;
    return a < b + nq * sizeof(double) && b < a + np * sizeof(double);
}

/* The output must not overlap either input: the loops promise the compiler (restrict) that
 * nothing they write is read again. */
static int check_args(const double *out, const double *x, const double *y, size_t n) {
    if (n == 0 || n > SIZE_MAX / sizeof(double) || !out || !x || !y)
        return EINVAL;
    if (overlaps(out, n, x, n) || overlaps(out, n, y, n))
        return EINVAL;
    return 0;
}

/* ---- the loops: one block each; the parallel forms schedule the blocks --------------------- */

static void copy_loop(double *restrict c, const double *restrict a, size_t n) {
#pragma omp simd
    for (size_t i = 0; i < n; i++)
        c[i] = a[i];
}

static void scale_loop(double *restrict b, const double *restrict c, double s, size_t n) {
#pragma omp simd
    for (size_t i = 0; i < n; i++)
        b[i] = s * c[i];
}

static void add_loop(double *restrict c, const double *restrict a, const double *restrict b,
                     size_t n) {
#pragma omp simd
    for (size_t i = 0; i < n; i++)
        c[i] = a[i] + b[i];
}

static void triad_loop(double *restrict a, const double *restrict b, const double *restrict c,
                       double s, size_t n) {
#pragma omp simd
    for (size_t i = 0; i < n; i++)
        a[i] = b[i] + s * c[i];
}

/* ---- reference: one serial pass over the whole array ------------------------------------- */

int stream_copy_ref(double *c, const double *a, size_t n) {
    int rc = check_args(c, a, a, n);
    if (!rc)
        copy_loop(c, a, n);
    return rc;
}

int stream_scale_ref(double *b, const double *c, double s, size_t n) {
    int rc = check_args(b, c, c, n);
    if (!rc)
        scale_loop(b, c, s, n);
    return rc;
}

int stream_add_ref(double *c, const double *a, const double *b, size_t n) {
    int rc = check_args(c, a, b, n);
    if (!rc)
        add_loop(c, a, b, n);
    return rc;
}

int stream_triad_ref(double *a, const double *b, const double *c, double s, size_t n) {
    int rc = check_args(a, b, c, n);
    if (!rc)
        triad_loop(a, b, c, s, n);
    return rc;
}

/* ---- OpenMP: blocks of STREAM_BLOCK over the threads, schedule(runtime) ------------------ */

int stream_copy_omp(double *c, const double *a, size_t n) {
    int rc = check_args(c, a, a, n);
    if (rc)
        return rc;
    size_t nblocks = stream_block_count(n);
#pragma omp parallel for schedule(runtime)
    for (size_t k = 0; k < nblocks; k++) {
        size_t lo = k * STREAM_BLOCK;
        copy_loop(c + lo, a + lo, block_len(n, lo));
    }
    return 0;
}

int stream_scale_omp(double *b, const double *c, double s, size_t n) {
    int rc = check_args(b, c, c, n);
    if (rc)
        return rc;
    size_t nblocks = stream_block_count(n);
#pragma omp parallel for schedule(runtime)
    for (size_t k = 0; k < nblocks; k++) {
        size_t lo = k * STREAM_BLOCK;
        scale_loop(b + lo, c + lo, s, block_len(n, lo));
    }
    return 0;
}

int stream_add_omp(double *c, const double *a, const double *b, size_t n) {
    int rc = check_args(c, a, b, n);
    if (rc)
        return rc;
    size_t nblocks = stream_block_count(n);
#pragma omp parallel for schedule(runtime)
    for (size_t k = 0; k < nblocks; k++) {
        size_t lo = k * STREAM_BLOCK;
        add_loop(c + lo, a + lo, b + lo, block_len(n, lo));
    }
    return 0;
}

int stream_triad_omp(double *a, const double *b, const double *c, double s, size_t n) {
    int rc = check_args(a, b, c, n);
    if (rc)
        return rc;
    size_t nblocks = stream_block_count(n);
#pragma omp parallel for schedule(runtime)
    for (size_t k = 0; k < nblocks; k++) {
        size_t lo = k * STREAM_BLOCK;
        triad_loop(a + lo, b + lo, c + lo, s, block_len(n, lo));
    }
    return 0;
}

/* ---- non-temporal stores --------------------------------------------------------------------
 * One vector type per build, so the block loop below is written once. Each output block is
 * stored with ordinary stores up to the first vector-aligned element (streaming stores need
 * aligned addresses), streamed in whole vectors, and finished with ordinary stores. The
 * arithmetic is the same IEEE multiply and add as the plain loops, element by element. */

enum stream_op { OP_COPY, OP_SCALE, OP_ADD, OP_TRIAD };

static double op_scalar(enum stream_op op, double x, double y, double s) {
    switch (op) {
    case OP_COPY:
        return x;
    case OP_SCALE:
        return s * x;
    case OP_ADD:
        return x + y;
    default:
        return x + s * y;
    }
}

#if defined(__AVX512F__)
#define NT_LANES 8
typedef __m512d nt_vec;
static inline nt_vec nt_load(const double *p) {
    return _mm512_loadu_pd(p);
}
static inline nt_vec nt_set1(double s) {
    return _mm512_set1_pd(s);
}
static inline nt_vec nt_add(nt_vec a, nt_vec b) {
    return _mm512_add_pd(a, b);
}
static inline nt_vec nt_mul(nt_vec a, nt_vec b) {
    return _mm512_mul_pd(a, b);
}
static inline void nt_store(double *p, nt_vec v) {
    _mm512_stream_pd(p, v);
}
#elif defined(__AVX__)
#define NT_LANES 4
typedef __m256d nt_vec;
static inline nt_vec nt_load(const double *p) {
    return _mm256_loadu_pd(p);
}
static inline nt_vec nt_set1(double s) {
    return _mm256_set1_pd(s);
}
static inline nt_vec nt_add(nt_vec a, nt_vec b) {
    return _mm256_add_pd(a, b);
}
static inline nt_vec nt_mul(nt_vec a, nt_vec b) {
    return _mm256_mul_pd(a, b);
}
static inline void nt_store(double *p, nt_vec v) {
    _mm256_stream_pd(p, v);
}
#elif defined(__SSE2__)
#define NT_LANES 2
typedef __m128d nt_vec;
static inline nt_vec nt_load(const double *p) {
    return _mm_loadu_pd(p);
}
static inline nt_vec nt_set1(double s) {
    return _mm_set1_pd(s);
}
static inline nt_vec nt_add(nt_vec a, nt_vec b) {
    return _mm_add_pd(a, b);
}
static inline nt_vec nt_mul(nt_vec a, nt_vec b) {
    return _mm_mul_pd(a, b);
}
static inline void nt_store(double *p, nt_vec v) {
    _mm_stream_pd(p, v);
}
#else
#define NT_LANES 0
#endif

int stream_nt_lanes(void) {
    return NT_LANES;
}

#if NT_LANES > 0
/* Streams whole vectors of out[lo..hi); returns the first element not written. */
static size_t nt_body(enum stream_op op, double *restrict out, const double *restrict x,
                      const double *restrict y, double s, size_t lo, size_t hi) {
    nt_vec vs = nt_set1(s);
    size_t i = lo;
    switch (op) {
    case OP_COPY:
        for (; i + NT_LANES <= hi; i += NT_LANES)
            nt_store(out + i, nt_load(x + i));
        break;
    case OP_SCALE:
        for (; i + NT_LANES <= hi; i += NT_LANES)
            nt_store(out + i, nt_mul(vs, nt_load(x + i)));
        break;
    case OP_ADD:
        for (; i + NT_LANES <= hi; i += NT_LANES)
            nt_store(out + i, nt_add(nt_load(x + i), nt_load(y + i)));
        break;
    default:
        for (; i + NT_LANES <= hi; i += NT_LANES)
            nt_store(out + i, nt_add(nt_load(x + i), nt_mul(vs, nt_load(y + i))));
        break;
    }
    return i;
}
#endif

static void nt_block(enum stream_op op, double *restrict out, const double *restrict x,
                     const double *restrict y, double s, size_t n) {
    size_t i = 0;
#if NT_LANES > 0
    size_t misalign = ((uintptr_t)out / sizeof(double)) % NT_LANES;
    size_t head = misalign ? NT_LANES - misalign : 0;
    if ((uintptr_t)out % sizeof(double) != 0)
        head = n; /* not even double-aligned: ordinary stores only */
    for (; i < head && i < n; i++)
        out[i] = op_scalar(op, x[i], y[i], s);
    i = nt_body(op, out, x, y, s, i, n);
#endif
    for (; i < n; i++)
        out[i] = op_scalar(op, x[i], y[i], s);
}

/* Streaming stores are weakly ordered: each thread fences its own before the region's closing
 * barrier publishes the array. */
static void nt_run(enum stream_op op, double *out, const double *x, const double *y, double s,
                   size_t n) {
    size_t nblocks = stream_block_count(n);
#pragma omp parallel
    {
#pragma omp for schedule(runtime) nowait
        for (size_t k = 0; k < nblocks; k++) {
            size_t lo = k * STREAM_BLOCK;
            nt_block(op, out + lo, x + lo, y + lo, s, block_len(n, lo));
        }
#if NT_LANES > 0
        _mm_sfence();
#endif
    }
}

int stream_copy_nt(double *c, const double *a, size_t n) {
    int rc = check_args(c, a, a, n);
    if (!rc)
        nt_run(OP_COPY, c, a, a, 0.0, n);
    return rc;
}

int stream_scale_nt(double *b, const double *c, double s, size_t n) {
    int rc = check_args(b, c, c, n);
    if (!rc)
        nt_run(OP_SCALE, b, c, c, s, n);
    return rc;
}

int stream_add_nt(double *c, const double *a, const double *b, size_t n) {
    int rc = check_args(c, a, b, n);
    if (!rc)
        nt_run(OP_ADD, c, a, b, 0.0, n);
    return rc;
}

int stream_triad_nt(double *a, const double *b, const double *c, double s, size_t n) {
    int rc = check_args(a, b, c, n);
    if (!rc)
        nt_run(OP_TRIAD, a, b, c, s, n);
    return rc;
}

/* ---- read ---------------------------------------------------------------------------------- */

int stream_read_ref(const double *a, size_t n, double *sum) {
    if (n == 0 || n > SIZE_MAX / sizeof(double) || !a || !sum)
        return EINVAL;
    struct reduce_kahan acc = {0.0, 0.0};
    for (size_t i = 0; i < n; i++)
        reduce_kahan_add(&acc, a[i]);
    *sum = reduce_kahan_value(&acc);
    return 0;
}

/* 32 partial sums: four 8-wide vector accumulators, enough to cover the add latency (4 cycles)
 * at two loads a cycle. The order is fixed by the source, not by the compiler's choices. */
enum { READ_PARTIALS = 32 };

/* The 32 partials in a fixed tree: four vectors added lane-wise, then the 8 lanes. A serial or
 * recursive combine here costs a quarter of the bandwidth from memory: the dependent adds and
 * the branches at every block's end stall the loads of the next block. */
static double read_combine(const double *part) {
    double v[8];
#pragma omp simd
    for (int l = 0; l < 8; l++)
        v[l] = (part[l] + part[l + 8]) + (part[l + 16] + part[l + 24]);
    return ((v[0] + v[4]) + (v[2] + v[6])) + ((v[1] + v[5]) + (v[3] + v[7]));
}

static double read_block(const double *restrict a, size_t n) {
    double part[READ_PARTIALS] = {0.0};
    size_t body = n - n % READ_PARTIALS;
    for (size_t i = 0; i < body; i += READ_PARTIALS)
#pragma omp simd
        for (size_t l = 0; l < READ_PARTIALS; l++)
            part[l] += a[i + l];
    for (size_t i = body; i < n; i++)
        part[i - body] += a[i];
    return read_combine(part);
}

int stream_read_omp(const double *a, size_t n, double *scratch, double *sum) {
    if (n == 0 || n > SIZE_MAX / sizeof(double) || !a || !scratch || !sum)
        return EINVAL;
    size_t nblocks = stream_block_count(n);
    if (overlaps(scratch, nblocks, a, n))
        return EINVAL;
#pragma omp parallel for schedule(runtime)
    for (size_t k = 0; k < nblocks; k++) {
        size_t lo = k * STREAM_BLOCK;
        scratch[k] = read_block(a + lo, block_len(n, lo));
    }
    *sum = reduce_pairwise(scratch, nblocks);
    return 0;
}

/* Two blocks of n elements summed in one loop, so their two streams are read interleaved,
 * as a dot product reads x and y; each block's partial sums follow read_block's order exactly,
 * so each result has read_block's bits. */
static void read_block_pair(const double *restrict a, const double *restrict b, size_t n,
                            double *sa, double *sb) {
    double pa[READ_PARTIALS] = {0.0}, pb[READ_PARTIALS] = {0.0};
    size_t body = n - n % READ_PARTIALS;
    for (size_t i = 0; i < body; i += READ_PARTIALS) {
#pragma omp simd
        for (size_t l = 0; l < READ_PARTIALS; l++) {
            pa[l] += a[i + l];
            pb[l] += b[i + l];
        }
    }
    for (size_t i = body; i < n; i++) {
        pa[i - body] += a[i];
        pb[i - body] += b[i];
    }
    *sa = read_combine(pa);
    *sb = read_combine(pb);
}

/* Iteration k sums block k of the first half together with block k + half of the second: two
 * interleaved streams per thread. Each block's partial sum is the one stream_read_omp forms,
 * stored in the same place, so both give the same bits. */
int stream_read_omp2(const double *a, size_t n, double *scratch, double *sum) {
    if (n == 0 || n > SIZE_MAX / sizeof(double) || !a || !scratch || !sum)
        return EINVAL;
    size_t nblocks = stream_block_count(n);
    if (overlaps(scratch, nblocks, a, n))
        return EINVAL;
    size_t half = (nblocks + 1) / 2;
#pragma omp parallel for schedule(runtime)
    for (size_t k = 0; k < half; k++) {
        size_t lo = k * STREAM_BLOCK, hi = (k + half) * STREAM_BLOCK;
        size_t len = block_len(n, lo);
        if (k + half < nblocks && block_len(n, hi) == len)
            read_block_pair(a + lo, a + hi, len, &scratch[k], &scratch[k + half]);
        else {
            scratch[k] = read_block(a + lo, len);
            if (k + half < nblocks)
                scratch[k + half] = read_block(a + hi, block_len(n, hi));
        }
    }
    *sum = reduce_pairwise(scratch, nblocks);
    return 0;
}
