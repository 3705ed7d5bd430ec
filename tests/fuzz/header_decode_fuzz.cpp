// Fuzzes block header decoding (core/block_header.hpp) and the header light client
// (light-clients/headers/) and checks properties that hold for every input.
//
// The header decoder accepts only the field counts of real forks, canonical integers and exact fixed
// sizes, so each header has one accepted encoding: whatever decodes must re-encode to exactly the bytes
// it consumed. Otherwise two byte strings would decode to one header with two hashes, and a light
// client comparing keccak256(input) with a trusted hash could be fooled about what it verified.
//
// Properties:
//  * decode ok => encode(header) == the consumed bytes, decoding them again gives the same header,
//    its layout is the field count of the consumed list, and compute_hash == keccak256(consumed);
//  * verify_header(consumed, that hash) is kValid with the same header; against another hash it is
//    kHashMismatch; with a byte appended, kTrailingBytes; with one byte changed, never kValid;
//  * decode fails => verify_header(input) reports the verdict of that error and no header;
//  * the checkpoint store accepts the decoded header as a checkpoint and a child built on it, and the
//    OP Stack and Arbitrum readers do not crash on it.
#include <cstddef>
#include <cstdint>

#include "core/block_header.hpp"
#include "core/keccak.hpp"
#include "core/rlp.hpp"
#include "light-clients/headers/arbitrum_header.hpp"
#include "light-clients/headers/ethereum_header.hpp"
#include "light-clients/headers/header_store.hpp"
#include "light-clients/headers/opstack_header.hpp"
#include "tests/fuzz/fuzz_check.hpp"

namespace {

using namespace causeway;
using namespace causeway::headers;

std::size_t field_count(ByteView header_rlp) {
    auto list = rlp::decode_list(header_rlp);
    CAUSEWAY_CHECK(list.has_value());
    std::vector<ByteView> items;
    CAUSEWAY_CHECK(rlp::decode_list_items(*list, items).has_value());
    return items.size();
}

void check_store(const BlockHeader& header, const Hash& hash) {
    auto store = HeaderStore::create(header, hash);
    CAUSEWAY_CHECK(store.has_value());
    CAUSEWAY_CHECK(store->head().hash == hash);
    BlockHeader child = header;
    child.hash.reset();
    child.parent_hash = hash;
    child.number = header.number + 1;
    child.timestamp = header.timestamp + 1;
    child.gas_used = std::min(child.gas_used, child.gas_limit);
    const InsertResult r = store->insert(child);
    if (header.number == UINT64_MAX || header.timestamp == UINT64_MAX) {
        CAUSEWAY_CHECK(r.verdict != InsertVerdict::kAccepted);
        return;
    }
    CAUSEWAY_CHECK(r.verdict == InsertVerdict::kAccepted);
    CAUSEWAY_CHECK(r.new_head && !r.reorg);
    CAUSEWAY_CHECK(store->head().hash == r.hash);
    CAUSEWAY_CHECK(store->insert(child).verdict == InsertVerdict::kDuplicate);
    const FinalizeResult f = store->finalize(r.hash);
    CAUSEWAY_CHECK(f.verdict == FinalizeVerdict::kFinalized && f.pruned == 1 && store->size() == 1);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    const ByteView input{data, size};
    ByteView rest = input;
    auto header = decode_header(rest);
    if (!header) {
        CAUSEWAY_CHECK(rest.size() == input.size());  // nothing consumed on failure
        const HeaderCheck c = verify_header(input, Hash{});
        CAUSEWAY_CHECK(c.verdict == verdict_of(header.error()));
        CAUSEWAY_CHECK(c.verdict != HeaderVerdict::kValid && c.verdict != HeaderVerdict::kHashMismatch);
        CAUSEWAY_CHECK(!c.header && !c.computed && c.decode_error == header.error());
        return 0;
    }
    const ByteView raw = input.substr(0, input.size() - rest.size());
    CAUSEWAY_CHECK(!header->hash);

    const Bytes encoded = encode_header(*header);
    CAUSEWAY_CHECK(ByteView{encoded} == raw);
    ByteView again_in = encoded;
    auto again = decode_header(again_in);
    CAUSEWAY_CHECK(again && again_in.empty() && *again == *header);
    const auto layout = layout_of(*header);
    CAUSEWAY_CHECK(layout && static_cast<std::size_t>(*layout) == field_count(raw));
    const Hash hash = compute_hash(*header);
    CAUSEWAY_CHECK(hash == keccak256(raw));

    const HeaderCheck ok = verify_header(raw, hash);
    CAUSEWAY_CHECK(ok.verdict == HeaderVerdict::kValid && ok.header && *ok.header == *header);
    CAUSEWAY_CHECK(ok.computed == hash && !ok.decode_error);
    CAUSEWAY_CHECK(verify_header(*header, hash) == HeaderVerdict::kValid);
    Hash other = hash;
    other[0] ^= 0x80;
    CAUSEWAY_CHECK(verify_header(raw, other).verdict == HeaderVerdict::kHashMismatch);
    Bytes longer(raw);
    longer.push_back(0x80);
    CAUSEWAY_CHECK(verify_header(longer, hash).verdict == HeaderVerdict::kTrailingBytes);
    // One changed byte, chosen by the hash: never accepted against the true hash.
    Bytes changed(raw);
    changed[hash[1] % changed.size()] ^= static_cast<uint8_t>(hash[2] | 1);
    CAUSEWAY_CHECK(verify_header(changed, hash).verdict != HeaderVerdict::kValid);

    check_store(*header, hash);
    (void)verify_op_header(*header);
    (void)decode_op_extra_data(header->extra_data);
    (void)op_message_passer_root(*header);
    if (auto info = arbitrum_header_info(*header)) {
        CAUSEWAY_CHECK(verify_arbitrum_claims(*header, ArbitrumClaims{info->send_root, info->send_count,
                                                                      info->l1_block_number}) ==
                       ArbitrumVerdict::kValid);
    }
    return 0;
}
