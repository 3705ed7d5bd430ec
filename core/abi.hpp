// The Solidity contract ABI: type strings, head/tail encoding and strict decoding, function
// selectors, event topics and log decoding (https://docs.soliditylang.org/en/latest/abi-spec.html).
// Decoders take a byte view and return std::expected; they are strict (every non-canonical word is
// a named error) and bounded (lengths are checked against the input before anything is allocated,
// nesting is limited, and overlapping offsets cannot inflate the output beyond a fixed ratio), so
// they are safe on hostile input. Encoders append to a caller's buffer.
#pragma once

#include <compare>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <expected>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "core/bytes.hpp"
#include "core/u256.hpp"

namespace causeway::abi {

enum class AbiError : uint8_t {
    kInvalidType,           // a type string that is not a canonical ABI type
    kInvalidSignature,      // a function or event signature that does not parse
    kValueMismatch,         // (encoding) a value of another kind or size than its type
    kTooShort,              // the data ends before a head word, a length word or a payload
    kOffsetOutOfRange,      // an offset that points outside the data it is relative to
    kLengthTooLarge,        // an array or byte-string length that the data cannot hold
    kNonZeroPadding,        // non-zero bytes where the encoding pads with zeros
    kInvalidBool,           // a bool word other than 0 or 1
    kInvalidSignExtension,  // an intN word that is not the sign extension of an N-bit value
    kTooDeep,               // type nesting deeper than kMaxDepth
    kInflationLimit,        // overlapping offsets would decode to more than kMaxInflation x input
    kSelectorMismatch,      // calldata for another function
    kTopicCountMismatch,    // a log with another number of topics than the event's indexed inputs
    kTopicMismatch,         // a log whose topic0 is not the event's
};
[[nodiscard]] std::string_view to_string(AbiError e) noexcept;

// Deepest type nesting accepted (each array dimension and each tuple is one level).
inline constexpr std::size_t kMaxDepth = 64;
// A decoder reads at most this many times the size of its input (plus kInflationAllowance):
// canonical encodings read every byte once; only overlapping offsets read more.
inline constexpr std::size_t kMaxInflation = 16;
inline constexpr std::size_t kInflationAllowance = 4096;

// ----- types -----

enum class Kind : uint8_t {
    kUint,  // uintN, N in 8..256 step 8
    kInt,   // intN
    kAddress,
    kBool,
    kFixedBytes,  // bytesN, N in 1..32
    kBytes,
    kString,
    kArray,       // T[]
    kFixedArray,  // T[k], k >= 1
    kTuple,       // (T1,...,Tn), n >= 1
};

class Type {
  public:
    // Factories; the sizes must be valid (parse_type checks text, these do not).
    [[nodiscard]] static Type uint(std::size_t bits = 256);
    [[nodiscard]] static Type sint(std::size_t bits = 256);
    [[nodiscard]] static Type address();
    [[nodiscard]] static Type boolean();
    [[nodiscard]] static Type fixed_bytes(std::size_t size);
    [[nodiscard]] static Type bytes();
    [[nodiscard]] static Type string();
    [[nodiscard]] static Type array(Type element);
    [[nodiscard]] static Type fixed_array(Type element, std::size_t length);
    [[nodiscard]] static Type tuple(std::vector<Type> components);

    [[nodiscard]] Kind kind() const noexcept { return kind_; }
    // Bits for uintN/intN, bytes for bytesN, the length for T[k]; 0 otherwise.
    [[nodiscard]] std::size_t size() const noexcept { return size_; }
    // A tuple's components; an array's single element type.
    [[nodiscard]] const std::vector<Type>& components() const noexcept { return components_; }
    [[nodiscard]] const Type& element() const noexcept { return components_.front(); }
    // bytes, string, T[], and tuples or T[k] containing one of those.
    [[nodiscard]] bool is_dynamic() const noexcept { return dynamic_; }
    // Bytes the type takes in its enclosing head: 32 for dynamic types, the full encoding otherwise
    // (saturating at SIZE_MAX for absurd fixed arrays).
    [[nodiscard]] std::size_t head_size() const noexcept { return head_size_; }
    // Nesting: 0 for elementary types, 1 + the deepest component for arrays and tuples.
    [[nodiscard]] std::size_t depth() const noexcept { return depth_; }
    // Value types whose encoding is one word (and which events index by value, not by hash).
    [[nodiscard]] bool is_elementary() const noexcept { return kind_ <= Kind::kFixedBytes; }
    // Canonical form: "uint256", "(address,bytes32[2])[]".
    [[nodiscard]] std::string to_string() const;

    friend bool operator==(const Type& a, const Type& b) noexcept {
        return a.kind_ == b.kind_ && a.size_ == b.size_ && a.components_ == b.components_;
    }

  private:
    Type(Kind kind, std::size_t size, std::vector<Type> components);

    Kind kind_ = Kind::kUint;
    bool dynamic_ = false;
    std::size_t size_ = 256;
    std::size_t head_size_ = 32;
    std::size_t depth_ = 0;
    std::vector<Type> components_;
};

// One canonical type: no spaces, no aliases ("uint", "tuple(...)"), no leading zeros in sizes.
[[nodiscard]] std::expected<Type, AbiError> parse_type(std::string_view text);
// A comma-separated list of canonical types ("uint256,bool"; "" is the empty list).
[[nodiscard]] std::expected<std::vector<Type>, AbiError> parse_types(std::string_view text);

// ----- values -----

// A signed integer as a 256-bit two's complement word (how intN is encoded, sign-extended).
struct Int256 {
    u256 bits;

