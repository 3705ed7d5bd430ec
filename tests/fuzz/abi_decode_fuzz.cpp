// Fuzzes the Solidity ABI codec (core/abi.hpp): type strings, signatures and abi::decode.
//
// Input: "<type list> NUL <data>", e.g. "address,uint256\0<64 bytes>". The type list is parsed with
// abi::parse_types and the rest is decoded as that tuple. An input without a NUL byte exercises
// only the type and signature parsers.
//
// Which round trip holds. The decoder is strict about every word it reads (uintN high bits, intN
// sign extension, address and bool padding, bytesN and bytes/string tail padding must be exact),
// but the ABI itself lets offsets point anywhere in range: tails may come in another order, overlap,
// or have gaps, and bytes after the last tail are ignored (as Solidity does). So encode(decode(x))
// == x does not hold in general, and the fuzzer checks instead:
//  * for types without a dynamic part there are no offsets and the encoding is canonical:
//    decode ok => encode(decode(x)) == the first head_size bytes of x, exactly;
//  * with dynamic parts, canonicalisation: y = encode(decode(x)) succeeds, decode(y) == decode(x),
//    and y is no longer than the decoder's inflation budget (kMaxInflation * |x| +
//    kInflationAllowance: every byte of y is one the decoder had to read);
//  * strictness everywhere, offsets aside: following x's own offsets, every word and every byte
//    string tail that decode read is byte-for-byte the canonical encoding of the value it returned
//    (a canonicalisation check alone would miss, say, ignored bytes padding inside a dynamic tail);
//  * decode(x || junk) == decode(x) (trailing bytes ignored), decode_call(selector || x) and
//    decode_log of an event without indexed inputs agree with decode(x);
//  * a failure is one of the data errors, never a type or encoding error.
// Type strings are canonical too (no spaces, no aliases, no leading zeros), so
// parse_types(text) ok => the types print back as exactly `text`; signatures, which may contain
// names and spaces, normalise: parse(f.signature()) gives f.signature() again.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "core/abi.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace {

using namespace causeway;

std::string join(const std::vector<abi::Type>& types) {
    std::string out;
    for (std::size_t i = 0; i < types.size(); ++i) {
        if (i > 0) out += ',';
        out += types[i].to_string();
    }
    return out;
}

void check_type_text(std::string_view text) {
    auto types = abi::parse_types(text);
    if (types) {
        CAUSEWAY_CHECK(join(*types) == text);
        for (const auto& t : *types) {
            auto again = abi::parse_type(t.to_string());
            CAUSEWAY_CHECK(again && *again == t);
        }
    }
    auto type = abi::parse_type(text);
    if (type) {
        CAUSEWAY_CHECK(type->to_string() == text);
        CAUSEWAY_CHECK(types && types->size() == 1 && types->front() == *type);
    }

    auto function = abi::parse_function(text);
    if (function) {
        const std::string sig = function->signature();
        auto again = abi::parse_function(sig);
        CAUSEWAY_CHECK(again && again->signature() == sig && again->selector() == function->selector());
    }
    auto event = abi::parse_event(text);
    if (event) {
        const std::string sig = event->signature();
        CAUSEWAY_CHECK(event->indexed_count() <= (event->anonymous ? 4u : 3u));
        auto again = abi::parse_event(sig);
        CAUSEWAY_CHECK(again && again->signature() == sig && again->topic0() == event->topic0());
    }
}

// The items of a tuple (one type each) or of an array (one type repeated: stride 0).
struct Items {
    const abi::Type* types;
    std::size_t stride;
    std::size_t count;
    [[nodiscard]] const abi::Type& at(std::size_t i) const { return types[i * stride]; }
};

Bytes size_word(std::size_t n) {
    Bytes w(32, 0);
    for (int i = 0; i < 8; ++i) w[31 - i] = static_cast<uint8_t>(static_cast<uint64_t>(n) >> (8 * i));
    return w;
}

// The canonical encoding of one elementary, bytes or string value on its own: the word for a value
// type; length, payload and padding for bytes and string (after the offset word abi::encode writes).
Bytes leaf_encoding(const abi::Type& type, const abi::Value& value) {
    Bytes out;
    CAUSEWAY_CHECK(abi::encode(out, {type}, {value}).has_value());
    if (type.is_dynamic()) out.erase(0, 32);
    return out;
}

void check_strict(const abi::Type& type, ByteView region, const abi::Value& value);

