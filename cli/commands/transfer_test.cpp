#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "chain/json_rpc_client.hpp"
#include "cli/commands/command_error.hpp"
#include "cli/commands/keys.hpp"
#include "cli/commands/transfer.hpp"
#include "core/hex.hpp"
#include "tests/support/anvil.hpp"
#include "tests/support/temp_dir.hpp"

using namespace causeway;
using namespace causeway::cli;
namespace fs = std::filesystem;

namespace {

const u256 kEther = u256(1'000'000'000'000'000'000ull);

// A key file with the given mode, in a temporary folder removed with it.
struct TempFile {
    TempFile(std::string_view content, fs::perms mode) : path_(dir_.write("key", content, mode)) {}
    [[nodiscard]] const fs::path& path() const { return path_; }

  private:
    test::TempDir dir_{"causeway-cli-test"};
    fs::path path_;
};

constexpr auto kOwnerOnly = fs::perms::owner_read | fs::perms::owner_write;

std::string error_of(auto&& f) {
    try {
        f();
    } catch (const CommandError& e) {
        return e.what();
    }
    FAIL("no CommandError");
    return {};
}

}  // namespace

TEST_CASE("amounts parse in wei or with a unit", "[cli]") {
    CHECK(parse_amount("0") == 0);
    CHECK(parse_amount("1000") == 1000);
    CHECK(parse_amount("0x3e8") == 1000);
    CHECK(parse_amount("7wei") == 7);
    CHECK(parse_amount("2gwei") == u256(2'000'000'000));
    CHECK(parse_amount("2.5gwei") == u256(2'500'000'000));
    CHECK(parse_amount("1ether") == kEther);
    CHECK(parse_amount("1.5eth") == kEther + kEther / 2);
    CHECK(parse_amount(".5ether") == kEther / 2);
    CHECK(error_of([] { (void)parse_amount("1.5wei"); }) ==
          "invalid amount 1.5wei: more than 0 decimal places for its unit");
    CHECK(error_of([] { (void)parse_amount("1e18"); }) ==
          "invalid amount 1e18 (use wei, or a unit: 1ether, 2.5gwei)");
    CHECK(error_of([] { (void)parse_amount("-1"); }) ==
          "invalid amount -1 (use wei, or a unit: 1ether, 2.5gwei)");
    CHECK(error_of([] { (void)parse_amount("ether"); }) == "invalid amount ether: no digits");
    CHECK(error_of([] { (void)parse_amount("1."); }) == "invalid amount 1.");
    CHECK(error_of([] { (void)parse_amount("0x01"); }) == "invalid amount 0x01: quantity has leading zeros");
    CHECK(format_wei(kEther + kEther / 2) == "1500000000000000000 wei (1.5 ether)");
    CHECK(format_wei(21000) == "21000 wei");
}

TEST_CASE("keys load from an owner-only file or the environment, never printed", "[cli]") {
    const std::string secret(test::Anvil::kDevKeys[0]);
    std::ostringstream warnings;
    {
        TempFile file(secret + "\n", kOwnerOnly);
        const auto key = load_private_key(file.path(), warnings);
        CHECK(to_checksum_hex(key.key.address()) == test::Anvil::kDevAddresses[0]);
        CHECK(key.source == "key file " + file.path().string());
        CHECK(warnings.str().empty());
    }
    {
        TempFile file(secret, kOwnerOnly | fs::perms::group_read);
        (void)load_private_key(file.path(), warnings);
        CHECK(warnings.str().find("is accessible by its group (mode 0640)") != std::string::npos);
    }
    {
        TempFile file(secret, kOwnerOnly | fs::perms::group_read | fs::perms::others_read);
        const auto message = error_of([&] { (void)load_private_key(file.path(), warnings); });
        CHECK(message == "key file " + file.path().string() +
                             " is accessible by other users (mode 0644); restrict it with: chmod 600 " +
                             file.path().string());
    }
    {
        TempFile file("0x" + std::string(63, 'a'), kOwnerOnly);
        const auto message = error_of([&] { (void)load_private_key(file.path(), warnings); });
        CHECK(message == "key file " + file.path().string() +
                             " does not hold a private key (64 hex digits, optionally 0x-prefixed)");
        CHECK(message.find("aaaa") == std::string::npos);
    }
    CHECK(error_of([&] { (void)load_private_key(fs::path("/nonexistent/causeway-key"), warnings); }) ==
          "cannot read key file /nonexistent/causeway-key: No such file or directory");
    CHECK(error_of([&] { (void)load_private_key(fs::temp_directory_path(), warnings); }) ==
          "key file " + fs::temp_directory_path().string() + " is not a regular file");

    ::setenv("CAUSEWAY_PRIVATE_KEY", secret.c_str(), 1);
    const auto from_env = load_private_key(std::nullopt, warnings);
    CHECK(to_checksum_hex(from_env.key.address()) == test::Anvil::kDevAddresses[0]);
    CHECK(from_env.source == "$CAUSEWAY_PRIVATE_KEY");
    CHECK(std::getenv("CAUSEWAY_PRIVATE_KEY") == nullptr);  // erased once read
    CHECK(error_of([&] { (void)load_private_key(std::nullopt, warnings); }) ==
          "no signing key: pass --key-file PATH (mode 0600) or set CAUSEWAY_PRIVATE_KEY");
}

TEST_CASE("transfer sends, waits for the receipt and checks the block header", "[cli][anvil]") {
    CAUSEWAY_REQUIRE_ANVIL();
    test::Anvil anvil;
    const auto key = PrivateKey::from_hex(test::Anvil::kDevKeys[0]);
    REQUIRE(key);
    TransferOptions options;
    options.rpc = anvil.url();
    options.to = *address_from_hex(test::Anvil::kDevAddresses[1]);
    options.value = kEther;
    options.chain_id = anvil.chain_id();
    options.poll_interval = std::chrono::milliseconds(100);

    std::ostringstream out;
    const auto result = run_transfer(options, *key, "test key", out);
    INFO(out.str());
    CHECK(result.receipt.succeeded());
    CHECK(result.receipt.transaction_hash == result.transaction);
    CHECK(result.header.number == result.receipt.block_number);
    CHECK(jsonrpc::compute_hash(result.header) == result.receipt.block_hash);
    const std::string text = out.str();
    for (const char* step :
         {"rpc: ", "sender: ", "fees: ", "gas: limit 21000", "signed: ", "sent: ", "receipt: ", "header: ",
          "done: transferred 1000000000000000000 wei (1 ether)"}) {
        CHECK((text.find(std::string("\n") + step) != std::string::npos || text.starts_with(step)));
    }
    CHECK(text.find(std::string(test::Anvil::kDevKeys[0]).substr(2)) == std::string::npos);

    auto client = chain::HttpJsonRpcClient::create(anvil.url());
    REQUIRE(client);
    CHECK((*client)->balance(options.to) == 10'001 * kEther);

    // A second transfer uses the next nonce.
    std::ostringstream again;
    const auto second = run_transfer(options, *key, "test key", again);
    CHECK(second.receipt.block_number == result.receipt.block_number + 1);

    // The wrong chain: refused before anything is signed.
    options.chain_id = 1;
    std::ostringstream wrong;
    CHECK(error_of([&] { (void)run_transfer(options, *key, "test key", wrong); }) ==
          "the endpoint serves chain id 31337, not the expected 1; nothing was sent");

    // More than the balance.
    options.chain_id.reset();
    options.value = 1'000'000 * kEther;
    CHECK_THAT(error_of([&] { (void)run_transfer(options, *key, "test key", wrong); }),
               Catch::StartsWith("insufficient balance") || Catch::StartsWith("eth_estimateGas"));
}

TEST_CASE("the causeway executable: version and usage errors", "[cli]") {
    const auto version = test::run_command({CAUSEWAY_BIN, "--version"});
    CHECK(version.exit_code == 0);
    CHECK(version.out.starts_with("causeway "));
    const auto help = test::run_command({CAUSEWAY_BIN, "--help"});
    CHECK(help.exit_code == 0);
    CHECK(help.out.find("transfer") != std::string::npos);
    CHECK(test::run_command({CAUSEWAY_BIN}).exit_code == 2);  // usage errors exit 2
    CHECK(test::run_command({CAUSEWAY_BIN, "transfer", "--rpc", "http://127.0.0.1:1"}).exit_code == 2);
}

TEST_CASE("the causeway executable: an end-to-end transfer", "[cli][anvil]") {
    CAUSEWAY_REQUIRE_ANVIL();
    test::Anvil anvil;
    TempFile open_key(std::string(test::Anvil::kDevKeys[0]), kOwnerOnly | fs::perms::others_read);
    const std::vector<std::string> base{CAUSEWAY_BIN, "transfer", "--rpc",
                                        anvil.url(),  "--to",     std::string(test::Anvil::kDevAddresses[2]),
                                        "--value",    "0.25ether"};
    auto args = base;
    args.insert(args.end(), {"--key-file", open_key.path().string()});
    CHECK(test::run_command(args).exit_code == 1);  // refused: others can read the key

    TempFile key(std::string(test::Anvil::kDevKeys[0]), kOwnerOnly);
    args = base;
    args.insert(args.end(),
                {"--key-file", key.path().string(), "--chain-id", "31337", "--confirmations", "1"});
    const auto ok = test::run_command(args);
    INFO(ok.out);
    CHECK(ok.exit_code == 0);
    CHECK(ok.out.find("done: transferred 250000000000000000 wei (0.25 ether) to " +
                      std::string(test::Anvil::kDevAddresses[2])) != std::string::npos);
}
