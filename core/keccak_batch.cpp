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
// lives in 25 named values a0..a24 for the whole permutation so that it stays in registers (an
// array behind a pointer would make every round load and store the state).
// clang-format off
#define CAUSEWAY_KECCAK_LANES(X) \
    X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11) X(12) \
    X(13) X(14) X(15) X(16) X(17) X(18) X(19) X(20) X(21) X(22) X(23) X(24)
// clang-format on

#define CAUSEWAY_KECCAK_ROUND(round)                                      \
    do {                                                                  \
        /* theta */                                                       \
        const auto c0 = xor3(xor3(a0, a5, a10), a15, a20);                \
        const auto c1 = xor3(xor3(a1, a6, a11), a16, a21);                \
        const auto c2 = xor3(xor3(a2, a7, a12), a17, a22);                \
        const auto c3 = xor3(xor3(a3, a8, a13), a18, a23);                \
        const auto c4 = xor3(xor3(a4, a9, a14), a19, a24);                \
        const auto d0 = xor2(c4, rol<1>(c1));                             \
        const auto d1 = xor2(c0, rol<1>(c2));                             \
        const auto d2 = xor2(c1, rol<1>(c3));                             \
        const auto d3 = xor2(c2, rol<1>(c4));                             \
        const auto d4 = xor2(c3, rol<1>(c0));                             \
        /* rho and pi: b[y, 2x + 3y] = rol(a[x, y] ^ d[x], r[x, y]) */    \
        const auto b0 = xor2(a0, d0);                                     \
        const auto b10 = rol<1>(xor2(a1, d1));                            \
        const auto b20 = rol<62>(xor2(a2, d2));                           \
        const auto b5 = rol<28>(xor2(a3, d3));                            \
        const auto b15 = rol<27>(xor2(a4, d4));                           \
        const auto b16 = rol<36>(xor2(a5, d0));                           \
        const auto b1 = rol<44>(xor2(a6, d1));                            \
        const auto b11 = rol<6>(xor2(a7, d2));                            \
        const auto b21 = rol<55>(xor2(a8, d3));                           \
        const auto b6 = rol<20>(xor2(a9, d4));                            \
        const auto b7 = rol<3>(xor2(a10, d0));                            \
        const auto b17 = rol<10>(xor2(a11, d1));                          \
        const auto b2 = rol<43>(xor2(a12, d2));                           \
        const auto b12 = rol<25>(xor2(a13, d3));                          \
        const auto b22 = rol<39>(xor2(a14, d4));                          \
        const auto b23 = rol<41>(xor2(a15, d0));                          \
        const auto b8 = rol<45>(xor2(a16, d1));                           \
        const auto b18 = rol<15>(xor2(a17, d2));                          \
        const auto b3 = rol<21>(xor2(a18, d3));                           \
        const auto b13 = rol<8>(xor2(a19, d4));                           \
        const auto b14 = rol<18>(xor2(a20, d0));                          \
        const auto b24 = rol<2>(xor2(a21, d1));                           \
        const auto b9 = rol<61>(xor2(a22, d2));                           \
        const auto b19 = rol<56>(xor2(a23, d3));                          \
        const auto b4 = rol<14>(xor2(a24, d4));                           \
        /* chi: a[x, y] = b[x, y] ^ (~b[x + 1, y] & b[x + 2, y]); iota */ \
        a0 = xor_rc(chi(b0, b1, b2), round);                              \
        a1 = chi(b1, b2, b3);                                             \
        a2 = chi(b2, b3, b4);                                             \
        a3 = chi(b3, b4, b0);                                             \
        a4 = chi(b4, b0, b1);                                             \
        a5 = chi(b5, b6, b7);                                             \
        a6 = chi(b6, b7, b8);                                             \
        a7 = chi(b7, b8, b9);                                             \
        a8 = chi(b8, b9, b5);                                             \
        a9 = chi(b9, b5, b6);                                             \
        a10 = chi(b10, b11, b12);                                         \
        a11 = chi(b11, b12, b13);                                         \
        a12 = chi(b12, b13, b14);                                         \
        a13 = chi(b13, b14, b10);                                         \
        a14 = chi(b14, b10, b11);                                         \
        a15 = chi(b15, b16, b17);                                         \
        a16 = chi(b16, b17, b18);                                         \
        a17 = chi(b17, b18, b19);                                         \
        a18 = chi(b18, b19, b15);                                         \
        a19 = chi(b19, b15, b16);                                         \
        a20 = chi(b20, b21, b22);                                         \
        a21 = chi(b21, b22, b23);                                         \
        a22 = chi(b22, b23, b24);                                         \
        a23 = chi(b23, b24, b20);                                         \
        a24 = chi(b24, b20, b21);                                         \
    } while (false)

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
#define CAUSEWAY_LOAD(i) uint64_t a##i = s[i];
#define CAUSEWAY_STORE(i) s[i] = a##i;
    CAUSEWAY_KECCAK_LANES(CAUSEWAY_LOAD)
    for (int round = 0; round < 24; ++round) CAUSEWAY_KECCAK_ROUND(round);
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