// Follows the heads of a sequence the way the ABI lays them out, offsets as found in the data.
void check_strict_items(ByteView region, Items items, const abi::Value& value) {
    const auto* values = value.get_if<std::vector<abi::Value>>();
    CAUSEWAY_CHECK(values && values->size() == items.count);
    std::size_t head = 0;
    for (std::size_t i = 0; i < items.count; ++i) {
        const abi::Type& t = items.at(i);
        CAUSEWAY_CHECK(head <= region.size());
        if (t.is_dynamic()) {
            CAUSEWAY_CHECK(region.size() - head >= 32);
            const ByteView w = region.substr(head, 32);
            // An offset is a uint256 like any other word; only values that fit the data are valid.
            CAUSEWAY_CHECK(std::all_of(w.begin(), w.begin() + 24, [](uint8_t b) { return b == 0; }));
            uint64_t offset = 0;
            for (std::size_t k = 24; k < 32; ++k) offset = (offset << 8) | w[k];
            CAUSEWAY_CHECK(offset <= region.size());
            check_strict(t, region.substr(offset), (*values)[i]);
        } else {
            check_strict(t, region.substr(head), (*values)[i]);
        }
        head += t.head_size();
    }
}

void check_strict(const abi::Type& type, ByteView region, const abi::Value& value) {
    switch (type.kind()) {
        case abi::Kind::kArray: {
            const auto* list = value.get_if<std::vector<abi::Value>>();
            CAUSEWAY_CHECK(list && region.size() >= 32);
            CAUSEWAY_CHECK(region.substr(0, 32) == ByteView{size_word(list->size())});
            check_strict_items(region.substr(32), {&type.element(), 0, list->size()}, value);
            return;
        }
        case abi::Kind::kFixedArray:
            check_strict_items(region, {&type.element(), 0, type.size()}, value);
            return;
        case abi::Kind::kTuple:
            check_strict_items(region, {type.components().data(), 1, type.components().size()}, value);
            return;
        default: {
            const Bytes expected = leaf_encoding(type, value);
            CAUSEWAY_CHECK(region.substr(0, expected.size()) == ByteView{expected});
            return;
        }
    }
}

bool is_data_error(abi::AbiError e) {
    using enum abi::AbiError;
    return e == kTooShort || e == kOffsetOutOfRange || e == kLengthTooLarge || e == kNonZeroPadding ||
           e == kInvalidBool || e == kInvalidSignExtension || e == kTooDeep || e == kInflationLimit;
}

void check_decode(const std::vector<abi::Type>& types, ByteView data) {
    auto values = abi::decode(types, data);
    if (!values) {
        CAUSEWAY_CHECK(is_data_error(values.error()));
        CAUSEWAY_CHECK(!abi::to_string(values.error()).empty());
        return;
    }
    CAUSEWAY_CHECK(values->size() == types.size());
    for (const auto& v : *values) (void)abi::to_string(v);

    Bytes encoded;
    auto r = abi::encode(encoded, types, *values);
    CAUSEWAY_CHECK(r.has_value());
    CAUSEWAY_CHECK(encoded.size() <= data.size() * abi::kMaxInflation + abi::kInflationAllowance);

    bool dynamic = false;
    std::size_t heads = 0;
    for (const auto& t : types) {
        dynamic = dynamic || t.is_dynamic();
        heads += t.head_size();
    }
    if (!dynamic) {
        CAUSEWAY_CHECK(ByteView{encoded} == data.substr(0, heads));
    } else {
        auto again = abi::decode(types, encoded);
        CAUSEWAY_CHECK(again && *again == *values);
        Bytes twice;
        CAUSEWAY_CHECK(abi::encode(twice, types, *again) && twice == encoded);
    }

    // The argument list is laid out as one tuple (a tuple type needs at least one component).
    if (!types.empty()) check_strict(abi::Type::tuple(types), data, abi::Value::list(*values));

    Bytes padded(data);
    padded.append(32, uint8_t{0xa5});
    auto with_junk = abi::decode(types, padded);
    CAUSEWAY_CHECK(with_junk && *with_junk == *values);

    abi::Function function{"f", {}};
    abi::Event event{"E", {}, false};
    for (const auto& t : types) {
        function.inputs.push_back({t, false, {}});
        event.inputs.push_back({t, false, {}});
    }
    Bytes calldata(function.selector().view());
    calldata.append(data);
    auto call = abi::decode_call(function, calldata);
    CAUSEWAY_CHECK(call && *call == *values);
    const Hash topics[] = {event.topic0()};
    auto log = abi::decode_log(event, topics, data);
    CAUSEWAY_CHECK(log && *log == *values);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    const std::string_view input{reinterpret_cast<const char*>(data), size};
    const std::size_t nul = input.find('\0');
    const std::string_view type_text = input.substr(0, nul);
    check_type_text(type_text);
    if (nul == std::string_view::npos) return 0;

    auto types = abi::parse_types(type_text);
    if (!types) return 0;
    check_decode(*types, ByteView{data + nul + 1, size - nul - 1});
    return 0;
}
