#include "core/jsonrpc.hpp"

#include <boost/json/string.hpp>
#include <cmath>

#include "core/hex.hpp"

namespace causeway::jsonrpc {

namespace json = boost::json;

namespace {

std::unexpected<Error> fail(std::string_view path, std::string message) {
    return std::unexpected(Error{std::string(path), std::move(message)});
}

std::string join(std::string_view path, std::string_view key) {
    if (path.empty()) return std::string(key);
    std::string out;
    out.reserve(path.size() + 1 + key.size());
    out.append(path).append(".").append(key);
    return out;
}

std::string index_path(std::string_view path, std::size_t i) {
    return std::string(path) + "[" + std::to_string(i) + "]";
}

std::string_view kind_name(const json::value& v) {
    switch (v.kind()) {
        case json::kind::null: return "null";
        case json::kind::bool_: return "a boolean";
        case json::kind::int64:
        case json::kind::uint64:
        case json::kind::double_: return "a number";
        case json::kind::string: return "a string";
        case json::kind::array: return "an array";
        case json::kind::object: return "an object";
    }
    return "something else";
}

Result<std::string_view> as_string(const json::value& v, std::string_view path, std::string_view what) {
    if (!v.is_string())
        return fail(path, "expected " + std::string(what) + " string, got " + std::string(kind_name(v)));
    const auto& s = v.get_string();
    return std::string_view(s.data(), s.size());
}

Result<const json::object*> as_object(const json::value& v, std::string_view path) {
    if (!v.is_object()) return fail(path, "expected an object, got " + std::string(kind_name(v)));
    return &v.get_object();
}

Result<const json::array*> as_array(const json::value& v, std::string_view path) {
    if (!v.is_array()) return fail(path, "expected an array, got " + std::string(kind_name(v)));
    return &v.get_array();
}

int nibble(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// The digits of a quantity after the checks every quantity shares.
std::expected<std::string_view, std::string> quantity_digits(std::string_view text) {
    if (!text.starts_with("0x")) return std::unexpected(std::string("quantity must start with 0x"));
    text.remove_prefix(2);
    if (text.empty()) return std::unexpected(std::string("quantity has no digits"));
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (nibble(text[i]) < 0) {
            return std::unexpected("invalid hex digit at offset " + std::to_string(i + 2) + " in quantity");
        }
    }
    if (text.size() > 1 && text[0] == '0') return std::unexpected(std::string("quantity has leading zeros"));
    return text;
}

template <typename T, typename F>
Result<std::vector<T>> decode_array(const json::value& v, std::string_view path, F&& decode_item) {
    auto arr = as_array(v, path);
    if (!arr) return std::unexpected(std::move(arr.error()));
    std::vector<T> out;
    out.reserve((*arr)->size());
    for (std::size_t i = 0; i < (*arr)->size(); ++i) {
        auto item = decode_item((**arr)[i], index_path(path, i));
        if (!item) return std::unexpected(std::move(item.error()));
        out.push_back(std::move(*item));
    }
    return out;
}

// Reads fields of one JSON object, building each field's path.
class Fields {
  public:
    Fields(const json::object& object, std::string_view path) : object_(object), path_(path) {}

    template <typename F>
    auto required(std::string_view key, F&& decode) const
        -> decltype(decode(std::declval<const json::value&>(), std::string_view{})) {
        const json::value* v = object_.if_contains(key);
        if (v == nullptr) return fail(join(path_, key), "missing");
        return decode(*v, join(path_, key));
    }

    // Absent and null both read as nullopt.
    template <typename F>
    auto optional(std::string_view key, F&& decode) const
        -> Result<std::optional<typename decltype(decode(std::declval<const json::value&>(),
                                                         std::string_view{}))::value_type>> {
        using T =
            typename decltype(decode(std::declval<const json::value&>(), std::string_view{}))::value_type;
        const json::value* v = object_.if_contains(key);
        if (v == nullptr || v->is_null()) return std::optional<T>{};
        auto r = decode(*v, join(path_, key));
        if (!r) return std::unexpected(std::move(r.error()));
        return std::optional<T>(std::move(*r));
    }

