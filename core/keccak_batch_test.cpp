// Every batched keccak256 path this CPU supports, each called by its own name, against keccak256
// (Crypto++) message by message and against known answers. The paths that ran are printed
// ("vectors: keccak256_batch: <path>: <n> cases") and required to include every supported one.
#include <algorithm>
#include <catch2/catch.hpp>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "core/hex.hpp"
#include "core/keccak.hpp"
#include "core/keccak_batch.hpp"
#include "tests/support/vectors.hpp"

using namespace causeway;

namespace {

using BatchFn = void (*)(std::span<const ByteView>, Hash*) noexcept;

struct NamedPath {
    KeccakBatchPath path;
    BatchFn fn;
};

// Each path through its own function, not through the dispatcher.
constexpr NamedPath kNamedPaths[] = {
    {KeccakBatchPath::kPortable, &keccak256_batch_portable},
    {KeccakBatchPath::kAvx2, &keccak256_batch_avx2},
    {KeccakBatchPath::kAvx512, &keccak256_batch_avx512},
};

// What this CPU offers, asked here rather than of the library, so that a library which wrongly
// reported a vector path unsupported could not make these tests skip it.
std::vector<KeccakBatchPath> expected_paths() {
    std::vector<KeccakBatchPath> paths{KeccakBatchPath::kPortable};
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2")) paths.push_back(KeccakBatchPath::kAvx2);
    if (__builtin_cpu_supports("avx512f")) paths.push_back(KeccakBatchPath::kAvx512);
#endif
    return paths;
}

std::vector<NamedPath> runnable_paths() {
    std::vector<NamedPath> paths;
    for (const auto& p : kNamedPaths) {
        if (keccak_batch_path_supported(p.path)) paths.push_back(p);
    }
    return paths;
}

// Hashes `messages` through `fn` and compares each with keccak256; the slot after the last must
// stay untouched. Returns the number of messages checked.
std::size_t check_batch(BatchFn fn, const std::vector<ByteView>& messages) {
    Hash sentinel{};
    sentinel.data()[0] = 0x5a;
    sentinel.data()[31] = 0xa5;
    std::vector<Hash> out(messages.size() + 1, sentinel);
    fn(messages, out.data());
    for (std::size_t i = 0; i < messages.size(); ++i) {
        INFO("message " << i << " of " << messages.size() << ", " << messages[i].size() << " bytes");
        REQUIRE(out[i] == keccak256(messages[i]));
    }
    REQUIRE(out.back() == sentinel);
    return messages.size();
}

// Random messages as views at random offsets into one buffer (so unaligned), lengths around the
// 136-byte rate boundaries, proof-node sizes (a key, a leaf, a short and a full branch) and random
// lengths up to 2000.
class Messages {
  public:
    explicit Messages(uint64_t seed) : rng_(seed), pool_(std::size_t{1} << 16, 0) {
        for (auto& b : pool_) b = static_cast<uint8_t>(rng_());
    }

    ByteView next() {
        static constexpr std::size_t kSizes[] = {0,   1,   31,  32,  33,  64,  83,  135, 136,
                                                 137, 271, 272, 273, 407, 408, 409, 532, 1066};
        const std::size_t len =
            rng_() % 3 ? kSizes[rng_() % std::size(kSizes)] : static_cast<std::size_t>(rng_() % 2001);
        const std::size_t offset = rng_() % (pool_.size() - len + 1);
        return ByteView{pool_.data() + offset, len};
    }

    std::vector<ByteView> batch(std::size_t count) {
        std::vector<ByteView> out;
        for (std::size_t i = 0; i < count; ++i) out.push_back(next());
        return out;
    }

    uint64_t random() { return rng_(); }

  private:
    std::mt19937_64 rng_;
    Bytes pool_;
};

}  // namespace

