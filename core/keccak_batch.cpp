#include "core/keccak_batch.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define CAUSEWAY_KECCAK_X86 1
#endif

namespace causeway {

namespace {

constexpr std::size_t kRate = 136;  // keccak256: 1088-bit rate, 17 lanes of 64 bits
constexpr std::size_t kRateWords = kRate / 8;

constexpr uint64_t kRoundConstants[24] = {
    0x0000000000000001, 0x0000000000008082, 0x800000000000808A, 0x8000000080008000, 0x000000000000808B,
    0x0000000080000001, 0x8000000080008081, 0x8000000000008009, 0x000000000000008A, 0x0000000000000088,
    0x0000000080008009, 0x000000008000000A, 0x000000008000808B, 0x800000000000008B, 0x8000000000008089,
    0x8000000000008003, 0x8000000000008002, 0x8000000000000080, 0x000000000000800A, 0x800000008000000A,
    0x8000000080008081, 0x8000000000008080, 0x0000000080000001, 0x8000000080008008,
};

// The permutation is written once, as a macro, for every path: a path expands it in a function
// compiled for its instructions, with overloads of xor2, xor3, rol<n>, chi and xor_rc for its word
// type (a function template could not carry a different target attribute per path). The state
// lives in named values for the whole permutation so that it stays in registers as far as it can
// (an array behind a pointer would make every round load and store it): a round reads a0..a24 and
// writes e0..e24, the next the other way round, so that no round copies the state.
// clang-format off
#define CAUSEWAY_KECCAK_LANES(X) \
    X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11) X(12) \
    X(13) X(14) X(15) X(16) X(17) X(18) X(19) X(20) X(21) X(22) X(23) X(24)
// clang-format on

// One output row of rho, pi and chi: the five lanes b0..b4 that pi moves into the row (each
// already rotated), then o[x] = b[x] ^ (~b[x + 1] & b[x + 2]); row by row, so that only five b are
// alive at a time.
#define CAUSEWAY_KECCAK_ROW(o0, o1, o2, o3, o4, b0_, b1_, b2_, b3_, b4_) \
    do {                                                                 \
        const auto b0 = b0_;                                             \
        const auto b1 = b1_;                                             \
        const auto b2 = b2_;                                             \
        const auto b3 = b3_;                                             \
        const auto b4 = b4_;                                             \
        o0 = chi(b0, b1, b2);                                            \
        o1 = chi(b1, b2, b3);                                            \
        o2 = chi(b2, b3, b4);                                            \
        o3 = chi(b3, b4, b0);                                            \
        o4 = chi(b4, b0, b1);                                            \
    } while (false)

// Round `round` from a0..a24 into e0..e24: theta, then rho and pi (b[y, 2x + 3y] =
// rol(a[x, y] ^ d[x], r[x, y])) and chi row by row, then iota.
#define CAUSEWAY_KECCAK_ROUND(a, e, round)                                                                  \
    do {                                                                                                    \
        const auto c0 = xor3(xor3(a##0, a##5, a##10), a##15, a##20);                                        \
        const auto c1 = xor3(xor3(a##1, a##6, a##11), a##16, a##21);                                        \
        const auto c2 = xor3(xor3(a##2, a##7, a##12), a##17, a##22);                                        \
        const auto c3 = xor3(xor3(a##3, a##8, a##13), a##18, a##23);                                        \
        const auto c4 = xor3(xor3(a##4, a##9, a##14), a##19, a##24);                                        \
        const auto d0 = xor2(c4, rol<1>(c1));                                                               \
        const auto d1 = xor2(c0, rol<1>(c2));                                                               \
        const auto d2 = xor2(c1, rol<1>(c3));                                                               \
        const auto d3 = xor2(c2, rol<1>(c4));                                                               \
        const auto d4 = xor2(c3, rol<1>(c0));                                                               \
        CAUSEWAY_KECCAK_ROW(e##0, e##1, e##2, e##3, e##4, xor2(a##0, d0), rol<44>(xor2(a##6, d1)),          \
                            rol<43>(xor2(a##12, d2)), rol<21>(xor2(a##18, d3)), rol<14>(xor2(a##24, d4)));  \
        CAUSEWAY_KECCAK_ROW(e##5, e##6, e##7, e##8, e##9, rol<28>(xor2(a##3, d3)), rol<20>(xor2(a##9, d4)), \
                            rol<3>(xor2(a##10, d0)), rol<45>(xor2(a##16, d1)), rol<61>(xor2(a##22, d2)));   \
        CAUSEWAY_KECCAK_ROW(e##10, e##11, e##12, e##13, e##14, rol<1>(xor2(a##1, d1)),                      \
                            rol<6>(xor2(a##7, d2)), rol<25>(xor2(a##13, d3)), rol<8>(xor2(a##19, d4)),      \
                            rol<18>(xor2(a##20, d0)));                                                      \
        CAUSEWAY_KECCAK_ROW(e##15, e##16, e##17, e##18, e##19, rol<27>(xor2(a##4, d4)),                     \
                            rol<36>(xor2(a##5, d0)), rol<10>(xor2(a##11, d1)), rol<15>(xor2(a##17, d2)),    \
                            rol<56>(xor2(a##23, d3)));                                                      \
        CAUSEWAY_KECCAK_ROW(e##20, e##21, e##22, e##23, e##24, rol<62>(xor2(a##2, d2)),                     \
                            rol<55>(xor2(a##8, d3)), rol<39>(xor2(a##14, d4)), rol<41>(xor2(a##15, d0)),    \
                            rol<2>(xor2(a##21, d1)));                                                       \
        e##0 = xor_rc(e##0, round);                                                                         \
    } while (false)

// All 24 rounds, two at a time (a into e, e back into a).
#define CAUSEWAY_KECCAK_PERMUTE()                 \
    for (int round = 0; round < 24; round += 2) { \
        CAUSEWAY_KECCAK_ROUND(a, e, round);       \
        CAUSEWAY_KECCAK_ROUND(e, a, round + 1);   \
    }

// ---- portable: one message at a time, one 64-bit lane per word ----

inline uint64_t xor2(uint64_t a, uint64_t b) noexcept {
    return a ^ b;
}
inline uint64_t xor3(uint64_t a, uint64_t b, uint64_t c) noexcept {
    return a ^ b ^ c;
}
template <int kBits>
inline uint64_t rol(uint64_t v) noexcept {
    return std::rotl(v, kBits);
}
inline uint64_t chi(uint64_t a, uint64_t b, uint64_t c) noexcept {
    return a ^ (~b & c);
}
inline uint64_t xor_rc(uint64_t a, int round) noexcept {
    return a ^ kRoundConstants[round];
}

void permute(uint64_t* s) noexcept {
#define CAUSEWAY_LOAD(i) uint64_t a##i = s[i], e##i;
#define CAUSEWAY_STORE(i) s[i] = a##i;
    CAUSEWAY_KECCAK_LANES(CAUSEWAY_LOAD)
    CAUSEWAY_KECCAK_PERMUTE()
    CAUSEWAY_KECCAK_LANES(CAUSEWAY_STORE)
#undef CAUSEWAY_LOAD
#undef CAUSEWAY_STORE
}

// Keccak's lanes are little endian whatever the host's byte order.
inline uint64_t load_le64(const uint8_t* p) noexcept {
    uint64_t v;
    std::memcpy(&v, p, 8);
    if constexpr (std::endian::native == std::endian::big) v = std::byteswap(v);
    return v;
}

inline void store_le64(uint8_t* p, uint64_t v) noexcept {
    if constexpr (std::endian::native == std::endian::big) v = std::byteswap(v);
    std::memcpy(p, &v, 8);
}

// The last block of a message: its remaining `rest` (< kRate) bytes at `p`, padded with pad10*1
// and Keccak's (pre-SHA-3) domain byte 0x01, passed word by word as put(w, word) for w in 0..16.
template <typename Put>
inline void last_block(const uint8_t* p, std::size_t rest, Put put) noexcept {
    const std::size_t words = rest / 8;
    for (std::size_t w = 0; w < words; ++w) put(w, load_le64(p + 8 * w));
    uint8_t tail[8] = {};
    if (rest % 8) std::memcpy(tail, p + 8 * words, rest % 8);
    tail[rest % 8] = 0x01;
    uint64_t word = load_le64(tail);
    for (std::size_t w = words; w < kRateWords; ++w, word = 0) {
        put(w, w + 1 == kRateWords ? word ^ (uint64_t{0x80} << 56) : word);
    }
}

// Writes with memcpy: `out` may be raw storage that no Hash was constructed in.
void hash_one(ByteView m, Hash* out) noexcept {
    uint64_t s[25] = {};
    const uint8_t* p = m.data();
    std::size_t rest = m.size();
    for (; rest >= kRate; rest -= kRate, p += kRate) {
        for (std::size_t w = 0; w < kRateWords; ++w) s[w] ^= load_le64(p + 8 * w);
        permute(s);
    }
    last_block(p, rest, [&](std::size_t w, uint64_t word) { s[w] ^= word; });
    permute(s);
    uint8_t digest[sizeof(Hash)];
    for (std::size_t w = 0; w < 4; ++w) store_le64(digest + 8 * w, s[w]);
    std::memcpy(static_cast<void*>(out), digest, sizeof(Hash));
}

#ifdef CAUSEWAY_KECCAK_X86

// ---- vector paths: one message per 64-bit element of a vector word ----

// The state of kLanes sponges side by side: word w of lane i at [w * kLanes + i], so that word w
// of every lane is one vector load.
using AbsorbPermute = void (*)(uint64_t* state, const uint64_t* block) noexcept;

// Messages in[order[0..n)] through the sponge, kLanes at a time: a lane that finishes a message
// takes the next one (its state cleared) while the others carry on, so lanes stay busy however
// the message lengths mix (a 532-byte branch takes 4 permutations, a key 1). `absorb_permute`
// XORs a block (17 words per lane, laid out as the state) into the state and permutes it.
template <std::size_t kLanes, AbsorbPermute absorb_permute>
void hash_stream(const ByteView* in, Hash* out, const uint16_t* order, std::size_t n) noexcept {
    struct Lane {
        std::size_t message = 0;
        std::size_t block = 0;
        std::size_t blocks = 0;  // absorbed blocks, the last one padded
        bool busy = false;
    };
    Lane lanes[kLanes];
    std::size_t next = 0;
    alignas(64) uint64_t state[25 * kLanes] = {};  // lanes that never take a message still permute it
    alignas(64) uint64_t block[kRateWords * kLanes];
    while (true) {
        bool any = false;
        for (std::size_t i = 0; i < kLanes; ++i) {
            Lane& lane = lanes[i];
            if (!lane.busy && next < n) {
                const std::size_t m = order[next++];
                lane = Lane{m, 0, in[m].size() / kRate + 1, true};
                for (std::size_t w = 0; w < 25; ++w) state[w * kLanes + i] = 0;
            }
            if (!lane.busy) {
                for (std::size_t w = 0; w < kRateWords; ++w) block[w * kLanes + i] = 0;
                continue;
            }
            any = true;
            const ByteView m = in[lane.message];
            const uint8_t* p = m.data() + lane.block * kRate;
            if (lane.block + 1 < lane.blocks) {
                for (std::size_t w = 0; w < kRateWords; ++w) block[w * kLanes + i] = load_le64(p + 8 * w);
            } else {
                last_block(p, m.size() - lane.block * kRate,
                           [&](std::size_t w, uint64_t word) { block[w * kLanes + i] = word; });
            }
        }
        if (!any) return;
        absorb_permute(state, block);
        for (std::size_t i = 0; i < kLanes; ++i) {
            Lane& lane = lanes[i];
            if (!lane.busy || ++lane.block < lane.blocks) continue;
            auto* o = reinterpret_cast<unsigned char*>(out + lane.message);
            for (std::size_t w = 0; w < 4; ++w) store_le64(o + 8 * w, state[w * kLanes + i]);
            lane.busy = false;
        }
    }
}

// Longest first (a counting sort on block counts), so that short messages fill the lanes at the
// end instead of leaving a long one to run alone; in chunks, so that the order fits on the stack.
template <std::size_t kLanes, AbsorbPermute absorb_permute>
void hash_lanes(std::span<const ByteView> in, Hash* out) noexcept {
    constexpr std::size_t kChunk = 256;
    constexpr std::size_t kBuckets = 16;
    for (std::size_t start = 0; start < in.size(); start += kChunk) {
        const std::size_t n = std::min(kChunk, in.size() - start);
        const ByteView* chunk = in.data() + start;
        std::size_t count[kBuckets + 1] = {};
        const auto bucket = [&](std::size_t i) {
            return kBuckets - 1 - std::min(kBuckets - 1, chunk[i].size() / kRate);
        };
        for (std::size_t i = 0; i < n; ++i) ++count[bucket(i) + 1];
        for (std::size_t b = 0; b < kBuckets; ++b) count[b + 1] += count[b];
        uint16_t order[kChunk];
        for (std::size_t i = 0; i < n; ++i) order[count[bucket(i)]++] = static_cast<uint16_t>(i);
        hash_stream<kLanes, absorb_permute>(chunk, out + start, order, n);
    }
}

// ---- AVX2: four lanes per ymm ----

#define CAUSEWAY_AVX2 __attribute__((target("avx2")))

// AVX2 has no rotate nor ternary logic: a rotation is two shifts and an OR (a byte shuffle for
// the rotations by 8 and 56), chi is an ANDNOT and an XOR.
CAUSEWAY_AVX2 inline __m256i xor2(__m256i a, __m256i b) noexcept {
    return _mm256_xor_si256(a, b);
}
CAUSEWAY_AVX2 inline __m256i xor3(__m256i a, __m256i b, __m256i c) noexcept {
    return _mm256_xor_si256(_mm256_xor_si256(a, b), c);
}
template <int kBits>
CAUSEWAY_AVX2 inline __m256i rol(__m256i v) noexcept {
    if constexpr (kBits == 8) {
        return _mm256_shuffle_epi8(v, _mm256_setr_epi8(7, 0, 1, 2, 3, 4, 5, 6, 15, 8, 9, 10, 11, 12, 13, 14,
                                                       7, 0, 1, 2, 3, 4, 5, 6, 15, 8, 9, 10, 11, 12, 13, 14));
    } else if constexpr (kBits == 56) {
        return _mm256_shuffle_epi8(v, _mm256_setr_epi8(1, 2, 3, 4, 5, 6, 7, 0, 9, 10, 11, 12, 13, 14, 15, 8,
                                                       1, 2, 3, 4, 5, 6, 7, 0, 9, 10, 11, 12, 13, 14, 15, 8));
    } else {
        return _mm256_or_si256(_mm256_slli_epi64(v, kBits), _mm256_srli_epi64(v, 64 - kBits));
    }
}
CAUSEWAY_AVX2 inline __m256i chi(__m256i a, __m256i b, __m256i c) noexcept {
    return _mm256_xor_si256(a, _mm256_andnot_si256(b, c));
}
CAUSEWAY_AVX2 inline __m256i xor_rc(__m256i a, int round) noexcept {
    return _mm256_xor_si256(a, _mm256_set1_epi64x(static_cast<long long>(kRoundConstants[round])));
}

CAUSEWAY_AVX2 void absorb_permute_avx2(uint64_t* s, const uint64_t* block) noexcept {
#define CAUSEWAY_LOAD(i) \
    __m256i a##i = _mm256_load_si256(reinterpret_cast<const __m256i*>(s + 4 * (i))), e##i;
#define CAUSEWAY_ABSORB(i)          \
    if constexpr ((i) < kRateWords) \
        a##i = _mm256_xor_si256(a##i, _mm256_load_si256(reinterpret_cast<const __m256i*>(block + 4 * (i))));
#define CAUSEWAY_STORE(i) _mm256_store_si256(reinterpret_cast<__m256i*>(s + 4 * (i)), a##i);
    CAUSEWAY_KECCAK_LANES(CAUSEWAY_LOAD)
    CAUSEWAY_KECCAK_LANES(CAUSEWAY_ABSORB)
    CAUSEWAY_KECCAK_PERMUTE()
    CAUSEWAY_KECCAK_LANES(CAUSEWAY_STORE)
#undef CAUSEWAY_LOAD
#undef CAUSEWAY_ABSORB
#undef CAUSEWAY_STORE
}

#undef CAUSEWAY_AVX2

// ---- AVX-512: eight lanes per zmm ----

#define CAUSEWAY_AVX512 __attribute__((target("avx512f")))

// Rotations by a constant (the immediate form), theta's five-way XOR as two three-way ones, and
// chi's b ^ (~b1 & b2) as one ternary-logic instruction each.
CAUSEWAY_AVX512 inline __m512i xor2(__m512i a, __m512i b) noexcept {
    return _mm512_xor_si512(a, b);
}
CAUSEWAY_AVX512 inline __m512i xor3(__m512i a, __m512i b, __m512i c) noexcept {
    return _mm512_ternarylogic_epi64(a, b, c, 0x96);
}
template <int kBits>
CAUSEWAY_AVX512 inline __m512i rol(__m512i v) noexcept {
    // The merge form with every lane selected is the same vprolq; the plain form trips GCC 12's
    // false -Wuninitialized on its undefined pass-through operand (GCC bug 105593).
    return _mm512_mask_rol_epi64(v, static_cast<__mmask8>(0xff), v, kBits);
}
CAUSEWAY_AVX512 inline __m512i chi(__m512i a, __m512i b, __m512i c) noexcept {
    return _mm512_ternarylogic_epi64(a, b, c, 0xD2);
}
CAUSEWAY_AVX512 inline __m512i xor_rc(__m512i a, int round) noexcept {
    return _mm512_xor_si512(a, _mm512_set1_epi64(static_cast<long long>(kRoundConstants[round])));
}

CAUSEWAY_AVX512 void absorb_permute_avx512(uint64_t* s, const uint64_t* block) noexcept {
#define CAUSEWAY_LOAD(i) __m512i a##i = _mm512_load_si512(s + 8 * (i)), e##i;
#define CAUSEWAY_ABSORB(i) \
    if constexpr ((i) < kRateWords) a##i = _mm512_xor_si512(a##i, _mm512_load_si512(block + 8 * (i)));
#define CAUSEWAY_STORE(i) _mm512_store_si512(s + 8 * (i), a##i);
    CAUSEWAY_KECCAK_LANES(CAUSEWAY_LOAD)
    CAUSEWAY_KECCAK_LANES(CAUSEWAY_ABSORB)
    CAUSEWAY_KECCAK_PERMUTE()
    CAUSEWAY_KECCAK_LANES(CAUSEWAY_STORE)
#undef CAUSEWAY_LOAD
#undef CAUSEWAY_ABSORB
#undef CAUSEWAY_STORE
}

#undef CAUSEWAY_AVX512

#endif  // CAUSEWAY_KECCAK_X86

#undef CAUSEWAY_KECCAK_PERMUTE
#undef CAUSEWAY_KECCAK_ROUND
#undef CAUSEWAY_KECCAK_ROW
#undef CAUSEWAY_KECCAK_LANES

struct Paths {
    std::array<KeccakBatchPath, 3> list{};
    std::size_t size = 0;
};

const Paths& paths() noexcept {
    static const Paths paths = [] {
        Paths p;
        p.list[p.size++] = KeccakBatchPath::kPortable;
#ifdef CAUSEWAY_KECCAK_X86
        // Also checks that the OS saves the vector registers (XCR0), not only the CPUID bit.
        __builtin_cpu_init();
        if (__builtin_cpu_supports("avx2")) p.list[p.size++] = KeccakBatchPath::kAvx2;
        if (__builtin_cpu_supports("avx512f")) p.list[p.size++] = KeccakBatchPath::kAvx512;
#endif
        return p;
    }();
    return paths;
}

using BatchFn = void (*)(std::span<const ByteView>, Hash*) noexcept;

BatchFn batch_fn(KeccakBatchPath path) noexcept {
    switch (path) {
        case KeccakBatchPath::kAvx512: return keccak256_batch_avx512;
        case KeccakBatchPath::kAvx2: return keccak256_batch_avx2;
        case KeccakBatchPath::kPortable: break;
    }
    return keccak256_batch_portable;
}

}  // namespace

std::string_view keccak_batch_path_name(KeccakBatchPath path) noexcept {
    switch (path) {
        case KeccakBatchPath::kPortable: return "portable";
        case KeccakBatchPath::kAvx2: return "avx2";
        case KeccakBatchPath::kAvx512: return "avx512";
    }
    return "unknown";
}

std::span<const KeccakBatchPath> supported_keccak_batch_paths() noexcept {
    return {paths().list.data(), paths().size};
}

bool keccak_batch_path_supported(KeccakBatchPath path) noexcept {
    return std::ranges::find(supported_keccak_batch_paths(), path) != supported_keccak_batch_paths().end();
}

KeccakBatchPath active_keccak_batch_path() noexcept {
    return supported_keccak_batch_paths().back();
}

void keccak256_batch_portable(std::span<const ByteView> in, Hash* out) noexcept {
    for (std::size_t i = 0; i < in.size(); ++i) hash_one(in[i], out + i);
}

void keccak256_batch_avx2(std::span<const ByteView> in, Hash* out) noexcept {
#ifdef CAUSEWAY_KECCAK_X86
    hash_lanes<4, absorb_permute_avx2>(in, out);
#else
    // Never supported here (the precondition rules the call out); the portable path keeps it defined.
    keccak256_batch_portable(in, out);
#endif
}

void keccak256_batch_avx512(std::span<const ByteView> in, Hash* out) noexcept {
#ifdef CAUSEWAY_KECCAK_X86
    hash_lanes<8, absorb_permute_avx512>(in, out);
#else
    // Never supported here (the precondition rules the call out); the portable path keeps it defined.
    keccak256_batch_portable(in, out);
#endif
}

void keccak256_batch(KeccakBatchPath path, std::span<const ByteView> in, Hash* out) noexcept {
    batch_fn(path)(in, out);
}

void keccak256_batch(std::span<const ByteView> in, Hash* out) noexcept {
    // A lone message gains nothing from the vector unit.
    if (in.size() < 2) return keccak256_batch_portable(in, out);
    static const BatchFn best = batch_fn(active_keccak_batch_path());
    best(in, out);
}

}  // namespace causeway
