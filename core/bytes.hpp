// Byte strings and fixed-size byte arrays (Hash, Address).
#pragma once

#include <algorithm>
#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>

namespace causeway {

using Bytes = std::basic_string<uint8_t>;
using ByteView = std::basic_string_view<uint8_t>;

template <std::size_t N>
struct FixedBytes {
    static constexpr std::size_t kSize = N;
    std::array<uint8_t, N> bytes{};

    constexpr FixedBytes() = default;
    // Left-pads a shorter view with zeros, as Ethereum does for addresses in 32-byte words.
    static FixedBytes left_padded(ByteView v) noexcept {
        FixedBytes out;
        const std::size_t n = std::min(v.size(), N);
        std::memcpy(out.bytes.data() + (N - n), v.data() + (v.size() - n), n);
        return out;
    }

    [[nodiscard]] constexpr uint8_t* data() noexcept { return bytes.data(); }
    [[nodiscard]] constexpr const uint8_t* data() const noexcept { return bytes.data(); }
    [[nodiscard]] static constexpr std::size_t size() noexcept { return N; }
    [[nodiscard]] ByteView view() const noexcept { return {bytes.data(), N}; }
    operator ByteView() const noexcept { return view(); }
    [[nodiscard]] constexpr uint8_t& operator[](std::size_t i) noexcept { return bytes[i]; }
    [[nodiscard]] constexpr uint8_t operator[](std::size_t i) const noexcept { return bytes[i]; }
    [[nodiscard]] bool is_zero() const noexcept {
        return std::all_of(bytes.begin(), bytes.end(), [](uint8_t b) { return b == 0; });
    }

    friend constexpr auto operator<=>(const FixedBytes&, const FixedBytes&) = default;
    friend constexpr bool operator==(const FixedBytes&, const FixedBytes&) = default;
};

using Hash = FixedBytes<32>;
using Address = FixedBytes<20>;

inline ByteView to_view(std::string_view s) noexcept {
    return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

inline std::string_view to_string_view(ByteView v) noexcept {
    return {reinterpret_cast<const char*>(v.data()), v.size()};
}

}  // namespace causeway

template <std::size_t N>
struct std::hash<causeway::FixedBytes<N>> {
    std::size_t operator()(const causeway::FixedBytes<N>& b) const noexcept {
        std::size_t h;
        std::memcpy(&h, b.data(), sizeof(h) <= N ? sizeof(h) : N);
        return h;
    }
};
