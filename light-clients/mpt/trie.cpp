// Trie roots (and proofs) built from a whole key set: sort the keys, then encode each node from the
// range of keys below it, bottom up (Yellow Paper appendix D). Nodes under 32 bytes are embedded in
// their parent; the root is always hashed.
#include <algorithm>
#include <numeric>

#include "core/keccak.hpp"
#include "core/rlp.hpp"
#include "light-clients/mpt/proof.hpp"

namespace causeway::mpt {

namespace {

struct Leaf {
    Bytes nibbles;
    ByteView value;
};

Bytes to_nibbles(ByteView key) {
    Bytes out(key.size() * 2, 0);
    for (std::size_t i = 0; i < key.size(); ++i) {
        out[2 * i] = key[i] >> 4;
        out[2 * i + 1] = key[i] & 0x0f;
    }
    return out;
}

// Sorted by key, one entry per key (the last one given), without deleted (empty) values.
std::vector<Leaf> prepare(std::span<const std::pair<Bytes, Bytes>> entries) {
    std::vector<std::size_t> order(entries.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    // By key, then by position: equal keys keep their order, and the last one wins below.
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        const int c = entries[a].first.compare(entries[b].first);
        return c != 0 ? c < 0 : a < b;
    });
    std::vector<Leaf> leaves;
    leaves.reserve(entries.size());
    for (std::size_t i = 0; i < order.size(); ++i) {
        const auto& [key, value] = entries[order[i]];
        if (i + 1 < order.size() && entries[order[i + 1]].first == key) continue;  // replaced later
        if (value.empty()) continue;                                               // deleted
        leaves.push_back(Leaf{to_nibbles(key), value});
    }
    return leaves;
}

// Hex-prefix encoding (appendix C) of nibbles [from, to) of `nibbles`.
Bytes hex_prefix(const Bytes& nibbles, std::size_t from, std::size_t to, bool leaf) {
    const std::size_t n = to - from;
    Bytes out;
    out.reserve(n / 2 + 1);
    const uint8_t flag = (leaf ? 2 : 0) | (n & 1);
    std::size_t i = from;
    if (n & 1) {
        out.push_back(static_cast<uint8_t>(flag << 4 | nibbles[i++]));
    } else {
        out.push_back(static_cast<uint8_t>(flag << 4));
    }
    for (; i < to; i += 2) out.push_back(static_cast<uint8_t>(nibbles[i] << 4 | nibbles[i + 1]));
    return out;
}

Bytes list(const Bytes& payload) {
    Bytes out;
    rlp::encode_header(out, {true, payload.size()});
    out += payload;
    return out;
}

class Builder {
  public:
    Builder(const std::vector<Leaf>& leaves, const Bytes* target,
            std::vector<std::pair<std::size_t, Bytes>>* proof)
        : leaves_(leaves), target_(target), proof_(proof) {}

    // The encoding of the node holding leaves [b, e), which share their first `depth` nibbles.
    Bytes node(std::size_t b, std::size_t e, std::size_t depth) {
        Bytes out;
        if (e - b == 1) {
            const Leaf& leaf = leaves_[b];
            Bytes payload;
            rlp::encode(payload, hex_prefix(leaf.nibbles, depth, leaf.nibbles.size(), true));
            rlp::encode(payload, leaf.value);
            out = list(payload);
        } else {
            // Sorted keys: the first and last share what all share.
            const Bytes& first = leaves_[b].nibbles;
            const Bytes& last = leaves_[e - 1].nibbles;
            std::size_t common = depth;
            while (common < first.size() && common < last.size() && first[common] == last[common]) ++common;
            if (common == depth) return branch(b, e, depth);
            Bytes payload;
            rlp::encode(payload, hex_prefix(first, depth, common, false));
            append_ref(payload, branch(b, e, common));
            out = list(payload);
        }
        record(b, depth, out);
        return out;
    }

  private:
    Bytes branch(std::size_t b, std::size_t e, std::size_t depth) {
        Bytes payload;
        std::optional<ByteView> value;
        if (leaves_[b].nibbles.size() == depth) value = leaves_[b++].value;  // a key ending here
        for (uint8_t n = 0; n < 16; ++n) {
            std::size_t end = b;
            while (end < e && leaves_[end].nibbles[depth] == n) ++end;
            if (end == b) {
                payload.push_back(0x80);
            } else {
                append_ref(payload, node(b, end, depth + 1));
            }
            b = end;
        }
        rlp::encode(payload, value.value_or(ByteView{}));
        Bytes out = list(payload);
        record(b - 1, depth, out);  // any leaf of the range shares the first `depth` nibbles
        return out;
    }

    static void append_ref(Bytes& payload, const Bytes& child) {
        if (child.size() < 32) {
            payload += child;
        } else {
            rlp::encode(payload, keccak256(child).view());
        }
    }

    // Keeps the node for the proof when it is on the target key's path and hashed (or the root).
    void record(std::size_t leaf, std::size_t depth, const Bytes& encoding) {
        if (!proof_ || (depth != 0 && encoding.size() < 32)) return;
        const Bytes& key = leaves_[leaf].nibbles;
        if (target_->size() < depth || !std::equal(key.begin(), key.begin() + depth, target_->begin()))
            return;
        proof_->emplace_back(depth, encoding);
    }

    const std::vector<Leaf>& leaves_;
    const Bytes* target_;
    std::vector<std::pair<std::size_t, Bytes>>* proof_;
};

}  // namespace

Hash trie_root(std::span<const std::pair<Bytes, Bytes>> entries) {
    const std::vector<Leaf> leaves = prepare(entries);
    if (leaves.empty()) return empty_root();
    Builder builder(leaves, nullptr, nullptr);
    return keccak256(builder.node(0, leaves.size(), 0));
}

Hash ordered_trie_root(std::span<const Bytes> values) {
    std::vector<std::pair<Bytes, Bytes>> entries;
    entries.reserve(values.size());
    for (std::size_t i = 0; i < values.size(); ++i) {
        Bytes key;
        rlp::encode(key, static_cast<uint64_t>(i));
        entries.emplace_back(std::move(key), values[i]);
    }
    return trie_root(entries);
}

std::vector<Bytes> trie_proof(std::span<const std::pair<Bytes, Bytes>> entries, ByteView key) {
    const std::vector<Leaf> leaves = prepare(entries);
    if (leaves.empty()) return {};
    const Bytes target = to_nibbles(key);
    std::vector<std::pair<std::size_t, Bytes>> path;
    Builder builder(leaves, &target, &path);
    // Built for the nodes it records on its way to `target`; the root's own encoding is not needed.
    (void)builder.node(0, leaves.size(), 0);
    // Each node on the path sits at its own depth.
    std::sort(path.begin(), path.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<Bytes> out;
    out.reserve(path.size());
    for (auto& [depth, encoding] : path) out.push_back(std::move(encoding));
    return out;
}

}  // namespace causeway::mpt
