#include "cli/commands/keys.hpp"

#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>

#include "cli/commands/command_error.hpp"

namespace causeway::cli {

namespace {

std::string octal_mode(mode_t mode) {
    char buf[8];
    std::snprintf(buf, sizeof(buf), "%04o", static_cast<unsigned>(mode & 07777));
    return buf;
}

void wipe(std::string& s) {
    volatile char* p = s.data();
    for (std::size_t i = 0; i < s.size(); ++i) p[i] = 0;
    s.clear();
}

PrivateKey parse_key(std::string& text, const std::string& source) {
    auto key = PrivateKey::from_hex(text);
    wipe(text);
    // Say what is wrong without echoing any of the secret.
    if (!key)
        throw CommandError(source + " does not hold a private key (64 hex digits, optionally 0x-prefixed)");
    return *key;
}

}  // namespace

LoadedKey load_private_key(const std::optional<std::filesystem::path>& key_file, std::ostream& warnings,
                           std::string_view env) {
    if (key_file) {
        const std::string path = key_file->string();
        const std::string source = "key file " + path;
        struct stat st {};
        if (::stat(path.c_str(), &st) != 0) {
            throw CommandError("cannot read " + source + ": " + std::strerror(errno));
        }
        if (!S_ISREG(st.st_mode)) throw CommandError(source + " is not a regular file");
        if ((st.st_mode & S_IRWXO) != 0) {
            throw CommandError(source + " is accessible by other users (mode " + octal_mode(st.st_mode) +
                               "); restrict it with: chmod 600 " + path);
        }
        if ((st.st_mode & S_IRWXG) != 0) {
            warnings << "warning: " << source << " is accessible by its group (mode "
                     << octal_mode(st.st_mode) << "); chmod 600 " << path << " is recommended" << std::endl;
        }
        std::ifstream in(*key_file, std::ios::binary);
        if (!in) throw CommandError("cannot read " + source);
        std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        if (text.size() > 1024) {
            wipe(text);
            throw CommandError(source + " is too large to hold a private key");
        }
        return LoadedKey{parse_key(text, source), source};
    }

    const std::string name(env);
    char* value = std::getenv(name.c_str());
    if (value == nullptr || *value == '\0') {
        throw CommandError("no signing key: pass --key-file PATH (mode 0600) or set " + name);
    }
    std::string text(value);
    // Overwrite the environment's copy, then drop the variable.
    std::memset(value, 0, std::strlen(value));
    ::unsetenv(name.c_str());
    const std::string source = "$" + name;
    return LoadedKey{parse_key(text, source), source};
}

}  // namespace causeway::cli