    [[nodiscard]] bool has(std::string_view key) const {
        const json::value* v = object_.if_contains(key);
        return v != nullptr && !v->is_null();
    }
    [[nodiscard]] std::string path(std::string_view key) const { return join(path_, key); }

  private:
    const json::object& object_;
    std::string_view path_;
};

// Assigns a decoded field or returns its error from the enclosing function.
#define CAUSEWAY_JSON_FIELD(target, expr)                                                 \
    do {                                                                                  \
        auto causeway_field_ = (expr);                                                    \
        if (!causeway_field_) return std::unexpected(std::move(causeway_field_.error())); \
        (target) = std::move(*causeway_field_);                                           \
    } while (false)

Result<double> decode_double(const json::value& v, std::string_view path) {
    if (!v.is_number()) return fail(path, "expected a number, got " + std::string(kind_name(v)));
    return v.to_number<double>();
}

Result<bool> decode_bool(const json::value& v, std::string_view path) {
    if (!v.is_bool()) return fail(path, "expected a boolean, got " + std::string(kind_name(v)));
    return v.get_bool();
}

// A storage key: a quantity ("0x0") or up to 32 bytes of data, left-padded.
Result<Hash> decode_storage_key(const json::value& v, std::string_view path) {
    auto s = as_string(v, path, "a hex");
    if (!s) return std::unexpected(std::move(s.error()));
    std::string_view digits = *s;
    if (!digits.starts_with("0x")) return fail(path, "storage key must start with 0x");
    digits.remove_prefix(2);
    if (digits.empty()) return fail(path, "storage key has no digits");
    if (digits.size() > 64) return fail(path, "storage key is longer than 32 bytes");
    Hash out;
    std::size_t pos = 64 - digits.size();  // nibble position in the 32-byte key
    for (std::size_t i = 0; i < digits.size(); ++i, ++pos) {
        const int n = nibble(digits[i]);
        if (n < 0) return fail(path, "invalid hex digit at offset " + std::to_string(i + 2));
        out[pos / 2] |= static_cast<uint8_t>(pos % 2 == 0 ? n << 4 : n);
    }
    return out;
}

Result<uint8_t> decode_status(const json::value& v, std::string_view path) {
    auto n = decode_u64(v, path);
    if (!n) return std::unexpected(std::move(n.error()));
    if (*n > 1) return fail(path, "status must be 0x0 or 0x1");
    return static_cast<uint8_t>(*n);
}

Result<uint8_t> decode_tx_type(const json::value& v, std::string_view path) {
    auto n = decode_u64(v, path);
    if (!n) return std::unexpected(std::move(n.error()));
    if (*n > 0xff) return fail(path, "transaction type above 0xff");
    return static_cast<uint8_t>(*n);
}

}  // namespace

std::string Error::to_string() const {
    if (path.empty()) return message;
    return path + ": " + message;
}

// ----- quantities -----

std::string encode_quantity(uint64_t value) {
    if (value == 0) return "0x0";
    constexpr char kDigits[] = "0123456789abcdef";
    char buf[16];
    int n = 0;
    while (value != 0) {
        buf[n++] = kDigits[value & 0xf];
        value >>= 4;
    }
    std::string out = "0x";
    while (n > 0) out += buf[--n];
    return out;
}

std::string encode_quantity(const u256& value) {
    return to_hex_quantity(value);
}

Result<uint64_t> parse_quantity_u64(std::string_view text) {
    auto digits = quantity_digits(text);
    if (!digits) return fail({}, std::move(digits.error()));
    if (digits->size() > 16) return fail({}, "quantity exceeds 64 bits");
    uint64_t r = 0;
    for (char c : *digits) r = (r << 4) | static_cast<uint64_t>(nibble(c));
    return r;
}

Result<u256> parse_quantity_u256(std::string_view text) {
    auto digits = quantity_digits(text);
    if (!digits) return fail({}, std::move(digits.error()));
    if (digits->size() > 64) return fail({}, "quantity exceeds 256 bits");
    u256 r = 0;
    for (char c : *digits) {
        r <<= 4;
        r |= static_cast<unsigned>(nibble(c));
    }
    return r;
}

Result<uint64_t> decode_u64(const json::value& v, std::string_view path) {
    auto s = as_string(v, path, "a quantity");
    if (!s) return std::unexpected(std::move(s.error()));
    auto r = parse_quantity_u64(*s);
    if (!r) return fail(path, std::move(r.error().message));
    return r;
}

Result<u256> decode_u256(const json::value& v, std::string_view path) {
    auto s = as_string(v, path, "a quantity");
    if (!s) return std::unexpected(std::move(s.error()));
    auto r = parse_quantity_u256(*s);
    if (!r) return fail(path, std::move(r.error().message));
    return r;
}

// ----- data -----

std::string encode_data(ByteView bytes) {
    return to_hex(bytes);
}

Result<Bytes> parse_data(std::string_view text) {
    if (!text.starts_with("0x")) return fail({}, "data must start with 0x");
    auto bytes = from_hex(text);
    if (!bytes) {
        if (bytes.error().code == HexError::Code::kOddLength)
            return fail({}, "data has an odd number of hex digits");
        return fail({}, bytes.error().message());
    }
    return std::move(*bytes);
}

Result<Bytes> decode_bytes(const json::value& v, std::string_view path) {
    auto s = as_string(v, path, "a hex data");
    if (!s) return std::unexpected(std::move(s.error()));
    auto r = parse_data(*s);
    if (!r) return fail(path, std::move(r.error().message));
    return r;
}

Result<Hash> decode_hash(const json::value& v, std::string_view path) {
    return decode_fixed<32>(v, path);
}

Result<Address> decode_address(const json::value& v, std::string_view path) {
    auto s = as_string(v, path, "an address");
    if (!s) return std::unexpected(std::move(s.error()));
    if (!s->starts_with("0x")) return fail(path, "address must start with 0x");
    auto a = address_from_hex(*s);
    if (!a) return fail(path, a.error().message());
    return *a;
}

// ----- block identifiers -----

std::string_view to_string(BlockTag tag) noexcept {
    switch (tag) {
        case BlockTag::kLatest: return "latest";
        case BlockTag::kEarliest: return "earliest";
        case BlockTag::kPending: return "pending";
        case BlockTag::kSafe: return "safe";
        case BlockTag::kFinalized: return "finalized";
    }
    return "latest";
}

BlockId::BlockId(BlockNumberOrTag v) {
    if (const auto* tag = std::get_if<BlockTag>(&v))
        value = *tag;
    else
        value = std::get<uint64_t>(v);
}

json::value to_json(const BlockId& id) {
    if (const auto* tag = id.tag()) return json::value(to_string(*tag));
    if (const auto* n = id.block_number()) return json::value(encode_quantity(*n));
    const auto& ref = *id.block_hash();
    json::object o;
    o["blockHash"] = encode_data(ref.hash);
    if (ref.require_canonical) o["requireCanonical"] = true;
    return o;
}

json::value to_json(const BlockNumberOrTag& id) {
    return to_json(BlockId(id));
}

Result<BlockId> parse_block_id(std::string_view text) {
    for (BlockTag tag : {BlockTag::kLatest, BlockTag::kEarliest, BlockTag::kPending, BlockTag::kSafe,
                         BlockTag::kFinalized}) {
        if (text == to_string(tag)) return BlockId(tag);
    }
    if (text.starts_with("0x") && text.size() == 66) {
        auto h = hash_from_hex(text);
        if (!h) return fail({}, h.error().message());
        return BlockId::hash(*h);
    }
    if (text.starts_with("0x")) {
        auto n = parse_quantity_u64(text);
        if (!n) return std::unexpected(std::move(n.error()));
        return BlockId::number(*n);
    }
    if (text.empty()) return fail({}, "empty block identifier");
    uint64_t n = 0;
    for (char c : text) {
        if (c < '0' || c > '9') {
            return fail(
                {}, "block must be a tag (latest, earliest, pending, safe, finalized), a number or a hash");
        }
        const uint64_t d = static_cast<uint64_t>(c - '0');
        if (n > (UINT64_MAX - d) / 10) return fail({}, "block number exceeds 64 bits");
        n = n * 10 + d;
    }
    return BlockId::number(n);
}

std::string to_string(const BlockId& id) {
    if (const auto* tag = id.tag()) return std::string(to_string(*tag));
    if (const auto* n = id.block_number()) return std::to_string(*n);
    return to_hex(id.block_hash()->hash);
}

// ----- block headers -----

Result<BlockHeader> decode_header(const json::value& v, std::string_view path) {
    auto obj = as_object(v, path);
    if (!obj) return std::unexpected(std::move(obj.error()));
    const Fields f(**obj, path);
    BlockHeader h;
    CAUSEWAY_JSON_FIELD(h.parent_hash, f.required("parentHash", decode_hash));
    CAUSEWAY_JSON_FIELD(h.ommers_hash, f.required("sha3Uncles", decode_hash));
    CAUSEWAY_JSON_FIELD(h.beneficiary, f.required("miner", decode_address));
    CAUSEWAY_JSON_FIELD(h.state_root, f.required("stateRoot", decode_hash));
    CAUSEWAY_JSON_FIELD(h.transactions_root, f.required("transactionsRoot", decode_hash));
    CAUSEWAY_JSON_FIELD(h.receipts_root, f.required("receiptsRoot", decode_hash));
    CAUSEWAY_JSON_FIELD(h.logs_bloom, f.required("logsBloom", decode_fixed<256>));
    CAUSEWAY_JSON_FIELD(h.difficulty, f.required("difficulty", decode_u256));
    CAUSEWAY_JSON_FIELD(h.number, f.required("number", decode_u64));
    CAUSEWAY_JSON_FIELD(h.gas_limit, f.required("gasLimit", decode_u64));
    CAUSEWAY_JSON_FIELD(h.gas_used, f.required("gasUsed", decode_u64));
    CAUSEWAY_JSON_FIELD(h.timestamp, f.required("timestamp", decode_u64));
    CAUSEWAY_JSON_FIELD(h.extra_data, f.required("extraData", decode_bytes));
    CAUSEWAY_JSON_FIELD(h.mix_hash, f.required("mixHash", decode_hash));
    CAUSEWAY_JSON_FIELD(h.nonce, f.required("nonce", decode_fixed<8>));
    CAUSEWAY_JSON_FIELD(h.base_fee_per_gas, f.optional("baseFeePerGas", decode_u256));
    CAUSEWAY_JSON_FIELD(h.withdrawals_root, f.optional("withdrawalsRoot", decode_hash));
    CAUSEWAY_JSON_FIELD(h.blob_gas_used, f.optional("blobGasUsed", decode_u64));
    CAUSEWAY_JSON_FIELD(h.excess_blob_gas, f.optional("excessBlobGas", decode_u64));
    CAUSEWAY_JSON_FIELD(h.parent_beacon_block_root, f.optional("parentBeaconBlockRoot", decode_hash));
    CAUSEWAY_JSON_FIELD(h.requests_hash, f.optional("requestsHash", decode_hash));
    CAUSEWAY_JSON_FIELD(h.hash, f.optional("hash", decode_hash));

    // The optional fields extend the RLP list in this order; a gap cannot be encoded.
    const std::pair<const char*, bool> optional_fields[] = {
        {"baseFeePerGas", h.base_fee_per_gas.has_value()},
        {"withdrawalsRoot", h.withdrawals_root.has_value()},
        {"blobGasUsed", h.blob_gas_used.has_value()},
        {"excessBlobGas", h.excess_blob_gas.has_value()},
        {"parentBeaconBlockRoot", h.parent_beacon_block_root.has_value()},
        {"requestsHash", h.requests_hash.has_value()},
    };
    for (std::size_t i = 1; i < std::size(optional_fields); ++i) {
        if (optional_fields[i].second && !optional_fields[i - 1].second) {
            return fail(f.path(optional_fields[i].first),
                        std::string("present without ") + optional_fields[i - 1].first);
        }
    }
    // Cancun added its three fields together (EIP-4844, EIP-4788).
    if (h.blob_gas_used && !h.parent_beacon_block_root) {
        const char* missing = h.excess_blob_gas ? "parentBeaconBlockRoot" : "excessBlobGas";
        return fail(f.path(missing),
                    "missing (Cancun headers carry blobGasUsed, excessBlobGas and "
                    "parentBeaconBlockRoot together)");
    }
    return h;
}

// ----- logs and receipts -----

Result<Log> decode_log(const json::value& v, std::string_view path) {
    auto obj = as_object(v, path);
    if (!obj) return std::unexpected(std::move(obj.error()));
    const Fields f(**obj, path);
    Log log;
    CAUSEWAY_JSON_FIELD(log.address, f.required("address", decode_address));
    CAUSEWAY_JSON_FIELD(log.topics, f.required("topics", [](const json::value& t, std::string_view p) {
        return decode_array<Hash>(t, p, decode_hash);
    }));
    if (log.topics.size() > 4) return fail(f.path("topics"), "a log has at most 4 topics");
    CAUSEWAY_JSON_FIELD(log.data, f.required("data", decode_bytes));
    CAUSEWAY_JSON_FIELD(log.block_number, f.optional("blockNumber", decode_u64));
    CAUSEWAY_JSON_FIELD(log.block_hash, f.optional("blockHash", decode_hash));
    CAUSEWAY_JSON_FIELD(log.block_timestamp, f.optional("blockTimestamp", decode_u64));
    CAUSEWAY_JSON_FIELD(log.transaction_hash, f.optional("transactionHash", decode_hash));
    CAUSEWAY_JSON_FIELD(log.transaction_index, f.optional("transactionIndex", decode_u64));
    CAUSEWAY_JSON_FIELD(log.log_index, f.optional("logIndex", decode_u64));
    std::optional<bool> removed;
    CAUSEWAY_JSON_FIELD(removed, f.optional("removed", decode_bool));
    log.removed = removed.value_or(false);
    return log;
}

Result<std::vector<Log>> decode_logs(const json::value& v, std::string_view path) {
    return decode_array<Log>(v, path, decode_log);
}

Result<Receipt> decode_receipt(const json::value& v, std::string_view path) {
    auto obj = as_object(v, path);
    if (!obj) return std::unexpected(std::move(obj.error()));
    const Fields f(**obj, path);
    Receipt r;
    CAUSEWAY_JSON_FIELD(r.transaction_hash, f.required("transactionHash", decode_hash));
    CAUSEWAY_JSON_FIELD(r.transaction_index, f.required("transactionIndex", decode_u64));
    CAUSEWAY_JSON_FIELD(r.block_hash, f.required("blockHash", decode_hash));
    CAUSEWAY_JSON_FIELD(r.block_number, f.required("blockNumber", decode_u64));
    CAUSEWAY_JSON_FIELD(r.from, f.required("from", decode_address));
    CAUSEWAY_JSON_FIELD(r.to, f.optional("to", decode_address));
    CAUSEWAY_JSON_FIELD(r.cumulative_gas_used, f.required("cumulativeGasUsed", decode_u64));
    CAUSEWAY_JSON_FIELD(r.gas_used, f.required("gasUsed", decode_u64));
    CAUSEWAY_JSON_FIELD(r.effective_gas_price, f.required("effectiveGasPrice", decode_u256));
    CAUSEWAY_JSON_FIELD(r.contract_address, f.optional("contractAddress", decode_address));
    CAUSEWAY_JSON_FIELD(r.logs, f.required("logs", decode_logs));
    CAUSEWAY_JSON_FIELD(r.logs_bloom, f.required("logsBloom", decode_fixed<256>));
    std::optional<uint8_t> type;
    CAUSEWAY_JSON_FIELD(type, f.optional("type", decode_tx_type));
    r.type = type.value_or(0);
    std::optional<uint8_t> status;
    CAUSEWAY_JSON_FIELD(status, f.optional("status", decode_status));
    if (status) r.status = *status == 1;
    CAUSEWAY_JSON_FIELD(r.root, f.optional("root", decode_hash));
    if (!r.status && !r.root)
        return fail(path.empty() ? "status" : join(path, "status"), "missing (and no root either)");
    CAUSEWAY_JSON_FIELD(r.blob_gas_used, f.optional("blobGasUsed", decode_u64));
    CAUSEWAY_JSON_FIELD(r.blob_gas_price, f.optional("blobGasPrice", decode_u256));
    return r;
}

// ----- fee history -----

Result<FeeHistory> decode_fee_history(const json::value& v, std::string_view path) {
    auto obj = as_object(v, path);
    if (!obj) return std::unexpected(std::move(obj.error()));
    const Fields f(**obj, path);
    FeeHistory h;
    const auto u256_array = [](const json::value& a, std::string_view p) {
        return decode_array<u256>(a, p, decode_u256);
    };
    const auto ratio_array = [](const json::value& a, std::string_view p) {
        return decode_array<double>(a, p, [](const json::value& x, std::string_view q) -> Result<double> {
            auto d = decode_double(x, q);
            if (d && (!std::isfinite(*d) || *d < 0)) return fail(q, "ratio must be a non-negative number");
            return d;
        });
    };
    CAUSEWAY_JSON_FIELD(h.oldest_block, f.required("oldestBlock", decode_u64));
    CAUSEWAY_JSON_FIELD(h.base_fee_per_gas, f.required("baseFeePerGas", u256_array));
    CAUSEWAY_JSON_FIELD(h.gas_used_ratio, f.required("gasUsedRatio", ratio_array));
    std::optional<std::vector<std::vector<u256>>> reward;
    CAUSEWAY_JSON_FIELD(reward, f.optional("reward", [&](const json::value& a, std::string_view p) {
        return decode_array<std::vector<u256>>(a, p, u256_array);
    }));
    h.reward = std::move(reward).value_or(std::vector<std::vector<u256>>{});
    std::optional<std::vector<u256>> blob_fees;
    CAUSEWAY_JSON_FIELD(blob_fees, f.optional("baseFeePerBlobGas", u256_array));
    h.base_fee_per_blob_gas = std::move(blob_fees).value_or(std::vector<u256>{});
    std::optional<std::vector<double>> blob_ratio;
    CAUSEWAY_JSON_FIELD(blob_ratio, f.optional("blobGasUsedRatio", ratio_array));
    h.blob_gas_used_ratio = std::move(blob_ratio).value_or(std::vector<double>{});

    // An empty history (no blocks) carries no base fees at all; otherwise one more than blocks.
    if (!h.gas_used_ratio.empty() && h.base_fee_per_gas.size() != h.gas_used_ratio.size() + 1) {
        return fail(f.path("baseFeePerGas"), "expected " + std::to_string(h.gas_used_ratio.size() + 1) +
                                                 " entries (blocks + 1), got " +
                                                 std::to_string(h.base_fee_per_gas.size()));
    }
    if (!h.reward.empty() && h.reward.size() != h.gas_used_ratio.size()) {
        return fail(f.path("reward"), "expected one entry per block (" +
                                          std::to_string(h.gas_used_ratio.size()) + "), got " +
                                          std::to_string(h.reward.size()));
    }
    return h;
}

// ----- proofs -----

Result<AccountProof> decode_account_proof(const json::value& v, std::string_view path) {
    auto obj = as_object(v, path);
    if (!obj) return std::unexpected(std::move(obj.error()));
    const Fields f(**obj, path);
    const auto nodes = [](const json::value& a, std::string_view p) {
        return decode_array<Bytes>(a, p, decode_bytes);
    };
    AccountProof p;
    CAUSEWAY_JSON_FIELD(p.address, f.required("address", decode_address));
    CAUSEWAY_JSON_FIELD(p.account_proof, f.required("accountProof", nodes));
    CAUSEWAY_JSON_FIELD(p.balance, f.required("balance", decode_u256));
    CAUSEWAY_JSON_FIELD(p.code_hash, f.required("codeHash", decode_hash));
    CAUSEWAY_JSON_FIELD(p.nonce, f.required("nonce", decode_u64));
    CAUSEWAY_JSON_FIELD(p.storage_hash, f.required("storageHash", decode_hash));
    CAUSEWAY_JSON_FIELD(
        p.storage_proof, f.required("storageProof", [&](const json::value& a, std::string_view ap) {
            return decode_array<StorageProof>(
                a, ap, [&](const json::value& s, std::string_view sp) -> Result<StorageProof> {
                    auto so = as_object(s, sp);
                    if (!so) return std::unexpected(std::move(so.error()));
                    const Fields sf(**so, sp);
                    StorageProof out;
                    CAUSEWAY_JSON_FIELD(out.key, sf.required("key", decode_storage_key));
                    CAUSEWAY_JSON_FIELD(out.value, sf.required("value", decode_u256));
                    CAUSEWAY_JSON_FIELD(out.proof, sf.required("proof", nodes));
                    return out;
                });
        }));
    return p;
}

// ----- request objects -----

json::object to_json(const LogFilter& filter) {
    json::object o;
    if (filter.block_hash) o["blockHash"] = encode_data(*filter.block_hash);
    if (filter.from_block) o["fromBlock"] = to_json(*filter.from_block);
    if (filter.to_block) o["toBlock"] = to_json(*filter.to_block);
    if (filter.addresses.size() == 1) {
        o["address"] = encode_data(filter.addresses.front());
    } else if (!filter.addresses.empty()) {
        json::array a;
        for (const auto& addr : filter.addresses) a.emplace_back(encode_data(addr));
        o["address"] = std::move(a);
    }
    if (!filter.topics.empty()) {
        json::array topics;
        for (const auto& position : filter.topics) {
            if (position.empty()) {
                topics.emplace_back(nullptr);
            } else if (position.size() == 1) {
                topics.emplace_back(encode_data(position.front()));
            } else {
                json::array any;
                for (const auto& t : position) any.emplace_back(encode_data(t));
                topics.emplace_back(std::move(any));
            }
        }
        o["topics"] = std::move(topics);
    }
    return o;
}

json::object to_json(const CallRequest& call) {
    json::object o;
    if (call.from) o["from"] = encode_data(*call.from);
    if (call.to) o["to"] = encode_data(*call.to);
    if (call.gas) o["gas"] = encode_quantity(*call.gas);
    if (call.gas_price) o["gasPrice"] = encode_quantity(*call.gas_price);
    if (call.max_fee_per_gas) o["maxFeePerGas"] = encode_quantity(*call.max_fee_per_gas);
    if (call.max_priority_fee_per_gas)
        o["maxPriorityFeePerGas"] = encode_quantity(*call.max_priority_fee_per_gas);
    if (call.value) o["value"] = encode_quantity(*call.value);
    if (!call.data.empty()) o["data"] = encode_data(call.data);
    return o;
}

#undef CAUSEWAY_JSON_FIELD

}  // namespace causeway::jsonrpc
