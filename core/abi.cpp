#include "core/abi.hpp"

#include <algorithm>
#include <limits>
#include <optional>

#include "core/hex.hpp"
#include "core/keccak.hpp"

namespace causeway::abi {

std::string_view to_string(AbiError e) noexcept {
    switch (e) {
        case AbiError::kInvalidType: return "invalid ABI type";
        case AbiError::kInvalidSignature: return "invalid function or event signature";
        case AbiError::kValueMismatch: return "value does not match its ABI type";
        case AbiError::kTooShort: return "ABI data too short";
        case AbiError::kOffsetOutOfRange: return "ABI offset out of range";
        case AbiError::kLengthTooLarge: return "ABI length larger than the data";
        case AbiError::kNonZeroPadding: return "non-zero ABI padding";
        case AbiError::kInvalidBool: return "ABI bool other than 0 or 1";
        case AbiError::kInvalidSignExtension: return "ABI signed integer not sign-extended";
        case AbiError::kTooDeep: return "ABI type nesting too deep";
        case AbiError::kInflationLimit: return "ABI data decodes to too much (overlapping offsets)";
        case AbiError::kSelectorMismatch: return "function selector mismatch";
        case AbiError::kTopicCountMismatch: return "log topic count does not match the event";
        case AbiError::kTopicMismatch: return "log topic0 does not match the event";
    }
    return "invalid ABI data";
}

namespace {

constexpr std::size_t kWord = 32;
constexpr std::size_t kMaxFixedArrayLength = std::numeric_limits<uint32_t>::max();

std::size_t saturating_add(std::size_t a, std::size_t b) noexcept {
    return a > std::numeric_limits<std::size_t>::max() - b ? std::numeric_limits<std::size_t>::max() : a + b;
}

std::size_t saturating_mul(std::size_t a, std::size_t b) noexcept {
    if (a != 0 && b > std::numeric_limits<std::size_t>::max() / a)
        return std::numeric_limits<std::size_t>::max();
    return a * b;
}

std::size_t padded_size(std::size_t n) noexcept {
    return (n + kWord - 1) / kWord * kWord;
}

bool all_zero(ByteView v) noexcept {
    return std::all_of(v.begin(), v.end(), [](uint8_t b) { return b == 0; });
}

const u256 kMaxU256 = ~u256(0);

bool uint_fits(const u256& v, std::size_t bits) noexcept {
    return bits >= 256 || (v >> bits) == 0;
}

// Recursion in the encoder and decoder follows the types, so bounding their depth bounds the stack.
bool depth_ok(const std::vector<Type>& types) noexcept {
    return std::all_of(types.begin(), types.end(), [](const Type& t) { return t.depth() <= kMaxDepth; });
}

}  // namespace

// ----- types -----

Type::Type(Kind kind, std::size_t size, std::vector<Type> components)
    : kind_{kind}, size_{size}, components_{std::move(components)} {
    switch (kind_) {
        case Kind::kBytes:
        case Kind::kString: dynamic_ = true; break;
        case Kind::kArray:
            dynamic_ = true;
            depth_ = element().depth_ + 1;
            break;
        case Kind::kFixedArray:
            dynamic_ = element().dynamic_;
            head_size_ = dynamic_ ? kWord : saturating_mul(element().head_size_, size_);
            depth_ = element().depth_ + 1;
            break;
        case Kind::kTuple: {
            std::size_t total = 0;
            std::size_t depth = 0;
            for (const Type& c : components_) {
                dynamic_ = dynamic_ || c.dynamic_;
                total = saturating_add(total, c.head_size_);
                depth = std::max(depth, c.depth_);
            }
            head_size_ = dynamic_ ? kWord : total;
            depth_ = depth + 1;
            break;
        }
        default: break;
    }
}

Type Type::uint(std::size_t bits) {
    return Type(Kind::kUint, bits, {});
}
Type Type::sint(std::size_t bits) {
    return Type(Kind::kInt, bits, {});
}
Type Type::address() {
    return Type(Kind::kAddress, 0, {});
}
Type Type::boolean() {
    return Type(Kind::kBool, 0, {});
}
Type Type::fixed_bytes(std::size_t size) {
    return Type(Kind::kFixedBytes, size, {});
}
Type Type::bytes() {
    return Type(Kind::kBytes, 0, {});
}
Type Type::string() {
    return Type(Kind::kString, 0, {});
}
Type Type::array(Type element) {
    return Type(Kind::kArray, 0, {std::move(element)});
}
Type Type::fixed_array(Type element, std::size_t length) {
    return Type(Kind::kFixedArray, length, {std::move(element)});
}
Type Type::tuple(std::vector<Type> components) {
    return Type(Kind::kTuple, 0, std::move(components));
}

std::string Type::to_string() const {
    switch (kind_) {
        case Kind::kUint: return "uint" + std::to_string(size_);
        case Kind::kInt: return "int" + std::to_string(size_);
        case Kind::kAddress: return "address";
        case Kind::kBool: return "bool";
        case Kind::kFixedBytes: return "bytes" + std::to_string(size_);
        case Kind::kBytes: return "bytes";
        case Kind::kString: return "string";
        case Kind::kArray: return element().to_string() + "[]";
        case Kind::kFixedArray: return element().to_string() + "[" + std::to_string(size_) + "]";
        case Kind::kTuple: {
            std::string s = "(";
            for (std::size_t i = 0; i < components_.size(); ++i) {
                if (i > 0) s += ',';
                s += components_[i].to_string();
            }
            return s + ")";
        }
    }
    return {};
}

namespace {

// Recursive descent over the canonical grammar:
//   type := base ('[' ']' | '[' k ']')*      base := elementary | '(' type (',' type)* ')'
class TypeParser {
  public:
    explicit TypeParser(std::string_view text) noexcept : text_{text} {}

