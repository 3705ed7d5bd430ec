#include "cli/commands/verify_checkpoint.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <boost/json.hpp>
#include <iostream>
#include <memory>
#include <optional>

#include "cli/commands/verify.hpp"
#include "core/hex.hpp"
#include "light-clients/committee/checkpoint.hpp"

namespace causeway::cli {

namespace {

namespace committee = causeway::committee;

// A value that does not parse: reported on stderr, exit 2.
struct UsageError {
    std::string message;
};

Hash parse_hash(std::string_view option, const std::string& text) {
    auto h = hash_from_hex(text);
    if (!h) throw UsageError{std::string(option) + " " + text + ": " + h.error().message()};
    return *h;
}

Address parse_address(std::string_view option, const std::string& text) {
    auto a = address_from_hex(text);
    if (!a) throw UsageError{std::string(option) + " " + text + ": " + a.error().message()};
    return *a;
}

// The hook as the domain hash takes it (bytes32): an EVM address is left-padded.
Hash parse_hook(const std::string& text) {
    if (text.size() == 42) return Hash::left_padded(parse_address("--merkle-hook", text).view());
    return parse_hash("--merkle-hook", text);
}

boost::json::array describe_signatures(const committee::Metadata& metadata, const Hash& digest,
                                       const committee::ValidatorSet& set) {
    // For the operator: who signed, in the order given. This recovers again, apart from the verdict.
    boost::json::array out;
    const auto validators = set.validators();
    for (std::size_t i = 0; i < metadata.signatures.size(); ++i) {
        boost::json::object s;
        s["position"] = i;
        s["counted"] = i < set.threshold();
        const auto sig = committee::from_rsv(metadata.signatures[i].view());
        const auto signer = sig ? recover_address(digest, *sig)
                                : std::expected<Address, CryptoError>(std::unexpect, sig.error());
        if (!signer) {
            s["error"] = to_string(signer.error());
        } else {
            s["signer"] = to_checksum_hex(*signer);
            const auto it = std::find(validators.begin(), validators.end(), *signer);
            if (it == validators.end()) {
                s["validator"] = nullptr;
            } else {
                s["validator"] = static_cast<std::size_t>(it - validators.begin());
            }
        }
        out.push_back(std::move(s));
    }
    return out;
}

}  // namespace

int run_verify_checkpoint(const VerifyCheckpointArgs& args, std::ostream& out, std::ostream& err) {
    committee::Checkpoint checkpoint;
    Bytes metadata;
    std::optional<committee::ValidatorSet> set;
    try {
        checkpoint.origin = args.origin;
        checkpoint.merkle_tree_hook = parse_hook(args.merkle_hook);
        checkpoint.root = parse_hash("--root", args.root);
        checkpoint.index = args.index;
        checkpoint.message_id = parse_hash("--message-id", args.message_id);
        auto bytes = from_hex(args.metadata);
        if (!bytes) throw UsageError{"--metadata: " + bytes.error().message()};
        metadata = std::move(*bytes);
        std::vector<Address> validators;
        for (const auto& v : args.validators) validators.push_back(parse_address("--validators", v));
        auto created = committee::ValidatorSet::create(std::move(validators), args.threshold);
        if (!created)
            throw UsageError{"--validators/--threshold: " + std::string(to_string(created.error()))};
        set = std::move(*created);
    } catch (const UsageError& e) {
        err << "causeway verify checkpoint: error: " << e.message << std::endl;
        return kVerifyUsage;
    }

    const committee::Verdict verdict = committee::verify_checkpoint(checkpoint, metadata, *set);
    const Hash digest = committee::digest(checkpoint);

    boost::json::object result;
    result["valid"] = verdict == committee::Verdict::kValid;
    result["rule"] = committee::rule_name(verdict);
    result["reason"] = committee::to_string(verdict);
    result["checkpoint"] = {{"origin", checkpoint.origin},
                            {"merkle_tree_hook", to_hex(checkpoint.merkle_tree_hook)},
                            {"root", to_hex(checkpoint.root)},
                            {"index", checkpoint.index},
                            {"message_id", to_hex(checkpoint.message_id)}};
    result["domain_hash"] = to_hex(committee::domain_hash(checkpoint.origin, checkpoint.merkle_tree_hook));
    result["signing_hash"] = to_hex(committee::signing_hash(checkpoint));
    result["digest"] = to_hex(digest);
    result["threshold"] = set->threshold();
    result["validators"] = set->validators().size();
    ByteView in = metadata;
    if (auto decoded = committee::decode_metadata(in)) {
        result["metadata"] = {{"merkle_tree_hook", to_hex(decoded->merkle_tree_hook)},
                              {"root", to_hex(decoded->root)},
                              {"index", decoded->index},
                              {"signatures", describe_signatures(*decoded, digest, *set)}};
    } else {
        result["metadata_error"] = committee::to_string(decoded.error());
    }
    out << boost::json::serialize(result) << std::endl;
    return verdict == committee::Verdict::kValid ? kVerifyValid : kVerifyInvalid;
}

}  // namespace causeway::cli
