#include "tests/support/vectors.hpp"

#include <zlib.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>
#include <stdexcept>

#include "core/hex.hpp"

#ifndef CAUSEWAY_SOURCE_DIR
#error "CAUSEWAY_SOURCE_DIR must be defined"
#endif

namespace causeway::test {

std::filesystem::path source_dir() {
    return CAUSEWAY_SOURCE_DIR;
}

std::optional<std::filesystem::path> vectors_dir() {
    static const std::optional<std::filesystem::path> dir = []() -> std::optional<std::filesystem::path> {
        std::filesystem::path p;
        if (const char* env = std::getenv("CAUSEWAY_VECTORS"); env && *env)
            p = env;
        else
            p = source_dir() / ".." / "shared" / "vectors";
        if (std::filesystem::is_directory(p)) return std::filesystem::canonical(p);
        std::cerr << "test vectors not found at " << p << " (set CAUSEWAY_VECTORS); vector tests skip\n";
        return std::nullopt;
    }();
    return dir;
}

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot open " + path.string());
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::string gunzip(std::string_view compressed) {
    z_stream zs{};
    if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) throw std::runtime_error("inflateInit2 failed");
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
    zs.avail_in = static_cast<uInt>(compressed.size());
    std::string out;
    char buf[1 << 16];
    int rc;
    do {
        zs.next_out = reinterpret_cast<Bytef*>(buf);
        zs.avail_out = sizeof(buf);
        rc = inflate(&zs, Z_NO_FLUSH);
        if (rc != Z_OK && rc != Z_STREAM_END) {
            inflateEnd(&zs);
            throw std::runtime_error("gzip data is corrupt");
        }
        out.append(buf, sizeof(buf) - zs.avail_out);
    } while (rc != Z_STREAM_END);
    inflateEnd(&zs);
    return out;
}

std::string read_vector_file(std::string_view relative) {
    const auto dir = vectors_dir();
    if (!dir) throw std::runtime_error("test vectors not found");
    std::string data = read_file(*dir / relative);
    if (relative.ends_with(".gz")) return gunzip(data);
    return data;
}

boost::json::value read_vector_json(std::string_view relative) {
    return boost::json::parse(read_vector_file(relative));
}

void report_cases(std::string_view relative, std::size_t count) {
    static std::mutex m;
    std::lock_guard lock(m);
    std::cout << "vectors: " << relative << ": " << count << " cases" << std::endl;
    // scripts/run-tests collects these lines from every test process into one summary.
    if (const char* report = std::getenv("CAUSEWAY_REPORT_FILE"); report && *report) {
        std::ofstream(report, std::ios::app) << relative << ": " << count << " cases\n";
    }
}

Bytes bytes_from_any_hex(std::string_view text) {
    auto b = from_hex(text, HexPrefix::kOptional);
    if (!b) throw std::runtime_error("bad hex in vector: " + std::string(text.substr(0, 80)));
    return *b;
}

std::string json_string(const boost::json::value& v) {
    return std::string(v.as_string());
}

Hash hash_of(const boost::json::value& v) {
    auto h = hash_from_hex(json_string(v));
    if (!h) throw std::runtime_error("not a 32-byte hex value: " + json_string(v));
    return *h;
}

Address address_of(const boost::json::value& v) {
    auto a = address_from_hex(json_string(v));
    if (!a) throw std::runtime_error("not an address: " + json_string(v));
    return *a;
}

Bytes bytes_of(const boost::json::value& v) {
    auto b = from_hex(json_string(v));
    if (!b) throw std::runtime_error("not 0x-hex: " + json_string(v));
    return *std::move(b);
}

}  // namespace causeway::test