    [[nodiscard]] bool done() const noexcept { return pos_ == text_.size(); }
    [[nodiscard]] bool consume(char c) noexcept {
        if (pos_ < text_.size() && text_[pos_] == c) {
            ++pos_;
            return true;
        }
        return false;
    }

    std::expected<Type, AbiError> parse(std::size_t parens) {
        auto base = parse_base(parens);
        if (!base) return base;
        Type t = std::move(*base);
        while (consume('[')) {
            if (t.depth() >= kMaxDepth) return std::unexpected(AbiError::kTooDeep);
            if (consume(']')) {
                t = Type::array(std::move(t));
                continue;
            }
            auto n = parse_number();
            if (!n || *n == 0 || *n > kMaxFixedArrayLength || !consume(']')) {
                return std::unexpected(AbiError::kInvalidType);
            }
            t = Type::fixed_array(std::move(t), *n);
        }
        return t;
    }

  private:
    std::expected<Type, AbiError> parse_base(std::size_t parens) {
        if (consume('(')) {
            if (parens >= kMaxDepth) return std::unexpected(AbiError::kTooDeep);
            std::vector<Type> components;
            do {
                auto c = parse(parens + 1);
                if (!c) return c;
                components.push_back(std::move(*c));
            } while (consume(','));
            if (!consume(')')) return std::unexpected(AbiError::kInvalidType);
            Type t = Type::tuple(std::move(components));
            if (t.depth() > kMaxDepth) return std::unexpected(AbiError::kTooDeep);
            return t;
        }
        const std::size_t start = pos_;
        while (pos_ < text_.size() && text_[pos_] >= 'a' && text_[pos_] <= 'z') ++pos_;
        const std::string_view word = text_.substr(start, pos_ - start);
        const bool has_digits = pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9';
        std::size_t n = 0;
        if (has_digits) {
            auto parsed = parse_number();
            if (!parsed) return std::unexpected(AbiError::kInvalidType);
            n = *parsed;
        }
        if (word == "uint" || word == "int") {
            if (!has_digits || n < 8 || n > 256 || n % 8 != 0) return std::unexpected(AbiError::kInvalidType);
            return word == "uint" ? Type::uint(n) : Type::sint(n);
        }
        if (word == "bytes") {
            if (!has_digits) return Type::bytes();
            if (n < 1 || n > 32) return std::unexpected(AbiError::kInvalidType);
            return Type::fixed_bytes(n);
        }
        if (has_digits) return std::unexpected(AbiError::kInvalidType);
        if (word == "address") return Type::address();
        if (word == "bool") return Type::boolean();
        if (word == "string") return Type::string();
        return std::unexpected(AbiError::kInvalidType);
    }

