// Fused Adam training of S independent two-layer nets: forward, hand-derived backward and
// the Adam update for K steps in one call, one seed at a time so that a seed's parameters,
// moments and activations stay in the core's cache for all K steps.
//
// Built and loaded by lottery/fused.py (plain C ABI, called through ctypes). Seeds are
// split over threads in contiguous blocks; no value ever mixes two seeds, so results do not
// depend on the thread count, the chunk size or which seeds share a call. The arithmetic
// follows torch.optim.Adam (lerp for the first moment, sqrt(s)/sqrt(bc2) + eps denominator).
//
// The batch is the SIMD dimension: GCC vector types hold L consecutive points (64 bytes),
// the batch is zero-padded to a multiple of L and padded points are masked out of the loss.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <thread>
#include <vector>

namespace {

constexpr double BETA1 = 0.9, BETA2 = 0.999, EPS = 1e-8;

template <typename T> struct Simd;
template <> struct Simd<float> {
    typedef float V __attribute__((vector_size(64)));
    typedef int32_t I __attribute__((vector_size(64)));
    static constexpr float lo = -87.0f, hi = 88.0f, round = 12582912.0f;  // 1.5 * 2^23
    static constexpr float ln2_hi = 0.693359375f, ln2_lo = -2.12194440e-4f;
    static constexpr int degree = 7, mantissa = 23, bias = 127;
};
template <> struct Simd<double> {
    typedef double V __attribute__((vector_size(64)));
    typedef int64_t I __attribute__((vector_size(64)));
    static constexpr double lo = -708.0, hi = 709.0, round = 6755399441055744.0;  // 1.5 * 2^52
    static constexpr double ln2_hi = 6.93147180369123816490e-01, ln2_lo = 1.90821492927058770002e-10;
    static constexpr int degree = 13, mantissa = 52, bias = 1023;
};
template <typename T> using Vec = typename Simd<T>::V;
template <typename T> constexpr int64_t LANES = sizeof(Vec<T>) / sizeof(T);

template <typename T>
inline Vec<T> splat(T x) {
    return Vec<T>{} + x;
}

// Sum of the lanes as a tree (halves added pairwise): short latency, fixed order.
template <typename T>
inline T hsum(Vec<T> v) {
    for (int64_t half = LANES<T> / 2; half >= 1; half /= 2)
        for (int64_t l = 0; l < half; ++l) v[l] += v[l + half];
    return v[0];
}

// 1 + r/k (1 + r/(k+1) (1 + ... r/D)): the Taylor series of exp(r) from k = 1.
template <typename T, int k, int D>
inline Vec<T> taylor_exp(Vec<T> r) {
    if constexpr (k > D)
        return splat<T>(1);
    else
        return 1 + taylor_exp<T, k + 1, D>(r) * (r * T(1.0 / k));
}

// exp by range reduction x = n ln2 + r, |r| <= ln2/2; n rounds by the 1.5 * 2^m trick and
// 2^n is built in the exponent bits. Inputs are clamped to the finite range; NaN stays NaN.
template <typename T>
inline Vec<T> vexp(Vec<T> x) {
    using S = Simd<T>;
    x = x < S::lo ? splat<T>(S::lo) : x;
    x = x > S::hi ? splat<T>(S::hi) : x;
    const Vec<T> n = (x * T(1.44269504088896340736) + S::round) - S::round;
    const Vec<T> r = (x - n * S::ln2_hi) - n * S::ln2_lo;
    const typename S::I bits = (__builtin_convertvector(n, typename S::I) + S::bias) << S::mantissa;
    return taylor_exp<T, 1, S::degree>(r) * reinterpret_cast<const Vec<T> &>(bits);
}

enum Act { SILU = 0, LEAKY_RELU = 1, RELU = 2, TANH = 3 };

// Activation a(z) and its derivative, as in lottery.liu_tegmark.activations (whose kernel_code
// of each activation is its value here).
template <typename T, int A>
inline void activate(Vec<T> z, T slope, Vec<T> &a, Vec<T> &da) {
    if constexpr (A == SILU) {
        const Vec<T> s = 1 / (1 + vexp<T>(-z));
        a = z * s;
        da = s * (1 + z * (1 - s));
    } else if constexpr (A == TANH) {
        const Vec<T> t = 1 - 2 / (vexp<T>(2 * z) + 1);
        a = t;
        da = 1 - t * t;
    } else {
        const T neg = A == LEAKY_RELU ? slope : T(0);
        a = z > 0 ? z : (A == LEAKY_RELU ? neg * z : splat<T>(0));
        da = z > 0 ? splat<T>(1) : splat<T>(neg);
    }
}

// Adam on n parameters with gradients g (a plain loop, vectorised by the compiler).
template <typename T>
inline void adam(int64_t n, T *__restrict p, T *__restrict m, T *__restrict s, const T *__restrict g,
                 T step_size, T bc2_sqrt) {
    for (int64_t i = 0; i < n; ++i) {
        m[i] = m[i] + T(1 - BETA1) * (g[i] - m[i]);
        s[i] = s[i] * T(BETA2) + T(1 - BETA2) * g[i] * g[i];
        p[i] = p[i] - step_size * (m[i] / (std::sqrt(s[i]) / bc2_sqrt + T(EPS)));
    }
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

// The batches in SIMD blocks: Q = ceil(B / L) vectors per input dimension, zero-padded.
template <typename T>
struct Batches {
    int64_t Q;
    std::vector<Vec<T>> x, y;  // [kx, d, Q], [kx, Q]
    std::vector<Vec<T>> mask;  // [Q]: 1 on real points, 0 on padding

    explicit Batches(const Job<T> &J) : Q((J.batch + LANES<T> - 1) / LANES<T>) {
        const int64_t B = J.batch, rows = J.kx * J.dim;
        x.assign(rows * Q, Vec<T>{});
        y.assign(J.kx * Q, Vec<T>{});
        mask.assign(Q, Vec<T>{});
        for (int64_t r = 0; r < rows; ++r)
            for (int64_t j = 0; j < B; ++j) x[r * Q + j / LANES<T>][j % LANES<T>] = J.xs[r * B + j];
        for (int64_t r = 0; r < J.kx; ++r)
            for (int64_t j = 0; j < B; ++j) y[r * Q + j / LANES<T>][j % LANES<T>] = J.ys[r * B + j];
        for (int64_t j = 0; j < B; ++j) mask[j / LANES<T>][j % LANES<T>] = 1;
    }
};

template <typename T, int A>
void train_seed(const Job<T> &J, const Batches<T> &D, int64_t seed, Vec<T> *buf, T *grad) {
    const int64_t N = J.width, d = J.dim, Q = D.Q;
    T *w = J.p[0] + seed * N * d, *b = J.p[1] + seed * N, *v = J.p[2] + seed * N, *c = J.p[3] + seed;
    T *mw = J.m[0] + seed * N * d, *mb = J.m[1] + seed * N, *mv = J.m[2] + seed * N, *mc = J.m[3] + seed;
    T *sw = J.s[0] + seed * N * d, *sb = J.s[1] + seed * N, *sv = J.s[2] + seed * N, *sc = J.s[3] + seed;
    Vec<T> *__restrict act = buf, *__restrict dact = buf + N * Q, *__restrict out = buf + 2 * N * Q,
           *__restrict g = buf + 2 * N * Q + Q;
    const Vec<T> *__restrict mask = D.mask.data();
    const T slope = J.slope, grad_scale = T(2.0 / double(J.batch));
    for (int64_t t = 0; t < J.steps; ++t) {
        const Vec<T> *__restrict x = D.x.data() + (J.kx == 1 ? 0 : t) * d * Q;
        const Vec<T> *__restrict y = D.y.data() + (J.kx == 1 ? 0 : t) * Q;
        for (int64_t q = 0; q < Q; ++q) out[q] = Vec<T>{};
        for (int64_t i = 0; i < N; ++i) {
            const T *wi = w + i * d;
            const T bi = b[i], vi = v[i];
            Vec<T> *__restrict ai = act + i * Q, *__restrict di = dact + i * Q;
            for (int64_t q = 0; q < Q; ++q) {
                Vec<T> z = splat<T>(bi);
                for (int64_t k = 0; k < d; ++k) z = z + wi[k] * x[k * Q + q];
                activate<T, A>(z, slope, ai[q], di[q]);
                out[q] += vi * ai[q];
            }
        }
        const T ci = *c;
        Vec<T> loss{}, gc{};
        for (int64_t q = 0; q < Q; ++q) {
            const Vec<T> r = (out[q] + ci - y[q]) * mask[q];
            loss += r * r;
            g[q] = r * grad_scale;
            gc += g[q];
        }
        J.losses[t * J.seeds + seed] = hsum<T>(loss) / T(J.batch);
        const T ss = J.step_size[t], bc = J.bc2_sqrt[t];
        for (int64_t i = 0; i < N; ++i) {
            const T vi = v[i];
            Vec<T> *__restrict ai = act + i * Q, *__restrict di = dact + i * Q;
            Vec<T> gv{}, gb{};
            for (int64_t q = 0; q < Q; ++q) {
                gv += g[q] * ai[q];
                di[q] = g[q] * vi * di[q];
                gb += di[q];
            }
            for (int64_t k = 0; k < d; ++k) {
                Vec<T> gw{};
                for (int64_t q = 0; q < Q; ++q) gw += di[q] * x[k * Q + q];
                grad[i * d + k] = hsum<T>(gw);
            }
            grad[N * d + i] = hsum<T>(gb);
            grad[N * d + N + i] = hsum<T>(gv);
        }
        grad[N * d + 2 * N] = hsum<T>(gc);
        adam(N * d, w, mw, sw, grad, ss, bc);
        adam(N, b, mb, sb, grad + N * d, ss, bc);
        adam(N, v, mv, sv, grad + N * d + N, ss, bc);
        adam(1, c, mc, sc, grad + N * d + 2 * N, ss, bc);
    }
}

template <typename T, int A>
void train_range(const Job<T> *J, const Batches<T> *D, int64_t lo, int64_t hi) {
    std::vector<Vec<T>> buf(2 * J->width * D->Q + 2 * D->Q);
    std::vector<T> grad(J->width * (J->dim + 2) + 1);
    for (int64_t seed = lo; seed < hi; ++seed) train_seed<T, A>(*J, *D, seed, buf.data(), grad.data());
}

template <typename T, int A>
void train(const Job<T> *J, int64_t threads) {
    const Batches<T> D(*J);
    const int64_t n = std::max<int64_t>(1, std::min(threads, J->seeds));
    std::vector<std::thread> pool;
    for (int64_t k = 1; k < n; ++k)
        pool.emplace_back(train_range<T, A>, J, &D, J->seeds * k / n, J->seeds * (k + 1) / n);
    train_range<T, A>(J, &D, 0, J->seeds / n);
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
