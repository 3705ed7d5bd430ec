#include "tests/support/temp_dir.hpp"

#include <stdlib.h>

#include <fstream>
#include <stdexcept>

namespace causeway::test {

TempDir::TempDir(std::string_view prefix) {
    std::string t = (std::filesystem::temp_directory_path() / (std::string(prefix) + "-XXXXXX")).string();
    if (mkdtemp(t.data()) == nullptr) throw std::runtime_error("mkdtemp failed for " + t);
    dir_ = t;
}

TempDir::~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
}

std::filesystem::path TempDir::write(const std::string& name, std::string_view content,
                                     std::optional<std::filesystem::perms> mode) const {
    const std::filesystem::path p = dir_ / name;
    std::ofstream(p, std::ios::binary) << content;
    if (mode) std::filesystem::permissions(p, *mode);
    return p;
}

}  // namespace causeway::test