    // Decimal digits without leading zeros, at most 10 of them.
    std::expected<std::size_t, AbiError> parse_number() noexcept {
        const std::size_t start = pos_;
        std::size_t n = 0;
        while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') {
            if (pos_ - start >= 10) return std::unexpected(AbiError::kInvalidType);
            n = n * 10 + static_cast<std::size_t>(text_[pos_] - '0');
            ++pos_;
        }
        const std::size_t digits = pos_ - start;
        if (digits == 0 || (digits > 1 && text_[start] == '0'))
            return std::unexpected(AbiError::kInvalidType);
        return n;
    }

    std::string_view text_;
    std::size_t pos_ = 0;
};

}  // namespace

std::expected<Type, AbiError> parse_type(std::string_view text) {
    TypeParser p{text};
    auto t = p.parse(0);
    if (!t) return t;
    if (!p.done()) return std::unexpected(AbiError::kInvalidType);
    return t;
}

std::expected<std::vector<Type>, AbiError> parse_types(std::string_view text) {
    std::vector<Type> types;
    if (text.empty()) return types;
    TypeParser p{text};
    do {
        auto t = p.parse(0);
        if (!t) return std::unexpected(t.error());
        types.push_back(std::move(*t));
    } while (p.consume(','));
    if (!p.done()) return std::unexpected(AbiError::kInvalidType);
    return types;
}

// ----- values -----

Int256 Int256::from_int64(int64_t v) noexcept {
    const bool negative = v < 0;
    // Magnitude without overflow for INT64_MIN.
    const uint64_t magnitude = negative ? ~static_cast<uint64_t>(v) + 1 : static_cast<uint64_t>(v);
    return from_magnitude(negative, u256(magnitude));
}

Int256 Int256::from_magnitude(bool negative, const u256& magnitude) noexcept {
    return Int256{negative ? u256(~magnitude + 1) : magnitude};
}

bool Int256::fits(std::size_t n) const noexcept {
    if (n >= 256) return true;
    if (n == 0) return false;
    // The top 257 - n bits must all equal the sign bit.
    const u256 top = bits >> (n - 1);
    return top == 0 || top == (kMaxU256 >> (n - 1));
}

std::string to_string(const Value& value) {
    struct Visitor {
        std::string operator()(const u256& v) const { return to_decimal(v); }
        std::string operator()(const Int256& v) const {
            return (v.is_negative() ? "-" : "") + to_decimal(v.magnitude());
        }
        std::string operator()(const Address& v) const { return to_hex(v); }
        std::string operator()(bool v) const { return v ? "true" : "false"; }
        std::string operator()(const Bytes& v) const { return to_hex(v); }
        std::string operator()(const std::string& v) const {
            std::string s = "\"";
            for (char c : v) {
                if (c == '"' || c == '\\') s += '\\';
                s += c;
            }
            return s + "\"";
        }
        std::string operator()(const Hash& v) const { return "hash:" + to_hex(v); }
        std::string operator()(const std::vector<Value>& v) const {
            std::string s = "[";
            for (std::size_t i = 0; i < v.size(); ++i) {
                if (i > 0) s += ", ";
                s += to_string(v[i]);
            }
            return s + "]";
        }
    };
    return std::visit(Visitor{}, value.storage());
}

// ----- encoding -----

