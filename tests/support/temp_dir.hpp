// A fresh temporary folder for a test, removed with everything in it when the object goes.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace causeway::test {

class TempDir {
  public:
    explicit TempDir(std::string_view prefix = "causeway-test");
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    // Writes `content` to `name` inside the folder (with `mode`, when given) and returns its path.
    std::filesystem::path write(const std::string& name, std::string_view content,
                                std::optional<std::filesystem::perms> mode = std::nullopt) const;
    [[nodiscard]] const std::filesystem::path& path() const noexcept { return dir_; }

  private:
    std::filesystem::path dir_;
};

}  // namespace causeway::test
