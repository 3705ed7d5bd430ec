// Loading the signer's private key for CLI commands: from a key file that only its owner can
// read, or from $CAUSEWAY_PRIVATE_KEY. Never from the command line (argv is visible to every
// user through ps and /proc), and the key is never printed.
#pragma once

#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include "core/secp256k1.hpp"

namespace causeway::cli {

inline constexpr std::string_view kPrivateKeyEnv = "CAUSEWAY_PRIVATE_KEY";

struct LoadedKey {
    PrivateKey key;
    std::string source;  // "key file /path" or "$CAUSEWAY_PRIVATE_KEY", for messages
};

// From `key_file` when given, else from the variable `env` (erased from the environment once
// read, so child processes do not inherit it). Throws CommandError: for a key file that other
// users can access (group access only draws a warning on `warnings`), that is missing or not a
// regular file, or that does not hold 64 hex digits; when neither source is set.
[[nodiscard]] LoadedKey load_private_key(const std::optional<std::filesystem::path>& key_file,
                                         std::ostream& warnings, std::string_view env = kPrivateKeyEnv);

}  // namespace causeway::cli