namespace {

// The items of a tuple (one type each) or of an array (one type repeated: stride 0).
struct Sequence {
    const Type* types;
    std::size_t stride;
    std::size_t count;

    [[nodiscard]] const Type& at(std::size_t i) const noexcept { return types[i * stride]; }

    static Sequence of(const std::vector<Type>& types) noexcept { return {types.data(), 1, types.size()}; }
    static Sequence repeat(const Type& type, std::size_t count) noexcept { return {&type, 0, count}; }
};

void put_word(Bytes& out, const u256& v) {
    uint8_t w[kWord];
    u256_to_be(v, w);
    out.append(w, kWord);
}

void write_size(uint8_t* word, std::size_t n) noexcept {
    std::fill(word, word + kWord, uint8_t{0});
    for (int i = 0; i < 8; ++i)
        word[kWord - 1 - i] = static_cast<uint8_t>(static_cast<uint64_t>(n) >> (8 * i));
}

void put_size(Bytes& out, std::size_t n) {
    uint8_t w[kWord];
    write_size(w, n);
    out.append(w, kWord);
}

// Length word, payload, zero padding to a whole word.
void put_dynamic_bytes(Bytes& out, ByteView payload) {
    put_size(out, payload.size());
    out.append(payload);
    out.append(padded_size(payload.size()) - payload.size(), uint8_t{0});
}

std::expected<void, AbiError> encode_value(Bytes& out, const Type& type, const Value& value);

std::expected<void, AbiError> encode_sequence(Bytes& out, Sequence seq, const std::vector<Value>& values) {
    if (values.size() != seq.count) return std::unexpected(AbiError::kValueMismatch);
    const std::size_t base = out.size();
    // Heads: static items in place, a placeholder offset for dynamic ones.
    for (std::size_t i = 0; i < seq.count; ++i) {
        const Type& t = seq.at(i);
        if (t.is_dynamic()) {
            out.append(kWord, uint8_t{0});
        } else if (auto r = encode_value(out, t, values[i]); !r) {
            return r;
        }
    }
    // Tails, each after patching its offset (relative to the start of the heads).
    std::size_t head = base;
    for (std::size_t i = 0; i < seq.count; ++i) {
        const Type& t = seq.at(i);
        if (t.is_dynamic()) {
            write_size(out.data() + head, out.size() - base);
            if (auto r = encode_value(out, t, values[i]); !r) return r;
        }
        head += t.head_size();
    }
    return {};
}

std::expected<void, AbiError> encode_value(Bytes& out, const Type& type, const Value& value) {
    const auto mismatch = std::unexpected(AbiError::kValueMismatch);
    switch (type.kind()) {
        case Kind::kUint: {
            const auto* v = value.get_if<u256>();
            if (!v || !uint_fits(*v, type.size())) return mismatch;
            put_word(out, *v);
            return {};
        }
        case Kind::kInt: {
            const auto* v = value.get_if<Int256>();
            if (!v || !v->fits(type.size())) return mismatch;
            put_word(out, v->bits);
            return {};
        }
        case Kind::kAddress: {
            const auto* v = value.get_if<Address>();
            if (!v) return mismatch;
            out.append(kWord - Address::size(), uint8_t{0});
            out.append(v->view());
            return {};
        }
        case Kind::kBool: {
            const auto* v = value.get_if<bool>();
            if (!v) return mismatch;
            out.append(kWord - 1, uint8_t{0});
            out.push_back(*v ? 1 : 0);
            return {};
        }
        case Kind::kFixedBytes: {
            const auto* v = value.get_if<Bytes>();
            if (!v || v->size() != type.size() || v->size() > kWord) return mismatch;
            out.append(*v);
            out.append(kWord - v->size(), uint8_t{0});
            return {};
        }
        case Kind::kBytes: {
            const auto* v = value.get_if<Bytes>();
            if (!v) return mismatch;
            put_dynamic_bytes(out, *v);
            return {};
        }
        case Kind::kString: {
            const auto* v = value.get_if<std::string>();
            if (!v) return mismatch;
            put_dynamic_bytes(out, to_view(*v));
            return {};
        }
        case Kind::kArray: {
            const auto* v = value.get_if<std::vector<Value>>();
            if (!v) return mismatch;
            put_size(out, v->size());
            return encode_sequence(out, Sequence::repeat(type.element(), v->size()), *v);
        }
        case Kind::kFixedArray: {
            const auto* v = value.get_if<std::vector<Value>>();
            if (!v) return mismatch;
            return encode_sequence(out, Sequence::repeat(type.element(), type.size()), *v);
        }
        case Kind::kTuple: {
            const auto* v = value.get_if<std::vector<Value>>();
            if (!v) return mismatch;
            return encode_sequence(out, Sequence::of(type.components()), *v);
        }
    }
    return mismatch;
}

}  // namespace