    [[nodiscard]] static Int256 from_int64(int64_t v) noexcept;
    // -magnitude when `negative` (modulo 2^256).
    [[nodiscard]] static Int256 from_magnitude(bool negative, const u256& magnitude) noexcept;
    [[nodiscard]] bool is_negative() const noexcept { return boost::multiprecision::bit_test(bits, 255); }
    [[nodiscard]] u256 magnitude() const noexcept { return is_negative() ? u256(~bits + 1) : bits; }
    // Whether the value is representable as intN.
    [[nodiscard]] bool fits(std::size_t n) const noexcept;

    friend bool operator==(const Int256&, const Int256&) = default;
};

// A decoded or to-be-encoded value. uintN holds u256, intN Int256, bytesN and bytes hold Bytes,
// arrays and tuples hold std::vector<Value>; Hash appears only for indexed event inputs whose
// value is not recoverable from the log (keccak256 of their encoding).
class Value {
  public:
    using Storage = std::variant<u256, Int256, Address, bool, Bytes, std::string, Hash, std::vector<Value>>;

    Value() = default;
    Value(const u256& v) : v_{v} {}
    Value(Int256 v) : v_{v} {}
    Value(const Address& v) : v_{v} {}
    Value(const Hash& v) : v_{v} {}
    Value(Bytes v) : v_{std::move(v)} {}
    Value(std::string v) : v_{std::move(v)} {}
    Value(const char* v) : v_{std::string(v)} {}
    Value(std::vector<Value> v) : v_{std::move(v)} {}
    template <std::same_as<bool> B>
    Value(B v) : v_{static_cast<bool>(v)} {}
    // Unsigned C++ integers become u256; signed ones must choose u256 or Int256 explicitly.
    template <std::unsigned_integral T>
    requires(!std::same_as<T, bool>) Value(T v) : v_{u256(v)} {}
    template <std::signed_integral T>
    Value(T v) = delete;

    // An array or tuple: Value::list({a, b, c}).
    [[nodiscard]] static Value list(std::vector<Value> items) { return Value(std::move(items)); }

    [[nodiscard]] const Storage& storage() const noexcept { return v_; }
    template <typename T>
    [[nodiscard]] bool is() const noexcept {
        return std::holds_alternative<T>(v_);
    }
    template <typename T>
    [[nodiscard]] const T* get_if() const noexcept {
        return std::get_if<T>(&v_);
    }

    friend bool operator==(const Value& a, const Value& b) { return a.v_ == b.v_; }

  private:
    Storage v_;
};

// Readable text for test output and logs: numbers in decimal, bytes in hex, [..] for lists.
[[nodiscard]] std::string to_string(const Value& value);

// ----- encoding and decoding -----

// Appends the encoding of `values` as the tuple `types` (what abi.encode(...) produces). On a
// mismatch `out` is left as it was.
[[nodiscard]] std::expected<void, AbiError> encode(Bytes& out, const std::vector<Type>& types,
                                                   const std::vector<Value>& values);
// Decodes `data` as the tuple `types` (abi.decode). Bytes after the last tail are ignored, as
// Solidity does.
[[nodiscard]] std::expected<std::vector<Value>, AbiError> decode(const std::vector<Type>& types,
                                                                 ByteView data);

// ----- functions and events -----

using Selector = FixedBytes<4>;

// First four bytes of keccak256(signature); the text must already be canonical
// ("transfer(address,uint256)"); parse_function normalises a signature with names and spaces.
[[nodiscard]] Selector function_selector(std::string_view signature) noexcept;
// keccak256(signature), the topic0 of a non-anonymous event.
[[nodiscard]] Hash event_topic(std::string_view signature) noexcept;

struct Param {
    Type type;
    bool indexed = false;  // events only
    std::string name;      // may be empty
};

struct Function {
    std::string name;
    std::vector<Param> inputs;

    [[nodiscard]] std::vector<Type> input_types() const;
    [[nodiscard]] std::string signature() const;  // canonical, e.g. "transfer(address,uint256)"
    [[nodiscard]] Selector selector() const;
};

struct Event {
    std::string name;
    std::vector<Param> inputs;
    bool anonymous = false;

    [[nodiscard]] std::string signature() const;  // canonical, e.g. "Transfer(address,address,uint256)"
    [[nodiscard]] Hash topic0() const;
    [[nodiscard]] std::size_t indexed_count() const noexcept;
};

// "transfer(address to, uint256 amount)" or "function transfer(address,uint256)".
[[nodiscard]] std::expected<Function, AbiError> parse_function(std::string_view text);
// "Transfer(address indexed from, address indexed to, uint256 value)", optionally prefixed with
// "event " and followed by " anonymous". At most 3 indexed inputs (4 when anonymous).
[[nodiscard]] std::expected<Event, AbiError> parse_event(std::string_view text);

// Appends selector + encoded arguments.
[[nodiscard]] std::expected<void, AbiError> encode_call(Bytes& out, const Function& function,
                                                        const std::vector<Value>& args);
// Checks the selector and decodes the arguments.
[[nodiscard]] std::expected<std::vector<Value>, AbiError> decode_call(const Function& function,
                                                                      ByteView calldata);

// Decodes a log's inputs in declaration order: non-indexed ones from `data`, indexed elementary
// ones from their topic, and other indexed ones (bytes, string, arrays, tuples) as the Hash in
// their topic. For a non-anonymous event topics[0] must be the event's topic0.
[[nodiscard]] std::expected<std::vector<Value>, AbiError> decode_log(const Event& event,
                                                                     std::span<const Hash> topics,
                                                                     ByteView data);

}  // namespace causeway::abi