// The last block of a message: its remaining `rest` (< kRate) bytes and pad10*1 with Keccak's
// (pre-SHA-3) domain byte 0x01.
inline void pad_last(uint8_t* last, const uint8_t* p, std::size_t rest) noexcept {
    std::memset(last, 0, kRate);
    if (rest) std::memcpy(last, p, rest);
    last[rest] ^= 0x01;
    last[kRate - 1] ^= 0x80;
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
    uint8_t last[kRate];
    pad_last(last, p, rest);
    for (std::size_t w = 0; w < kRateWords; ++w) s[w] ^= load_le64(last + 8 * w);
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
    alignas(64) uint64_t state[25 * kLanes];
    alignas(64) uint64_t block[kRateWords * kLanes];
    uint8_t last[kRate];
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
                pad_last(last, p, m.size() - lane.block * kRate);
                for (std::size_t w = 0; w < kRateWords; ++w) block[w * kLanes + i] = load_le64(last + 8 * w);
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
#define CAUSEWAY_LOAD(i) __m512i a##i = _mm512_load_si512(s + 8 * (i));
#define CAUSEWAY_ABSORB(i) \
    if constexpr ((i) < kRateWords) a##i = _mm512_xor_si512(a##i, _mm512_load_si512(block + 8 * (i)));
#define CAUSEWAY_STORE(i) _mm512_store_si512(s + 8 * (i), a##i);
    CAUSEWAY_KECCAK_LANES(CAUSEWAY_LOAD)
    CAUSEWAY_KECCAK_LANES(CAUSEWAY_ABSORB)
    for (int round = 0; round < 24; ++round) CAUSEWAY_KECCAK_ROUND(round);
    CAUSEWAY_KECCAK_LANES(CAUSEWAY_STORE)
#undef CAUSEWAY_LOAD
#undef CAUSEWAY_ABSORB
#undef CAUSEWAY_STORE
}

#undef CAUSEWAY_AVX512

#endif  // CAUSEWAY_KECCAK_X86

#undef CAUSEWAY_KECCAK_ROUND
#undef CAUSEWAY_KECCAK_LANES

struct Paths {
    std::array<KeccakBatchPath, 2> list{};
    std::size_t size = 0;
};

const Paths& paths() noexcept {
    static const Paths paths = [] {
        Paths p;
        p.list[p.size++] = KeccakBatchPath::kPortable;
#ifdef CAUSEWAY_KECCAK_X86
        // Also checks that the OS saves the vector registers (XCR0), not only the CPUID bit.
        __builtin_cpu_init();
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
        case KeccakBatchPath::kPortable: break;
    }
    return keccak256_batch_portable;
}

}  // namespace

std::string_view keccak_batch_path_name(KeccakBatchPath path) noexcept {
    switch (path) {
        case KeccakBatchPath::kPortable: return "portable";
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