std::expected<void, AbiError> encode(Bytes& out, const std::vector<Type>& types,
                                     const std::vector<Value>& values) {
    if (!depth_ok(types)) return std::unexpected(AbiError::kTooDeep);
    const std::size_t size = out.size();
    auto r = encode_sequence(out, Sequence::of(types), values);
    if (!r) out.resize(size);
    return r;
}

// ----- decoding -----

namespace {

class Decoder {
  public:
    explicit Decoder(std::size_t input_size) noexcept
        : budget_{saturating_add(saturating_mul(input_size, kMaxInflation), kInflationAllowance)} {}

    std::expected<Value, AbiError> value(ByteView region, const Type& type) {
        switch (type.kind()) {
            case Kind::kUint: {
                auto w = word(region, 0);
                if (!w) return std::unexpected(w.error());
                u256 v = u256_from_be(*w);
                if (!uint_fits(v, type.size())) return std::unexpected(AbiError::kNonZeroPadding);
                return Value(v);
            }
            case Kind::kInt: {
                auto w = word(region, 0);
                if (!w) return std::unexpected(w.error());
                Int256 v{u256_from_be(*w)};
                if (!v.fits(type.size())) return std::unexpected(AbiError::kInvalidSignExtension);
                return Value(v);
            }
            case Kind::kAddress: {
                auto w = word(region, 0);
                if (!w) return std::unexpected(w.error());
                if (!all_zero(w->substr(0, kWord - Address::size()))) {
                    return std::unexpected(AbiError::kNonZeroPadding);
                }
                return Value(Address::left_padded(*w));
            }
            case Kind::kBool: {
                auto w = word(region, 0);
                if (!w) return std::unexpected(w.error());
                if (!all_zero(w->substr(0, kWord - 1))) return std::unexpected(AbiError::kNonZeroPadding);
                if ((*w)[kWord - 1] > 1) return std::unexpected(AbiError::kInvalidBool);
                return Value((*w)[kWord - 1] == 1);
            }
            case Kind::kFixedBytes: {
                auto w = word(region, 0);
                if (!w) return std::unexpected(w.error());
                const std::size_t n = std::min(type.size(), kWord);
                if (!all_zero(w->substr(n))) return std::unexpected(AbiError::kNonZeroPadding);
                return Value(Bytes(w->substr(0, n)));
            }
            case Kind::kBytes:
            case Kind::kString: {
                auto payload = dynamic_bytes(region);
                if (!payload) return std::unexpected(payload.error());
                if (type.kind() == Kind::kBytes) return Value(Bytes(*payload));
                return Value(std::string(to_string_view(*payload)));
            }
            case Kind::kArray: {
                auto length = length_word(region);
                if (!length) return std::unexpected(length.error());
                // Every element takes at least one word of the data after the length.
                const std::size_t min_size = std::max(type.element().head_size(), kWord);
                if (*length > (region.size() - kWord) / min_size) {
                    return std::unexpected(AbiError::kLengthTooLarge);
                }
                return list(sequence(region.substr(kWord), Sequence::repeat(type.element(), *length)));
            }
            case Kind::kFixedArray:
                return list(sequence(region, Sequence::repeat(type.element(), type.size())));
            case Kind::kTuple: return list(sequence(region, Sequence::of(type.components())));
        }
        return std::unexpected(AbiError::kInvalidType);
    }

