#include "core/keccak_batch.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "core/keccak.hpp"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define CAUSEWAY_KECCAK_AVX512 1
#endif

namespace causeway {

namespace {

// Writes with memcpy: `out` may be raw storage that no Hash was constructed in.
void hash_each(const ByteView* in, Hash* out, std::size_t n) noexcept {
    for (std::size_t i = 0; i < n; ++i) {
        const Hash h = keccak256(in[i]);
        std::memcpy(static_cast<void*>(out + i), h.data(), sizeof(Hash));
    }
}

}  // namespace

#ifdef CAUSEWAY_KECCAK_AVX512
namespace {

constexpr std::size_t kRate = 136;  // keccak256: 1088-bit rate, 17 lanes of 64 bits
constexpr std::size_t kLanes = 8;   // messages per permutation (one 64-bit word each in a zmm)

constexpr uint64_t kRoundConstants[24] = {
    0x0000000000000001, 0x0000000000008082, 0x800000000000808A, 0x8000000080008000, 0x000000000000808B,
    0x0000000080000001, 0x8000000080008081, 0x8000000000008009, 0x000000000000008A, 0x0000000000000088,
    0x0000000080008009, 0x000000008000000A, 0x000000008000808B, 0x800000000000008B, 0x8000000000008089,
    0x8000000000008003, 0x8000000000008002, 0x8000000000000080, 0x000000000000800A, 0x800000008000000A,
    0x8000000080008081, 0x8000000000008080, 0x0000000080000001, 0x8000000080008008,
};

#define CAUSEWAY_AVX512 __attribute__((target("avx512f")))

// Rotations by a constant (the immediate form), theta's five-way XOR as two three-way ones, and
// chi's b ^ (~b1 & b2) as one ternary-logic instruction each. The state lives in 25 named values
// for the whole permutation so that it stays in registers (an array behind a pointer would make
// every round load and store the state).
#define ROL(v, n) _mm512_rol_epi64(v, n)
#define XOR3(a, b, c) _mm512_ternarylogic_epi64(a, b, c, 0x96)
#define CHI(a, b, c) _mm512_ternarylogic_epi64(a, b, c, 0xD2)

CAUSEWAY_AVX512 inline void permute(__m512i* s) noexcept {
    __m512i a0 = s[0];
    __m512i a1 = s[1];
    __m512i a2 = s[2];
    __m512i a3 = s[3];
    __m512i a4 = s[4];
    __m512i a5 = s[5];
    __m512i a6 = s[6];
    __m512i a7 = s[7];
    __m512i a8 = s[8];
    __m512i a9 = s[9];
    __m512i a10 = s[10];
    __m512i a11 = s[11];
    __m512i a12 = s[12];
    __m512i a13 = s[13];
    __m512i a14 = s[14];
    __m512i a15 = s[15];
    __m512i a16 = s[16];
    __m512i a17 = s[17];
    __m512i a18 = s[18];
    __m512i a19 = s[19];
    __m512i a20 = s[20];
    __m512i a21 = s[21];
    __m512i a22 = s[22];
    __m512i a23 = s[23];
    __m512i a24 = s[24];
    for (int round = 0; round < 24; ++round) {
        // theta
        const __m512i c0 = XOR3(XOR3(a0, a5, a10), a15, a20);
        const __m512i c1 = XOR3(XOR3(a1, a6, a11), a16, a21);
        const __m512i c2 = XOR3(XOR3(a2, a7, a12), a17, a22);
        const __m512i c3 = XOR3(XOR3(a3, a8, a13), a18, a23);
        const __m512i c4 = XOR3(XOR3(a4, a9, a14), a19, a24);
        const __m512i d0 = _mm512_xor_si512(c4, ROL(c1, 1));
        const __m512i d1 = _mm512_xor_si512(c0, ROL(c2, 1));
        const __m512i d2 = _mm512_xor_si512(c1, ROL(c3, 1));
        const __m512i d3 = _mm512_xor_si512(c2, ROL(c4, 1));
        const __m512i d4 = _mm512_xor_si512(c3, ROL(c0, 1));
        // rho and pi: b[y, 2x + 3y] = rol(a[x, y] ^ d[x], r[x, y])
        const __m512i b0 = _mm512_xor_si512(a0, d0);
        const __m512i b10 = ROL(_mm512_xor_si512(a1, d1), 1);
        const __m512i b20 = ROL(_mm512_xor_si512(a2, d2), 62);
        const __m512i b5 = ROL(_mm512_xor_si512(a3, d3), 28);
        const __m512i b15 = ROL(_mm512_xor_si512(a4, d4), 27);
        const __m512i b16 = ROL(_mm512_xor_si512(a5, d0), 36);
        const __m512i b1 = ROL(_mm512_xor_si512(a6, d1), 44);
        const __m512i b11 = ROL(_mm512_xor_si512(a7, d2), 6);
        const __m512i b21 = ROL(_mm512_xor_si512(a8, d3), 55);
        const __m512i b6 = ROL(_mm512_xor_si512(a9, d4), 20);
        const __m512i b7 = ROL(_mm512_xor_si512(a10, d0), 3);
        const __m512i b17 = ROL(_mm512_xor_si512(a11, d1), 10);
        const __m512i b2 = ROL(_mm512_xor_si512(a12, d2), 43);
        const __m512i b12 = ROL(_mm512_xor_si512(a13, d3), 25);
        const __m512i b22 = ROL(_mm512_xor_si512(a14, d4), 39);
        const __m512i b23 = ROL(_mm512_xor_si512(a15, d0), 41);
        const __m512i b8 = ROL(_mm512_xor_si512(a16, d1), 45);
        const __m512i b18 = ROL(_mm512_xor_si512(a17, d2), 15);
        const __m512i b3 = ROL(_mm512_xor_si512(a18, d3), 21);
        const __m512i b13 = ROL(_mm512_xor_si512(a19, d4), 8);
        const __m512i b14 = ROL(_mm512_xor_si512(a20, d0), 18);
        const __m512i b24 = ROL(_mm512_xor_si512(a21, d1), 2);
        const __m512i b9 = ROL(_mm512_xor_si512(a22, d2), 61);
        const __m512i b19 = ROL(_mm512_xor_si512(a23, d3), 56);
        const __m512i b4 = ROL(_mm512_xor_si512(a24, d4), 14);
        // chi: a[x, y] = b[x, y] ^ (~b[x + 1, y] & b[x + 2, y]); iota
        a0 = CHI(b0, b1, b2);
        a1 = CHI(b1, b2, b3);
        a2 = CHI(b2, b3, b4);
        a3 = CHI(b3, b4, b0);
        a4 = CHI(b4, b0, b1);
        a5 = CHI(b5, b6, b7);
        a6 = CHI(b6, b7, b8);
        a7 = CHI(b7, b8, b9);
        a8 = CHI(b8, b9, b5);
        a9 = CHI(b9, b5, b6);
        a10 = CHI(b10, b11, b12);
        a11 = CHI(b11, b12, b13);
        a12 = CHI(b12, b13, b14);
        a13 = CHI(b13, b14, b10);
        a14 = CHI(b14, b10, b11);
        a15 = CHI(b15, b16, b17);
        a16 = CHI(b16, b17, b18);
        a17 = CHI(b17, b18, b19);
        a18 = CHI(b18, b19, b15);
        a19 = CHI(b19, b15, b16);
        a20 = CHI(b20, b21, b22);
        a21 = CHI(b21, b22, b23);
        a22 = CHI(b22, b23, b24);
        a23 = CHI(b23, b24, b20);
        a24 = CHI(b24, b20, b21);
        a0 = _mm512_xor_si512(a0, _mm512_set1_epi64(static_cast<long long>(kRoundConstants[round])));
    }
    s[0] = a0;
    s[1] = a1;
    s[2] = a2;
    s[3] = a3;
    s[4] = a4;
    s[5] = a5;
    s[6] = a6;
    s[7] = a7;
    s[8] = a8;
    s[9] = a9;
    s[10] = a10;
    s[11] = a11;
    s[12] = a12;
    s[13] = a13;
    s[14] = a14;
    s[15] = a15;
    s[16] = a16;
    s[17] = a17;
    s[18] = a18;
    s[19] = a19;
    s[20] = a20;
    s[21] = a21;
    s[22] = a22;
    s[23] = a23;
    s[24] = a24;
}

#undef XOR3
#undef CHI
#undef ROL

inline uint64_t load64(const uint8_t* p) noexcept {
    uint64_t v;
    std::memcpy(&v, p, 8);  // little endian, as Keccak's lanes are
    return v;
}

// Messages in[order[0..n)] through the sponge, eight lanes at a time: a lane that finishes a message takes
// the next one (its state cleared) while the others carry on, so lanes stay busy however the message lengths
// mix (a 532-byte branch takes 4 permutations, a key 1).
CAUSEWAY_AVX512 void hash_stream(const ByteView* in, Hash* out, const uint16_t* order,
                                 std::size_t n) noexcept {
    struct Lane {
        std::size_t message = 0;
        std::size_t block = 0;
        std::size_t blocks = 0;  // absorbed blocks, the last one padded
        bool busy = false;
    };
    Lane lanes[kLanes];
    std::size_t next = 0;
    __m512i a[25];
    for (auto& word : a) word = _mm512_setzero_si512();
    alignas(64) uint64_t stage[17][kLanes];
    alignas(64) uint8_t last[kRate];
    while (true) {
        __mmask8 fresh = 0;
        bool any = false;
        for (std::size_t i = 0; i < kLanes; ++i) {
            Lane& lane = lanes[i];
            if (!lane.busy && next < n) {
                const std::size_t m = order[next++];
                lane = Lane{m, 0, in[m].size() / kRate + 1, true};
                fresh |= static_cast<__mmask8>(1u << i);
            }
            any |= lane.busy;
            if (!lane.busy) {
                for (auto& word : stage) word[i] = 0;
                continue;
            }
            const ByteView m = in[lane.message];
            const uint8_t* p = m.data() + lane.block * kRate;
            if (lane.block + 1 < lane.blocks) {
                for (std::size_t w = 0; w < 17; ++w) stage[w][i] = load64(p + 8 * w);
            } else {
                // pad10*1 with Keccak's (pre-SHA-3) domain byte 0x01
                const std::size_t rest = m.size() - lane.block * kRate;
                std::memset(last, 0, kRate);
                if (rest) std::memcpy(last, p, rest);
                last[rest] ^= 0x01;
                last[kRate - 1] ^= 0x80;
                for (std::size_t w = 0; w < 17; ++w) stage[w][i] = load64(last + 8 * w);
            }
        }
        if (!any) return;
        if (fresh) {
            for (auto& word : a) word = _mm512_maskz_mov_epi64(static_cast<__mmask8>(~fresh), word);
        }
        for (std::size_t w = 0; w < 17; ++w) a[w] = _mm512_xor_si512(a[w], _mm512_load_si512(stage[w]));
        permute(a);
        bool done = false;
        for (auto& lane : lanes) done |= lane.busy && lane.block + 1 == lane.blocks;
        if (!done) {
            for (auto& lane : lanes) ++lane.block;
            continue;
        }
        alignas(64) uint64_t digest[4][kLanes];
        for (std::size_t w = 0; w < 4; ++w) _mm512_store_si512(digest[w], a[w]);
        for (std::size_t i = 0; i < kLanes; ++i) {
            Lane& lane = lanes[i];
            if (!lane.busy) continue;
            if (++lane.block == lane.blocks) {
                auto* o = reinterpret_cast<unsigned char*>(out + lane.message);
                for (std::size_t w = 0; w < 4; ++w) std::memcpy(o + 8 * w, &digest[w][i], 8);
                lane.busy = false;
            }
        }
    }
}

bool cpu_has_avx512() noexcept {
    static const bool has = [] {
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx512f") != 0;
    }();
    return has;
}

}  // namespace

void keccak256_batch(std::span<const ByteView> in, Hash* out) noexcept {
    // A lone message gains nothing from the vector unit.
    if (in.size() < 2 || !cpu_has_avx512()) {
        hash_each(in.data(), out, in.size());
        return;
    }
    // Longest first (a counting sort on block counts), so that short messages fill the lanes
    // at the end instead of leaving a long one to run alone.
    constexpr std::size_t kChunk = 256;
    constexpr std::size_t kBuckets = 16;
    for (std::size_t start = 0; start < in.size(); start += kChunk) {
        const std::size_t n = std::min(kChunk, in.size() - start);
        std::size_t count[kBuckets + 1] = {};
        const auto bucket = [&](std::size_t i) {
            return kBuckets - 1 - std::min(kBuckets - 1, in[start + i].size() / kRate);
        };
        for (std::size_t i = 0; i < n; ++i) ++count[bucket(i) + 1];
        for (std::size_t b = 0; b < kBuckets; ++b) count[b + 1] += count[b];
        uint16_t order[kChunk];
        for (std::size_t i = 0; i < n; ++i) order[count[bucket(i)]++] = static_cast<uint16_t>(start + i);
        hash_stream(in.data(), out, order, n);
    }
}

bool keccak256_batch_vectorised() noexcept {
    return cpu_has_avx512();
}

#else

void keccak256_batch(std::span<const ByteView> in, Hash* out) noexcept {
    hash_each(in.data(), out, in.size());
}

bool keccak256_batch_vectorised() noexcept {
    return false;
}

#endif

}  // namespace causeway
