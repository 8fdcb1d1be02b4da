// Fused Adam training of S independent two-layer nets: forward, hand-derived backward and
// the Adam update for K steps in one call, one seed at a time so that a seed's parameters,
// moments and activations stay in the core's cache for all K steps.
//
// Built and loaded by lottery/fused.py (plain C ABI, called through ctypes). Seeds are
// split over threads in contiguous blocks; no value ever mixes two seeds, so results do not
// depend on the thread count, the chunk size or which seeds share a call. The arithmetic
// follows torch.optim.Adam (lerp for the first moment, sqrt(s)/sqrt(bc2) + eps denominator).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <thread>
#include <vector>

namespace {

constexpr double BETA1 = 0.9, BETA2 = 0.999, EPS = 1e-8;

// exp by range reduction x = n ln2 + r, |r| <= ln2/2, and a Taylor polynomial in r;
// written with plain arithmetic so the compiler vectorises it inside the batch loops.
template <typename T> struct ExpTraits;
template <> struct ExpTraits<float> {
    using Int = int32_t;
    static constexpr float lo = -87.0f, hi = 88.0f;
    static constexpr float ln2_hi = 0.693359375f, ln2_lo = -2.12194440e-4f;
    static constexpr int degree = 7, mantissa = 23, bias = 127;
};
template <> struct ExpTraits<double> {
    using Int = int64_t;
    static constexpr double lo = -708.0, hi = 709.0;
    static constexpr double ln2_hi = 6.93147180369123816490e-01, ln2_lo = 1.90821492927058770002e-10;
    static constexpr int degree = 13, mantissa = 52, bias = 1023;
};

template <typename T>
inline T exp_poly(T x) {
    using E = ExpTraits<T>;
    x = x < E::lo ? E::lo : (x > E::hi ? E::hi : x);
    const T n = std::floor(x * T(1.44269504088896340736) + T(0.5));
    const T r = (x - n * E::ln2_hi) - n * E::ln2_lo;
    T p = T(1);
    for (int k = E::degree; k >= 1; --k) p = T(1) + p * (r * T(1.0 / k));
    typename E::Int bits = (static_cast<typename E::Int>(n) + E::bias) << E::mantissa;
    T scale;
    std::memcpy(&scale, &bits, sizeof(T));
    return p * scale;
}

enum Act { SILU = 0, LEAKY_RELU = 1, RELU = 2, TANH = 3 };

// Activation a(z) and derivative a'(z), as in lottery.nets.activation_fns.
template <typename T, int A>
inline void activate(T z, T slope, T &a, T &da) {
    if constexpr (A == SILU) {
        const T s = T(1) / (T(1) + exp_poly<T>(-z));
        a = z * s;
        da = s * (T(1) + z * (T(1) - s));
    } else if constexpr (A == TANH) {
        const T t = T(1) - T(2) / (exp_poly<T>(T(2) * z) + T(1));
        a = t;
        da = T(1) - t * t;
    } else if constexpr (A == LEAKY_RELU) {
        a = z > T(0) ? z : slope * z;
        da = z > T(0) ? T(1) : slope;
    } else {
        a = z > T(0) ? z : T(0);
        da = z > T(0) ? T(1) : T(0);
    }
}

template <typename T>
inline void adam(T &p, T &m, T &s, T g, T step_size, T bc2_sqrt) {
    m = m + T(1 - BETA1) * (g - m);
    s = s * T(BETA2) + T(1 - BETA2) * g * g;
    p = p - step_size * (m / (std::sqrt(s) / bc2_sqrt + T(EPS)));
}

template <typename T>
struct Job {
    int64_t seeds, width, dim, batch;
    T *p[4], *m[4], *s[4];      // (w [S,N,d], b [S,N], v [S,N], c [S]) each
    const T *xs, *ys;            // [kx, d, B] and [kx, B]: one batch per step, or one for all
    int64_t kx, steps;
    const T *step_size, *bc2_sqrt;  // per step
    T *losses;                   // [steps, S]
    T slope;
};

template <typename T, int A>
void train_seed(const Job<T> &J, int64_t seed, T *buf) {
    const int64_t N = J.width, d = J.dim, B = J.batch;
    T *w = J.p[0] + seed * N * d, *b = J.p[1] + seed * N, *v = J.p[2] + seed * N, *c = J.p[3] + seed;
    T *mw = J.m[0] + seed * N * d, *mb = J.m[1] + seed * N, *mv = J.m[2] + seed * N, *mc = J.m[3] + seed;
    T *sw = J.s[0] + seed * N * d, *sb = J.s[1] + seed * N, *sv = J.s[2] + seed * N, *sc = J.s[3] + seed;
    T *__restrict act = buf, *__restrict dact = buf + N * B, *__restrict out = buf + 2 * N * B,
      *__restrict g = buf + 2 * N * B + B;
    const T slope = J.slope, grad_scale = T(2.0 / double(B));
    for (int64_t t = 0; t < J.steps; ++t) {
        const T *__restrict x = J.xs + (J.kx == 1 ? 0 : t) * d * B;
        const T *__restrict y = J.ys + (J.kx == 1 ? 0 : t) * B;
        std::fill(out, out + B, T(0));
        for (int64_t i = 0; i < N; ++i) {
            const T bi = b[i], vi = v[i];
            const T *wi = w + i * d;
            T *__restrict ai = act + i * B, *__restrict di = dact + i * B;
#pragma omp simd
            for (int64_t j = 0; j < B; ++j) {
                T z = bi;
                for (int64_t k = 0; k < d; ++k) z = z + wi[k] * x[k * B + j];
                T a, da;
                activate<T, A>(z, slope, a, da);
                ai[j] = a;
                di[j] = da;
                out[j] += vi * a;
            }
        }
        const T ci = *c;
        T loss = 0, gc = 0;
#pragma omp simd reduction(+ : loss, gc)
        for (int64_t j = 0; j < B; ++j) {
            const T r = out[j] + ci - y[j];
            loss += r * r;
            g[j] = r * grad_scale;
            gc += g[j];
        }
        J.losses[t * J.seeds + seed] = loss / T(B);
        const T ss = J.step_size[t], bc = J.bc2_sqrt[t];
        for (int64_t i = 0; i < N; ++i) {
            const T vi = v[i];
            T *__restrict ai = act + i * B, *__restrict di = dact + i * B;
            T gv = 0, gb = 0;
#pragma omp simd reduction(+ : gv, gb)
            for (int64_t j = 0; j < B; ++j) {
                gv += g[j] * ai[j];
                const T gz = g[j] * vi * di[j];
                di[j] = gz;
                gb += gz;
            }
            for (int64_t k = 0; k < d; ++k) {
                const T *__restrict xk = x + k * B;
                T gw = 0;
#pragma omp simd reduction(+ : gw)
                for (int64_t j = 0; j < B; ++j) gw += di[j] * xk[j];
                adam(w[i * d + k], mw[i * d + k], sw[i * d + k], gw, ss, bc);
            }
            adam(b[i], mb[i], sb[i], gb, ss, bc);
            adam(v[i], mv[i], sv[i], gv, ss, bc);
        }
        adam(*c, *mc, *sc, gc, ss, bc);
    }
}

template <typename T, int A>
void train_range(const Job<T> *J, int64_t lo, int64_t hi) {
    std::vector<T> buf(2 * J->width * J->batch + 2 * J->batch);
    for (int64_t seed = lo; seed < hi; ++seed) train_seed<T, A>(*J, seed, buf.data());
}

template <typename T, int A>
void train(const Job<T> *J, int64_t threads) {
    const int64_t n = std::max<int64_t>(1, std::min(threads, J->seeds));
    std::vector<std::thread> pool;
    for (int64_t k = 1; k < n; ++k)
        pool.emplace_back(train_range<T, A>, J, J->seeds * k / n, J->seeds * (k + 1) / n);
    train_range<T, A>(J, 0, J->seeds / n);
    for (auto &th : pool) th.join();
}

template <typename T>
int dispatch(const Job<T> *J, int activation, int64_t threads) {
    switch (activation) {
        case SILU: train<T, SILU>(J, threads); return 0;
        case LEAKY_RELU: train<T, LEAKY_RELU>(J, threads); return 0;
        case RELU: train<T, RELU>(J, threads); return 0;
        case TANH: train<T, TANH>(J, threads); return 0;
        default: return 1;
    }
}

}  // namespace

extern "C" {
int lottery_fused_train_f32(const Job<float> *job, int activation, int64_t threads) {
    return dispatch(job, activation, threads);
}
int lottery_fused_train_f64(const Job<double> *job, int activation, int64_t threads) {
    return dispatch(job, activation, threads);
}
}