    std::expected<std::vector<Value>, AbiError> sequence(ByteView region, Sequence seq) {
        // The heads must be present, and each item will read at least one word: check both before
        // allocating anything.
        std::size_t heads = 0;
        if (seq.stride == 0) {
            heads = seq.count == 0 ? 0 : saturating_mul(seq.at(0).head_size(), seq.count);
        } else {
            for (std::size_t i = 0; i < seq.count; ++i) heads = saturating_add(heads, seq.at(i).head_size());
        }
        if (heads > region.size()) return std::unexpected(AbiError::kTooShort);
        if (saturating_mul(seq.count, kWord) > budget_) return std::unexpected(AbiError::kInflationLimit);

        std::vector<Value> items;
        items.reserve(seq.count);
        std::size_t head = 0;
        for (std::size_t i = 0; i < seq.count; ++i) {
            const Type& t = seq.at(i);
            std::expected<Value, AbiError> item;
            if (t.is_dynamic()) {
                auto w = word(region, head);
                if (!w) return std::unexpected(w.error());
                auto offset = to_size(*w);
                // A dynamic item's encoding is at least one word long.
                if (!offset || *offset > region.size() || region.size() - *offset < kWord) {
                    return std::unexpected(AbiError::kOffsetOutOfRange);
                }
                item = value(region.substr(*offset), t);
            } else {
                item = value(region.substr(head), t);
            }
            if (!item) return std::unexpected(item.error());
            items.push_back(std::move(*item));
            head += t.head_size();
        }
        return items;
    }

  private:
    static std::expected<Value, AbiError> list(std::expected<std::vector<Value>, AbiError>&& items) {
        if (!items) return std::unexpected(items.error());
        return Value(std::move(*items));
    }

    // The 32-byte word at `pos`, counted against the inflation budget.
    std::expected<ByteView, AbiError> word(ByteView region, std::size_t pos) noexcept {
        if (pos > region.size() || region.size() - pos < kWord) return std::unexpected(AbiError::kTooShort);
        if (!charge(kWord)) return std::unexpected(AbiError::kInflationLimit);
        return region.substr(pos, kWord);
    }

    bool charge(std::size_t n) noexcept {
        if (n > budget_) return false;
        budget_ -= n;
        return true;
    }

    static std::optional<std::size_t> to_size(ByteView w) noexcept {
        if (!all_zero(w.substr(0, kWord - 8))) return std::nullopt;
        uint64_t n = 0;
        for (std::size_t i = kWord - 8; i < kWord; ++i) n = (n << 8) | w[i];
        if (n > std::numeric_limits<std::size_t>::max()) return std::nullopt;
        return static_cast<std::size_t>(n);
    }

    // A length word at the start of `region` that the rest of the region can hold (in bytes).
    std::expected<std::size_t, AbiError> length_word(ByteView region) noexcept {
        auto w = word(region, 0);
        if (!w) return std::unexpected(w.error());
        auto n = to_size(*w);
        if (!n || *n > region.size() - kWord) return std::unexpected(AbiError::kLengthTooLarge);
        return *n;
    }

    // bytes and string: length, payload, zero padding to a whole word.
    std::expected<ByteView, AbiError> dynamic_bytes(ByteView region) noexcept {
        auto length = length_word(region);
        if (!length) return std::unexpected(length.error());
        const std::size_t padded = padded_size(*length);
        if (padded > region.size() - kWord) return std::unexpected(AbiError::kTooShort);
        if (!charge(padded)) return std::unexpected(AbiError::kInflationLimit);
        const ByteView body = region.substr(kWord, padded);
        if (!all_zero(body.substr(*length))) return std::unexpected(AbiError::kNonZeroPadding);
        return body.substr(0, *length);
    }

