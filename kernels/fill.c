#include "fill.h"

static uint64_t splitmix64(uint64_t x) {
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

double fill_uniform01(uint64_t seed, uint64_t stream, uint64_t index) {
    uint64_t h = splitmix64(splitmix64(seed ^ splitmix64(stream)) ^ index);
    return (double)(h >> 11) * 0x1.0p-53;
}

void fill_uniform_array(double *a, size_t n, double lo, double hi, uint64_t seed, uint64_t stream) {
    fill_uniform_array_from(a, 0, n, lo, hi, seed, stream);
}

void fill_uniform_array_from(double *a, size_t first, size_t n, double lo, double hi, uint64_t seed,
                             uint64_t stream) {
    double span = hi - lo;
#pragma omp parallel for schedule(runtime)
    for (size_t i = 0; i < n; i++)
        a[i] = lo + span * fill_uniform01(seed, stream, first + i);
}