TEST_CASE("keccak256_batch reports the paths this CPU supports", "[core][keccak]") {
    const auto supported = supported_keccak_batch_paths();
    const auto expected = expected_paths();
    REQUIRE(std::vector<KeccakBatchPath>(supported.begin(), supported.end()) == expected);
    CHECK(supported.front() == KeccakBatchPath::kPortable);
    CHECK(active_keccak_batch_path() == expected.back());
    for (const auto& p : kNamedPaths) {
        CHECK(keccak_batch_path_supported(p.path) ==
              (std::find(expected.begin(), expected.end(), p.path) != expected.end()));
    }
    CHECK(keccak_batch_path_name(KeccakBatchPath::kPortable) == "portable");
    CHECK(keccak_batch_path_name(KeccakBatchPath::kAvx2) == "avx2");
    CHECK(keccak_batch_path_name(KeccakBatchPath::kAvx512) == "avx512");
    std::string names;
    for (const auto path : supported) {
        if (!names.empty()) names += ", ";
        names += keccak_batch_path_name(path);
    }
    WARN("keccak256_batch paths on this CPU: " << names << " (active: "
                                               << keccak_batch_path_name(active_keccak_batch_path()) << ")");
}

TEST_CASE("every keccak256_batch path gives the known answers", "[core][keccak]") {
    // keccak256("") and keccak256("abc"): the values every Ethereum client pins.
    const ByteView abc = to_view("abc");
    const std::vector<ByteView> messages{ByteView{}, abc, ByteView{}, abc};
    const char* const expected[] = {
        "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470",
        "0x4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45",
    };
    for (const auto& p : runnable_paths()) {
        INFO("path " << keccak_batch_path_name(p.path));
        for (std::size_t n = 1; n <= messages.size(); ++n) {
            std::vector<Hash> out(n);
            p.fn({messages.data(), n}, out.data());
            for (std::size_t i = 0; i < n; ++i) CHECK(to_hex(out[i]) == expected[i % 2]);
        }
    }
}

// ethers testcases/hashes.json.gz: 257 messages of many lengths, with their keccak256.
TEST_CASE("every keccak256_batch path matches the ethers hash vectors", "[core][keccak][vectors]") {
    CAUSEWAY_REQUIRE_VECTORS();
    const auto cases = test::read_vector_json("keccak/ethers-hashes.json.gz").as_array();
    std::vector<Bytes> data;
    std::vector<std::string> expected;
    for (const auto& c : cases) {
        data.push_back(test::bytes_from_any_hex(test::json_string(c.at("data"))));
        expected.push_back(test::json_string(c.at("keccak256")));
    }
    REQUIRE(data.size() == 257);
    const std::vector<ByteView> views(data.begin(), data.end());
    for (const auto& p : runnable_paths()) {
        INFO("path " << keccak_batch_path_name(p.path));
        std::vector<Hash> out(views.size());
        p.fn(views, out.data());
        for (std::size_t i = 0; i < views.size(); ++i) {
            INFO(test::json_string(cases[i].at("name")));
            CHECK(to_hex(out[i]) == expected[i]);
        }
    }
}

TEST_CASE("every keccak256_batch path equals keccak256 on random batches", "[core][keccak]") {
    std::set<KeccakBatchPath> ran;
    for (const auto& p : runnable_paths()) {
        const std::string name(keccak_batch_path_name(p.path));
        INFO("path " << name);
        Messages messages(3);
        std::size_t n = 0;
        // Every batch size up to three AVX-512 rounds of lanes, many times over.
        for (int round = 0; round < 300; ++round) n += check_batch(p.fn, messages.batch(round % 25));
        // Batches longer than one sorting chunk (256 messages), of mixed lengths.
        for (const std::size_t count : {257, 1000}) n += check_batch(p.fn, messages.batch(count));
        // More messages than a 16-bit index can address.
        std::vector<ByteView> many;
        for (std::size_t i = 0; i < 70'000; ++i) many.push_back(messages.next().substr(0, i % 40));
        n += check_batch(p.fn, many);
        CHECK(n > 70'000 + 1000 + 3000);
        test::report_cases("keccak256_batch: " + name, n);
        ran.insert(p.path);
    }
    // The dispatcher too, on batches of 0 to 24 (it hashes a lone message without the vectors).
    Messages messages(5);
    std::size_t n = 0;
    for (int round = 0; round < 300; ++round) {
        n += check_batch([](std::span<const ByteView> in, Hash* out) noexcept { keccak256_batch(in, out); },
                         messages.batch(round % 25));
    }
    test::report_cases(
        "keccak256_batch: dispatched to " + std::string(keccak_batch_path_name(active_keccak_batch_path())),
        n);

    REQUIRE(ran.count(KeccakBatchPath::kPortable) == 1);
    for (const auto path : expected_paths()) {
        INFO("supported path " << keccak_batch_path_name(path));
        REQUIRE(ran.count(path) == 1);
    }
}