    std::size_t budget_;
};

}  // namespace

std::expected<std::vector<Value>, AbiError> decode(const std::vector<Type>& types, ByteView data) {
    if (!depth_ok(types)) return std::unexpected(AbiError::kTooDeep);
    Decoder decoder{data.size()};
    return decoder.sequence(data, Sequence::of(types));
}

// ----- functions and events -----

Selector function_selector(std::string_view signature) noexcept {
    const Hash h = keccak256(to_view(signature));
    Selector s;
    std::copy_n(h.bytes.begin(), Selector::size(), s.bytes.begin());
    return s;
}

Hash event_topic(std::string_view signature) noexcept {
    return keccak256(to_view(signature));
}

namespace {

std::string signature_of(const std::string& name, const std::vector<Param>& inputs) {
    std::string s = name + "(";
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        if (i > 0) s += ',';
        s += inputs[i].type.to_string();
    }
    return s + ")";
}

bool is_space(char c) noexcept {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

std::string_view trim(std::string_view s) noexcept {
    while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
    return s;
}

bool is_identifier(std::string_view s) noexcept {
    if (s.empty()) return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$';
        if (!alpha && !(i > 0 && c >= '0' && c <= '9')) return false;
    }
    return true;
}

// Splits on whitespace.
std::vector<std::string_view> tokens(std::string_view s) {
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && is_space(s[i])) ++i;
        const std::size_t start = i;
        while (i < s.size() && !is_space(s[i])) ++i;
        if (i > start) out.push_back(s.substr(start, i - start));
    }
    return out;
}

struct Signature {
    std::string name;
    std::vector<Param> inputs;
    std::string_view rest;  // text after the closing parenthesis, trimmed
};

// "[keyword ]name(type [indexed] [name], ...)rest"
std::expected<Signature, AbiError> parse_signature(std::string_view text, std::string_view keyword,
                                                   bool allow_indexed) {
    text = trim(text);
    if (text.starts_with(keyword) && text.size() > keyword.size() && is_space(text[keyword.size()])) {
        text = trim(text.substr(keyword.size()));
    }
    const std::size_t open = text.find('(');
    if (open == std::string_view::npos) return std::unexpected(AbiError::kInvalidSignature);
    Signature sig;
    const std::string_view name = trim(text.substr(0, open));
    if (!is_identifier(name)) return std::unexpected(AbiError::kInvalidSignature);
    sig.name = std::string(name);

    // Split the parameter list on commas outside parentheses.
    std::size_t depth = 0;
    std::size_t start = open + 1;
    std::size_t close = std::string_view::npos;
    std::vector<std::string_view> pieces;
    for (std::size_t i = open + 1; i < text.size() && close == std::string_view::npos; ++i) {
        const char c = text[i];
        if (c == '(') {
            ++depth;
        } else if (c == ')' && depth > 0) {
            --depth;
        } else if (c == ')' || (c == ',' && depth == 0)) {
            pieces.push_back(text.substr(start, i - start));
            start = i + 1;
            if (c == ')') close = i;
        }
    }
    if (close == std::string_view::npos) return std::unexpected(AbiError::kInvalidSignature);
    sig.rest = trim(text.substr(close + 1));
    if (pieces.size() == 1 && trim(pieces[0]).empty()) pieces.clear();  // "f()"

    for (std::string_view piece : pieces) {
        const auto words = tokens(piece);
        if (words.empty()) return std::unexpected(AbiError::kInvalidSignature);
        auto type = parse_type(words[0]);
        if (!type) return std::unexpected(type.error());
        Param p{std::move(*type), false, {}};
        std::size_t i = 1;
        if (allow_indexed && i < words.size() && words[i] == "indexed") {
            p.indexed = true;
            ++i;
        }
        if (i < words.size()) {
            // "indexed" is a keyword, never a name (and a function's inputs are never indexed).
            if (!is_identifier(words[i]) || words[i] == "indexed")
                return std::unexpected(AbiError::kInvalidSignature);
            p.name = std::string(words[i++]);
        }
        if (i != words.size()) return std::unexpected(AbiError::kInvalidSignature);
        sig.inputs.push_back(std::move(p));
    }
    return sig;
}

}  // namespace

