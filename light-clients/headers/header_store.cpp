#include "light-clients/headers/header_store.hpp"

#include <algorithm>

namespace causeway::headers {

std::string_view to_string(HeadRule r) noexcept {
    switch (r) {
        case HeadRule::kLongest: return "longest";
        case HeadRule::kHeaviest: return "heaviest";
    }
    return "unknown";
}

std::string_view to_string(InsertVerdict v) noexcept {
    switch (v) {
        case InsertVerdict::kAccepted: return "accepted";
        case InsertVerdict::kDuplicate: return "duplicate";
        case InsertVerdict::kConflictsWithFinalized: return "conflicts with finalized";
        case InsertVerdict::kUnknownParent: return "unknown parent";
        case InsertVerdict::kBadLink: return "bad link";
        case InsertVerdict::kStoreFull: return "store full";
    }
    return "unknown";
}

std::string_view to_string(FinalizeVerdict v) noexcept {
    switch (v) {
        case FinalizeVerdict::kFinalized: return "finalized";
        case FinalizeVerdict::kAlreadyFinalized: return "already finalized";
        case FinalizeVerdict::kUnknownHeader: return "unknown header";
        case FinalizeVerdict::kBelowFinalized: return "below finalized";
        case FinalizeVerdict::kAboveHead: return "above head";
    }
    return "unknown";
}

std::expected<HeaderStore, HeaderVerdict> HeaderStore::create(const BlockHeader& checkpoint,
                                                              const Hash& trusted_hash,
                                                              StoreOptions options) {
    if (const HeaderVerdict v = verify_header(checkpoint, trusted_hash); v != HeaderVerdict::kValid) {
        return std::unexpected(v);
    }
    HeaderStore store(options);
    Node root{.header = checkpoint, .children = {}, .total_difficulty = 0, .seq = store.next_seq_++};
    root.header.hash = trusted_hash;
    store.nodes_.emplace(trusted_hash, std::move(root));
    store.root_ = BlockRef{trusted_hash, checkpoint.number};
    store.head_ = store.root_;
    store.canonical_.push_back(trusted_hash);
    return store;
}

bool HeaderStore::better(const Node& a, const Node& b) const {
    if (options_.head_rule == HeadRule::kHeaviest && a.total_difficulty != b.total_difficulty) {
        return a.total_difficulty > b.total_difficulty;
    }
    return a.header.number > b.header.number;
}

BlockRef HeaderStore::ref(const Hash& hash) const {
    return BlockRef{hash, nodes_.at(hash).header.number};
}

InsertResult HeaderStore::insert(const BlockHeader& header) {
    InsertResult out;
    out.hash = compute_hash(header);
    if (nodes_.contains(out.hash)) {
        out.verdict = InsertVerdict::kDuplicate;
        return out;
    }
    if (header.number <= root_.number) {
        out.verdict = InsertVerdict::kConflictsWithFinalized;
        return out;
    }
    const auto parent = nodes_.find(header.parent_hash);
    if (parent == nodes_.end()) {
        out.verdict = InsertVerdict::kUnknownParent;
        return out;
    }
    out.link = verify_link(parent->second.header, parent->first, header, options_.link);
    if (out.link != LinkVerdict::kValid) {
        out.verdict = InsertVerdict::kBadLink;
        return out;
    }
    if (nodes_.size() >= options_.max_headers) {
        out.verdict = InsertVerdict::kStoreFull;
        return out;
    }
    Node node{.header = header,
              .children = {},
              .total_difficulty = parent->second.total_difficulty + header.difficulty,
              .seq = next_seq_++};
    node.header.hash = out.hash;
    parent->second.children.push_back(out.hash);
    const auto [it, inserted] = nodes_.emplace(out.hash, std::move(node));
    out.verdict = InsertVerdict::kAccepted;
    if (better(it->second, nodes_.at(head_.hash))) {
        out.new_head = true;
        out.reorg = set_head(out.hash);
    }
    return out;
}

std::optional<Reorg> HeaderStore::set_head(const Hash& tip) {
    // Walk back from the tip to the first canonical header: the common ancestor.
    std::vector<Hash> path;
    Hash at = tip;
    while (!is_canonical(at)) {
        path.push_back(at);
        at = nodes_.at(at).header.parent_hash;
    }
    const BlockRef ancestor = ref(at);
    const BlockRef old_head = head_;
    canonical_.resize(ancestor.number - root_.number + 1);
    for (auto p = path.rbegin(); p != path.rend(); ++p) canonical_.push_back(*p);
    head_ = ref(tip);
    if (ancestor == old_head) return std::nullopt;
    return Reorg{.depth = old_head.number - ancestor.number,
                 .old_head = old_head,
                 .new_head = head_,
                 .common_ancestor = ancestor};
}

FinalizeResult HeaderStore::finalize(uint64_t number) {
    FinalizeResult out;
    out.finalized = root_;
    if (number < root_.number) {
        out.verdict = FinalizeVerdict::kBelowFinalized;
        return out;
    }
    if (number > head_.number) {
        out.verdict = FinalizeVerdict::kAboveHead;
        return out;
    }
    return finalize(canonical_[number - root_.number]);
}

FinalizeResult HeaderStore::finalize(const Hash& hash) {
    FinalizeResult out;
    out.finalized = root_;
    if (hash == root_.hash) {
        out.verdict = FinalizeVerdict::kAlreadyFinalized;
        return out;
    }
    const auto found = nodes_.find(hash);
    if (found == nodes_.end()) {
        out.verdict = FinalizeVerdict::kUnknownHeader;
        return out;
    }
    // What survives: the new root and its descendants.
    std::vector<Hash> keep{hash};
    for (std::size_t i = 0; i < keep.size(); ++i) {
        const auto& children = nodes_.at(keep[i]).children;
        keep.insert(keep.end(), children.begin(), children.end());
    }
    if (!is_canonical(hash)) {
        // The head's branch loses: the best surviving tip (first seen among equals) takes over.
        const Node* best = nullptr;
        Hash best_hash;
        for (const Hash& h : keep) {
            const Node& n = nodes_.at(h);
            if (!n.children.empty()) continue;
            if (best == nullptr || better(n, *best) || (!better(*best, n) && n.seq < best->seq)) {
                best = &n;
                best_hash = h;
            }
        }
        out.reorg = set_head(best_hash);
    }
    // Drop everything else; the canonical list now starts at the new root.
    std::unordered_map<Hash, Node> kept;
    kept.reserve(keep.size());
    for (const Hash& h : keep) kept.emplace(h, std::move(nodes_.at(h)));
    out.pruned = nodes_.size() - kept.size();
    nodes_ = std::move(kept);
    const uint64_t number = nodes_.at(hash).header.number;
    canonical_.erase(canonical_.begin(),
                     canonical_.begin() + static_cast<std::ptrdiff_t>(number - root_.number));
    root_ = BlockRef{hash, number};
    out.finalized = root_;
    out.verdict = FinalizeVerdict::kFinalized;
    return out;
}

const BlockHeader* HeaderStore::find(const Hash& hash) const {
    const auto it = nodes_.find(hash);
    return it == nodes_.end() ? nullptr : &it->second.header;
}

std::optional<Hash> HeaderStore::canonical_hash(uint64_t number) const {
    if (number < root_.number || number > head_.number) return std::nullopt;
    return canonical_[number - root_.number];
}

bool HeaderStore::is_canonical(const Hash& hash) const {
    const auto it = nodes_.find(hash);
    if (it == nodes_.end()) return false;
    const uint64_t n = it->second.header.number;
    // During set_head the canonical list may be shorter than the head's number.
    if (n < root_.number || n - root_.number >= canonical_.size()) return false;
    return canonical_[n - root_.number] == hash;
}

std::vector<BlockRef> HeaderStore::tips() const {
    std::vector<BlockRef> out;
    for (const auto& [hash, node] : nodes_) {
        if (node.children.empty()) out.push_back(BlockRef{hash, node.header.number});
    }
    std::sort(out.begin(), out.end(), [](const BlockRef& a, const BlockRef& b) {
        return a.number != b.number ? a.number > b.number : a.hash < b.hash;
    });
    return out;
}

}  // namespace causeway::headers
