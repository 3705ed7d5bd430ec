#include "chain/trusted_head.hpp"

#include <algorithm>
#include <map>

#include "core/hex.hpp"

namespace causeway::chain {
namespace {

// The header's hash from its RLP, when the endpoint's own claim (if any) matches it.
std::optional<Hash> checked_hash(const BlockHeader& header, std::string& problem) {
    const Hash computed = jsonrpc::compute_hash(header);
    if (header.hash && *header.hash != computed) {
        problem = "its header " + std::to_string(header.number) + " claims hash " + to_hex(*header.hash) +
                  " but hashes to " + to_hex(computed);
        return std::nullopt;
    }
    return computed;
}

std::string tag_name(BlockTag tag) {
    return jsonrpc::to_string(BlockId(tag));
}

}  // namespace

QuorumResult quorum_head(std::span<ChainClient* const> endpoints, const QuorumSettings& settings) {
    QuorumResult result;
    for (ChainClient* client : endpoints)
        result.reports.push_back(EndpointReport{client->endpoint(), {}, {}, {}});
    if (settings.quorum == 0 || endpoints.size() < settings.quorum) {
        result.verdict = QuorumVerdict::kTooFewEndpoints;
        return result;
    }

    // Each endpoint's tagged block.
    std::vector<std::optional<BlockHeader>> tagged(endpoints.size());
    for (std::size_t i = 0; i < endpoints.size(); ++i) {
        auto& report = result.reports[i];
        const auto header = endpoints[i]->header_by_number(BlockId(settings.tag));
        if (!header) {
            report.problem = header.error().to_string();
        } else if (!*header) {
            report.problem = "no " + tag_name(settings.tag) + " block";
        } else {
            report.tagged = (*header)->number;
            tagged[i] = **header;
        }
    }
    std::vector<uint64_t> numbers;
    for (const auto& r : result.reports) {
        if (r.tagged) numbers.push_back(*r.tagged);
    }
    if (numbers.size() < settings.quorum) return result;
    // The highest number that `quorum` endpoints have reached.
    std::sort(numbers.begin(), numbers.end(), std::greater<>());
    const uint64_t candidate = numbers[settings.quorum - 1];

    std::map<Hash, std::vector<std::size_t>> votes;
    for (std::size_t i = 0; i < endpoints.size(); ++i) {
        auto& report = result.reports[i];
        if (!report.tagged || *report.tagged < candidate) continue;
        std::optional<BlockHeader> header = std::move(tagged[i]);
        if (report.tagged != candidate) {
            auto at = endpoints[i]->header_by_number(BlockId::number(candidate));
            header.reset();
            if (!at) {
                report.problem = at.error().to_string();
            } else if (!*at || (*at)->number != candidate) {
                report.problem = "no header for block " + std::to_string(candidate);
            } else {
                header = std::move(**at);
            }
        }
        if (!header) continue;
        report.hash = checked_hash(*header, report.problem);
        if (report.hash) votes[*report.hash].push_back(i);
    }
    const auto winner = std::max_element(votes.begin(), votes.end(), [](const auto& a, const auto& b) {
        return a.second.size() < b.second.size();
    });
    if (winner == votes.end() || winner->second.size() < settings.quorum) {
        for (auto& r : result.reports) {
            if (r.hash && votes.size() > 1)
                r.problem = "the endpoints' hashes for block " + std::to_string(candidate) + " split";
        }
        return result;
    }
    for (std::size_t i = 0; i < endpoints.size(); ++i) {
        auto& report = result.reports[i];
        if (report.hash && *report.hash != winner->first) {
            report.problem = "disagrees with the quorum on block " + std::to_string(candidate) + ": " +
                             to_hex(*report.hash) + " against " + to_hex(winner->first);
            result.disagreeing.push_back(report.endpoint);
        }
    }
    result.verdict = QuorumVerdict::kAgreed;
    result.head = TrustedHead{candidate, winner->first,
                              "quorum of " + std::to_string(winner->second.size()) + " of " +
                                  std::to_string(endpoints.size()) + " endpoints on the " +
                                  tag_name(settings.tag) + " block"};
    return result;
}

TrustedHeadTracker::TrustedHeadTracker(std::optional<TrustedHead> checkpoint)
    : head_(std::move(checkpoint)) {}

TrustedHeadTracker::Update TrustedHeadTracker::update(const QuorumResult& result) {
    if (result.verdict != QuorumVerdict::kAgreed || !result.head) return Update::kNoQuorum;
    const std::lock_guard lock(mutex_);
    if (!head_ || result.head->number > head_->number) {
        head_ = result.head;
        return Update::kAdvanced;
    }
    if (result.head->number == head_->number && result.head->hash != head_->hash) return Update::kConflict;
    return Update::kUnchanged;
}

std::optional<TrustedHead> TrustedHeadTracker::head() const {
    const std::lock_guard lock(mutex_);
    return head_;
}

std::string_view to_string(QuorumVerdict verdict) noexcept {
    switch (verdict) {
        case QuorumVerdict::kAgreed: return "agreed";
        case QuorumVerdict::kNoQuorum: return "no quorum";
        case QuorumVerdict::kTooFewEndpoints: return "too few endpoints";
    }
    return "unknown";
}

std::string_view to_string(TrustedHeadTracker::Update update) noexcept {
    switch (update) {
        case TrustedHeadTracker::Update::kAdvanced: return "advanced";
        case TrustedHeadTracker::Update::kUnchanged: return "unchanged";
        case TrustedHeadTracker::Update::kNoQuorum: return "no quorum";
        case TrustedHeadTracker::Update::kConflict: return "conflict";
    }
    return "unknown";
}

}  // namespace causeway::chain