std::vector<Type> Function::input_types() const {
    std::vector<Type> types;
    types.reserve(inputs.size());
    for (const Param& p : inputs) types.push_back(p.type);
    return types;
}

std::string Function::signature() const {
    return signature_of(name, inputs);
}
Selector Function::selector() const {
    return function_selector(signature());
}

std::string Event::signature() const {
    return signature_of(name, inputs);
}
Hash Event::topic0() const {
    return event_topic(signature());
}
std::size_t Event::indexed_count() const noexcept {
    return static_cast<std::size_t>(
        std::count_if(inputs.begin(), inputs.end(), [](const Param& p) { return p.indexed; }));
}

std::expected<Function, AbiError> parse_function(std::string_view text) {
    auto sig = parse_signature(text, "function", false);
    if (!sig) return std::unexpected(sig.error());
    if (!sig->rest.empty()) return std::unexpected(AbiError::kInvalidSignature);
    return Function{std::move(sig->name), std::move(sig->inputs)};
}

std::expected<Event, AbiError> parse_event(std::string_view text) {
    auto sig = parse_signature(text, "event", true);
    if (!sig) return std::unexpected(sig.error());
    Event e{std::move(sig->name), std::move(sig->inputs), false};
    if (sig->rest == "anonymous") {
        e.anonymous = true;
    } else if (!sig->rest.empty()) {
        return std::unexpected(AbiError::kInvalidSignature);
    }
    if (e.indexed_count() > (e.anonymous ? 4u : 3u)) return std::unexpected(AbiError::kInvalidSignature);
    return e;
}

std::expected<void, AbiError> encode_call(Bytes& out, const Function& function,
                                          const std::vector<Value>& args) {
    const std::size_t size = out.size();
    out.append(function.selector().view());
    auto r = encode(out, function.input_types(), args);
    if (!r) out.resize(size);
    return r;
}

std::expected<std::vector<Value>, AbiError> decode_call(const Function& function, ByteView calldata) {
    if (calldata.size() < Selector::size()) return std::unexpected(AbiError::kTooShort);
    if (calldata.substr(0, Selector::size()) != function.selector().view()) {
        return std::unexpected(AbiError::kSelectorMismatch);
    }
    return decode(function.input_types(), calldata.substr(Selector::size()));
}

std::expected<std::vector<Value>, AbiError> decode_log(const Event& event, std::span<const Hash> topics,
                                                       ByteView data) {
    const std::size_t first = event.anonymous ? 0 : 1;
    if (topics.size() != first + event.indexed_count()) return std::unexpected(AbiError::kTopicCountMismatch);
    if (!event.anonymous && topics[0] != event.topic0()) return std::unexpected(AbiError::kTopicMismatch);

    std::vector<Type> data_types;
    for (const Param& p : event.inputs) {
        if (!p.indexed) data_types.push_back(p.type);
    }
    auto data_values = decode(data_types, data);
    if (!data_values) return data_values;

    std::vector<Value> values;
    values.reserve(event.inputs.size());
    std::size_t next_topic = first;
    std::size_t next_data = 0;
    for (const Param& p : event.inputs) {
        if (!p.indexed) {
            values.push_back(std::move((*data_values)[next_data++]));
            continue;
        }
        const Hash& topic = topics[next_topic++];
        if (!p.type.is_elementary()) {
            values.emplace_back(topic);
            continue;
        }
        Decoder decoder{Hash::size()};
        auto v = decoder.value(topic.view(), p.type);
        if (!v) return std::unexpected(v.error());
        values.push_back(std::move(*v));
    }
    return values;
}

}  // namespace causeway::abi
