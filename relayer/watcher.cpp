#include "relayer/watcher.hpp"

#include <algorithm>
#include <set>

#include "core/abi.hpp"
#include "core/hex.hpp"
#include "core/message.hpp"

namespace causeway::relayer {
namespace {

using chain::BlockId;

// Mailbox: Dispatch(address indexed sender, uint32 indexed destination, bytes32 indexed recipient,
// bytes message).
const Hash& dispatch_topic() {
    static const Hash topic = abi::event_topic("Dispatch(address,uint32,bytes32,bytes)");
    return topic;
}

WatchError rpc_error(std::string what, const chain::RpcError& e) {
    return WatchError{std::move(what) + ": " + e.to_string(), e};
}

}  // namespace

std::string Watcher::stream_name(const Address& mailbox) {
    return "mailbox " + to_hex(mailbox);
}

Watcher::Watcher(chain::ChainClient& chain, db::Connection& conn, WatcherSettings settings)
    : chain_(chain),
      settings_(std::move(settings)),
      store_(conn, settings_.chain_id, stream_name(settings_.mailbox)) {
    if (settings_.confirmations == 0) settings_.confirmations = 1;
    if (settings_.max_range == 0) settings_.max_range = 1;
}

std::expected<std::optional<WatchStep>, WatchError> Watcher::step() {
    WatchStep result;
    if (!state_loaded_) {
        state_ = store_.load(settings_.keep_blocks);
        state_loaded_ = true;
    }
    const auto& state = state_;
    uint64_t next = state ? state->next_block : settings_.start_block;

    // The newest remembered block still on the chain? Otherwise walk back to the newest that is.
    if (state && !state->recent.empty()) {
        chain::Batch batch;
        std::vector<chain::Pending<std::optional<chain::BlockHeader>>> canonical;
        const auto& recent = state->recent;
        canonical.push_back(
            batch.add(chain::calls::header_by_number(BlockId::number(recent.front().number))));
        chain_.execute(batch);
        const auto newest = canonical.front().get();
        if (!newest)
            return std::unexpected(
                rpc_error("block " + std::to_string(recent.front().number), newest.error()));
        const bool same = *newest && jsonrpc::compute_hash(**newest) == recent.front().hash;
        if (!same) {
            chain::Batch older;
            std::vector<chain::Pending<std::optional<chain::BlockHeader>>> headers;
            for (std::size_t i = 1; i < recent.size(); ++i)
                headers.push_back(
                    older.add(chain::calls::header_by_number(BlockId::number(recent[i].number))));
            if (older.size() > 0) chain_.execute(older);
            for (std::size_t i = 1; i < recent.size() && !result.fork; ++i) {
                const auto h = headers[i - 1].get();
                if (!h)
                    return std::unexpected(rpc_error("block " + std::to_string(recent[i].number), h.error()));
                if (*h && jsonrpc::compute_hash(**h) == recent[i].hash) result.fork = recent[i].number;
            }
            // With no remembered block left on the chain, everything from the oldest one is read again.
            const uint64_t restart = result.fork ? *result.fork + 1 : recent.back().number;
            result.reorg = true;
            state_loaded_ = false;  // the store moved back: read it again after the rewind
            result.orphaned = store_.rewind(settings_.domain, result.fork, restart);
            next = restart;
        }
    }

    const auto head = chain_.block_number();
    if (!head) return std::unexpected(rpc_error("eth_blockNumber", head.error()));
    if (*head + 1 < settings_.confirmations) return result.reorg ? std::optional(result) : std::nullopt;
    const uint64_t confirmed = *head + 1 - settings_.confirmations;
    if (next > confirmed) return result.reorg ? std::optional(result) : std::nullopt;
    const uint64_t to = std::min(confirmed, next + settings_.max_range - 1);

    // The range's last header first: its hash is remembered, and logs read after it that name
    // another hash for it mean the chain moved meanwhile.
    const auto end = chain_.header_by_number(BlockId::number(to));
    if (!end) return std::unexpected(rpc_error("block " + std::to_string(to), end.error()));
    if (!*end) return std::unexpected(WatchError{"block " + std::to_string(to) + " is not available", {}});
    const Hash end_hash = jsonrpc::compute_hash(**end);

    jsonrpc::LogFilter filter;
    filter.from_block = next;
    filter.to_block = to;
    filter.addresses = {settings_.mailbox};
    filter.topics = {{dispatch_topic()}};
    const auto logs = chain_.get_logs(filter);
    if (!logs) return std::unexpected(rpc_error("eth_getLogs", logs.error()));

    const std::set<Hash> weighed(settings_.collateral_senders.begin(), settings_.collateral_senders.end());
    std::vector<db::NewMessage> messages;
    std::vector<db::WatchedBlock> blocks;
    for (const auto& log : *logs) {
        if (log.removed) continue;
        if (!log.block_number || !log.block_hash || !log.log_index || *log.block_number < next ||
            *log.block_number > to) {
            ++skipped_;
            continue;
        }
        if (*log.block_number == to && *log.block_hash != end_hash) {
            return std::unexpected(WatchError{
                "the chain changed while reading: block " + std::to_string(to) + " has another hash", {}});
        }
        const auto fields = abi::decode(*abi::parse_types("bytes"), log.data);
        const Bytes* bytes = fields && fields->size() == 1 ? fields->front().get_if<Bytes>() : nullptr;
        if (bytes == nullptr) {
            ++skipped_;
            continue;
        }
        ByteView view(*bytes);
        const auto message = decode_message(view);
        if (!message || !view.empty() || message->origin != settings_.domain) {
            ++skipped_;
            continue;
        }
        auto observed = db::observed_message(*message, *log.block_number, *log.block_hash,
                                             static_cast<uint32_t>(*log.log_index));
        if (!weighed.contains(message->sender)) observed.amount = 0;
        messages.push_back(std::move(observed));
        if (blocks.empty() || blocks.back().number != *log.block_number)
            blocks.push_back(db::WatchedBlock{*log.block_number, *log.block_hash});
    }
    if (blocks.empty() || blocks.back().number != to) blocks.push_back(db::WatchedBlock{to, end_hash});

    result.range = std::pair{next, to};
    result.messages = messages.size();
    try {
        result.enqueued = store_.commit(next, to, messages, blocks, settings_.keep_blocks);
    } catch (...) {
        state_loaded_ = false;
        throw;
    }
    // The store now holds the cursor after `to` and these blocks; keep the copy the same.
    if (state_loaded_) {
        if (!state_) state_ = db::WatchState{};
        state_->next_block = to + 1;
        state_->recent.insert(state_->recent.begin(), blocks.rbegin(), blocks.rend());
        while (!state_->recent.empty() && state_->recent.back().number + settings_.keep_blocks < to + 1)
            state_->recent.pop_back();
    }
    return result;
}

}  // namespace causeway::relayer
