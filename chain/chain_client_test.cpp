#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <functional>
#include <mutex>
#include <thread>

#include "chain/json_rpc_client.hpp"
#include "core/hex.hpp"
#include "core/keccak.hpp"
#include "core/secp256k1.hpp"
#include "core/transaction.hpp"
#include "tests/support/anvil.hpp"

using namespace causeway;
using namespace causeway::chain;
namespace json = boost::json;
using std::chrono::milliseconds;

namespace {

const u256 kEther = u256(1'000'000'000'000'000'000ull);
const u256 kGwei = u256(1'000'000'000ull);

Address address(std::string_view hex) {
    auto a = address_from_hex(hex);
    REQUIRE(a);
    return *a;
}

PrivateKey dev_key(std::size_t i) {
    auto k = PrivateKey::from_hex(test::Anvil::kDevKeys.at(i));
    REQUIRE(k);
    return *k;
}

std::unique_ptr<HttpJsonRpcClient> connect(const test::Anvil& anvil, HttpOptions options = {}) {
    auto client = HttpJsonRpcClient::create(anvil.url(), options);
    REQUIRE(client);
    return std::move(*client);
}

template <typename T>
T value_of(RpcResult<T> r) {
    if (!r) FAIL(r.error().to_string());
    return std::move(*r);
}

// Signs an EIP-1559 transaction with causeway's signer and sends it; returns its hash.
Hash send_eip1559(ChainClient& client, const PrivateKey& key, uint64_t chain_id, std::optional<Address> to,
                  const u256& value, Bytes data = {}) {
    Transaction tx;
    tx.type = TxType::kDynamicFee;
    tx.chain_id = chain_id;
    tx.nonce = value_of(client.nonce(key.address(), BlockId::pending()));
    const double percentiles[] = {50.0};
    const auto fees = value_of(client.fee_history(4, BlockTag::kLatest, percentiles));
    tx.max_priority_fee_per_gas = kGwei;
    tx.max_fee_per_gas = 2 * fees.base_fee_per_gas.back() + tx.max_priority_fee_per_gas;
    tx.to = to;
    tx.value = value;
    tx.data = std::move(data);
    CallRequest estimate;
    estimate.from = key.address();
    estimate.to = to;
    estimate.value = value;
    estimate.data = tx.data;
    tx.gas_limit = value_of(client.estimate_gas(estimate));
    REQUIRE(sign(tx, key));
    Bytes raw;
    encode(raw, tx);
    const Hash hash = value_of(client.send_raw_transaction(raw));
    CHECK(hash == transaction_hash(tx));
    return hash;
}

Receipt wait_for_receipt(ChainClient& client, const Hash& hash) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
        if (auto receipt = value_of(client.transaction_receipt(hash))) return *receipt;
        std::this_thread::sleep_for(milliseconds(100));
    }
    FAIL("no receipt for " << to_hex(hash));
    return {};
}

// A loopback HTTP server that answers each request with what `respond` returns (a complete HTTP
// response), and optionally closes the connection after every response.
class ScriptedServer {
  public:
    using Responder = std::function<std::string(const std::string& body)>;

    ScriptedServer(Responder respond, bool close_after_response)
        : respond_(std::move(respond)), close_after_response_(close_after_response) {
        fd_ = socket(AF_INET, SOCK_STREAM, 0);
        const int one = 1;
        setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0);
        socklen_t len = sizeof(addr);
        getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
        port_ = ntohs(addr.sin_port);
        REQUIRE(listen(fd_, 16) == 0);
        thread_ = std::thread([this] { serve(); });
    }
    ~ScriptedServer() {
        stopping_ = true;
        shutdown(fd_, SHUT_RDWR);
        close(fd_);
        thread_.join();
        // What the server thread could not handle, asserted here on the test's own thread.
        if (std::uncaught_exceptions() == 0) CHECK(errors_.empty());
    }

    [[nodiscard]] std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/rpc"; }
    [[nodiscard]] int connections() const { return connections_; }
    [[nodiscard]] int port() const { return port_; }

    static std::string http_response(int status, std::string_view reason, std::string_view body) {
        return "HTTP/1.1 " + std::to_string(status) + " " + std::string(reason) +
               "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
               "\r\n\r\n" + std::string(body);
    }
    // A JSON-RPC response echoing the request's id.
    static std::string result_for(const std::string& body, std::string_view result_json) {
        const auto request = json::parse(body);
        return http_response(200, "OK",
                             R"({"jsonrpc":"2.0","id":)" + json::serialize(request.at("id")) +
                                 R"(,"result":)" + std::string(result_json) + "}");
    }

  private:
    void serve() {
        while (!stopping_) {
            const int conn = accept(fd_, nullptr, nullptr);
            if (conn < 0) return;
            ++connections_;
            try {
                serve_connection(conn);
            } catch (const std::exception& e) {
                // Catch2 is not thread-safe: the destructor reports these on the test's thread.
                const std::lock_guard lock(errors_mutex_);
                errors_.emplace_back(e.what());
            }
            close(conn);
        }
    }

    void serve_connection(int conn) {
        std::string buffer;
        char chunk[4096];
        bool open = true;
        while (open) {
            // One request: headers, then Content-Length bytes of body.
            std::size_t header_end;
            while ((header_end = buffer.find("\r\n\r\n")) == std::string::npos) {
                const ssize_t n = read(conn, chunk, sizeof(chunk));
                if (n <= 0) {
                    open = false;
                    break;
                }
                buffer.append(chunk, static_cast<std::size_t>(n));
            }
            if (!open) break;
            std::size_t length = 0;
            const auto cl = buffer.find("Content-Length: ");
            if (cl != std::string::npos && cl < header_end) length = std::stoul(buffer.substr(cl + 16));
            while (buffer.size() < header_end + 4 + length) {
                const ssize_t n = read(conn, chunk, sizeof(chunk));
                if (n <= 0) {
                    open = false;
                    break;
                }
                buffer.append(chunk, static_cast<std::size_t>(n));
            }
            if (!open) break;
            const std::string body = buffer.substr(header_end + 4, length);
            buffer.erase(0, header_end + 4 + length);
            const std::string response = respond_(body);
            if (!response.empty()) {
                const ssize_t written = write(conn, response.data(), response.size());
                (void)written;
            }
            if (close_after_response_ || response.empty()) open = false;
        }
    }

    Responder respond_;
    bool close_after_response_;
    int fd_ = -1;
    int port_ = 0;
    std::atomic<bool> stopping_{false};
    std::atomic<int> connections_{0};
    std::mutex errors_mutex_;
    std::vector<std::string> errors_;
    std::thread thread_;
};

// Init code: sstore(0, 42); mstore(0, 7); log1(0, 32, topic); return the runtime code, which
// returns the 32-byte word 42 for any call.
Bytes test_contract_init_code(const Hash& topic) {
    const Bytes runtime = {0x60, 0x2a, 0x60, 0x00, 0x52, 0x60, 0x20, 0x60, 0x00, 0xf3};
    Bytes init = {0x60, 0x2a, 0x60, 0x00, 0x55,  // sstore(0, 42)
                  0x60, 0x07, 0x60, 0x00, 0x52,  // mstore(0, 7)
                  0x7f};                         // push32 topic
    init.append(topic.view());
    const Bytes tail = {0x60, 0x20, 0x60, 0x00, 0xa1,              // log1(0, 32, topic)
                        0x60, 0x0a, 0x60, 0x3c, 0x60, 0x00, 0x39,  // codecopy(0, 60, 10)
                        0x60, 0x0a, 0x60, 0x00, 0xf3};             // return(0, 10)
    init.append(tail);
    REQUIRE(init.size() == 0x3c);
    init.append(runtime);
    return init;
}

}  // namespace

TEST_CASE("HTTP endpoint URLs parse strictly", "[chain]") {
    auto u = HttpUrl::parse("http://127.0.0.1:8545");
    REQUIRE(u);
    CHECK(u->host == "127.0.0.1");
    CHECK(u->port == 8545);
    CHECK(u->target == "/");
    CHECK(u->redacted() == "http://127.0.0.1:8545/");

    u = HttpUrl::parse("HTTP://rpc.example.org/v3/secret-key?x=1#frag");
    REQUIRE(u);
    CHECK(u->host == "rpc.example.org");
    CHECK(u->port == 80);
    CHECK(u->target == "/v3/secret-key?x=1");
    CHECK(u->redacted() == "http://rpc.example.org:80/...");  // the path may hold an API key

    u = HttpUrl::parse("http://[::1]:9000/rpc");
    REQUIRE(u);
    CHECK(u->host == "::1");
    CHECK(u->port == 9000);
    CHECK(u->redacted() == "http://[::1]:9000/...");

    CHECK(HttpUrl::parse("https://rpc.example.org").error() ==
          "https URLs are not supported yet; use http://");
    CHECK(HttpUrl::parse("ws://127.0.0.1:8546").error() ==
          "a WebSocket URL where an HTTP one is needed; use http://");
    // WebSocket URLs have their own parser (head subscriptions).
    const auto ws = HttpUrl::parse_websocket("ws://127.0.0.1:8546/key");
    REQUIRE(ws);
    CHECK(ws->scheme == "ws");
    CHECK(ws->port == 8546);
    CHECK(ws->target == "/key");
    CHECK(ws->redacted() == "ws://127.0.0.1:8546/...");
    CHECK(HttpUrl::parse_websocket("wss://rpc.example.org").error() == "wss URLs are not supported yet; use ws://");
    CHECK(HttpUrl::parse_websocket("http://127.0.0.1:8545").error() == "URL must start with ws://");
    CHECK(HttpUrl::parse("127.0.0.1:8545").error() == "URL must start with http://");
    CHECK(HttpUrl::parse("http://user:pass@host/").error() == "credentials in the URL are not supported");
    CHECK(HttpUrl::parse("http://:8545").error() == "URL has no host");
    CHECK(HttpUrl::parse("http://host:0").error() == "invalid port in URL: 0");
    CHECK(HttpUrl::parse("http://host:65536").error() == "invalid port in URL: 65536");
    CHECK(HttpUrl::parse("http://host:85a").error() == "invalid port in URL: 85a");
    CHECK(HttpUrl::parse("http://host:/").error() == "empty port in URL");
    CHECK(HttpUrl::parse("http://ho st/").error() == "invalid character in URL host");
    CHECK(!HttpJsonRpcClient::create("https://x").has_value());
}

TEST_CASE("anvil: chain state, headers and fee history", "[chain][anvil]") {
    CAUSEWAY_REQUIRE_ANVIL();
    test::AnvilOptions options;
    options.chain_id = 900;
    test::Anvil anvil(options);
    auto client = connect(anvil);
    const Address dev = address(test::Anvil::kDevAddresses[0]);

    CHECK(value_of(client->chain_id()) == 900);
    CHECK(value_of(client->block_number()) == 0);
    CHECK(value_of(client->balance(dev)) == 10'000 * kEther);
    CHECK(value_of(client->nonce(dev, BlockId::pending())) == 0);
    CHECK(value_of(client->code(dev)).empty());
    CHECK(value_of(client->storage_at(dev, Hash{})) == Hash{});
    CHECK(value_of(client->gas_price()) > 0);
    (void)value_of(client->max_priority_fee_per_gas());

    // Headers: the recomputed RLP hash equals the hash the node reports.
    const auto latest = value_of(client->header_by_number(BlockId::latest()));
    REQUIRE(latest);
    CHECK(latest->number == 0);
    REQUIRE(latest->hash);
    CHECK(jsonrpc::compute_hash(*latest) == *latest->hash);
    CHECK(latest->base_fee_per_gas.has_value());
    for (const BlockId& id : {BlockId::earliest(), BlockId::number(0), BlockId::hash(*latest->hash),
                              BlockId::finalized(), BlockId::safe()}) {
        INFO(jsonrpc::to_string(id));
        const auto h = value_of(client->header_by_number(id));
        REQUIRE(h);
        CHECK(*h == *latest);
    }
    CHECK(value_of(client->header_by_hash(*latest->hash)) == latest);
    CHECK(!value_of(client->header_by_number(BlockId::number(1000))));
    CHECK(!value_of(client->header_by_hash(keccak256(to_view("no such block")))));
    CHECK(!value_of(client->transaction_receipt(keccak256(to_view("no such transaction")))));

    // Fee history before any block is mined: anvil updates its fee-history cache asynchronously
    // after a new block, so querying right after evm_mine below would race.
    const double percentiles[] = {25.0, 75.0};
    const auto fees = value_of(client->fee_history(1, BlockTag::kLatest, percentiles));
    CHECK(fees.oldest_block == 0);
    CHECK(fees.base_fee_per_gas.size() == 2);
    CHECK(fees.base_fee_per_gas.front() == *latest->base_fee_per_gas);
    REQUIRE(fees.reward.size() == 1);
    CHECK(fees.reward[0].size() == 2);

    // The account proof's root node hashes to the header's state root. (anvil's genesis header
    // carries the empty-trie root, so mine a block first.)
    REQUIRE(client->request(RpcCall{"evm_mine", {}}));
    const auto mined = value_of(client->header_by_number(BlockId::latest()));
    REQUIRE(mined);
    CHECK(mined->number == 1);
    CHECK(mined->parent_hash == *latest->hash);
    CHECK(jsonrpc::compute_hash(*mined) == mined->hash);
    const auto proof = value_of(client->get_proof(dev, {}, BlockId::number(1)));
    CHECK(proof.address == dev);
    CHECK(proof.balance == 10'000 * kEther);
    CHECK(proof.nonce == 0);
    REQUIRE(!proof.account_proof.empty());
    CHECK(keccak256(proof.account_proof.front()) == mined->state_root);
}

TEST_CASE("anvil: an EIP-1559 transfer signed by causeway", "[chain][anvil]") {
    CAUSEWAY_REQUIRE_ANVIL();
    test::Anvil anvil;
    auto client = connect(anvil);
    const PrivateKey key = dev_key(0);
    REQUIRE(to_checksum_hex(key.address()) == test::Anvil::kDevAddresses[0]);
    const Address to = address(test::Anvil::kDevAddresses[1]);
    const u256 before = value_of(client->balance(to));

    const Hash hash = send_eip1559(*client, key, anvil.chain_id(), to, kEther);
    const Receipt receipt = wait_for_receipt(*client, hash);
    CHECK(receipt.transaction_hash == hash);
    CHECK(receipt.status == true);
    CHECK(receipt.type == 2);
    CHECK(receipt.from == key.address());
    CHECK(receipt.to == to);
    CHECK(receipt.gas_used == 21'000);
    CHECK(receipt.logs.empty());
    CHECK(!receipt.contract_address);
    CHECK(value_of(client->balance(to)) == before + kEther);
    CHECK(value_of(client->nonce(key.address())) == 1);

    // The including block's header hashes (keccak256 of its RLP) to the receipt's block hash.
    const auto header = value_of(client->header_by_number(BlockId::number(receipt.block_number)));
    REQUIRE(header);
    CHECK(header->number == receipt.block_number);
    CHECK(jsonrpc::compute_hash(*header) == receipt.block_hash);
    CHECK(header->hash == receipt.block_hash);
    CHECK(header->gas_used == 21'000);
    const auto by_hash = value_of(client->header_by_hash(receipt.block_hash));
    CHECK(by_hash == header);
}

TEST_CASE("anvil: contract deployment, logs, storage, proofs and eth_call", "[chain][anvil]") {
    CAUSEWAY_REQUIRE_ANVIL();
    test::Anvil anvil;
    auto client = connect(anvil);
    const PrivateKey key = dev_key(0);
    const Hash topic = keccak256(to_view("causeway.test.Deployed()"));

    const Hash hash =
        send_eip1559(*client, key, anvil.chain_id(), std::nullopt, 0, test_contract_init_code(topic));
    const Receipt receipt = wait_for_receipt(*client, hash);
    CHECK(receipt.status == true);
    REQUIRE(receipt.contract_address);
    const Address contract = *receipt.contract_address;
    CHECK(!receipt.to);
    REQUIRE(receipt.logs.size() == 1);
    CHECK(receipt.logs[0].address == contract);

    CHECK(value_of(client->code(contract)) ==
          Bytes{0x60, 0x2a, 0x60, 0x00, 0x52, 0x60, 0x20, 0x60, 0x00, 0xf3});
    CHECK(value_of(client->storage_at(contract, Hash{})) == u256_to_hash(42));
    CallRequest call;
    call.to = contract;
    CHECK(value_of(client->call(call)) == Bytes(u256_to_hash(42).view()));

    LogFilter filter;
    filter.from_block = uint64_t{0};
    filter.to_block = BlockTag::kLatest;
    filter.addresses = {contract};
    filter.topics = {{topic}};
    const auto logs = value_of(client->get_logs(filter));
    REQUIRE(logs.size() == 1);
    CHECK(logs[0] == receipt.logs[0]);
    CHECK(logs[0].topics == std::vector<Hash>{topic});
    CHECK(logs[0].data == Bytes(u256_to_hash(7).view()));
    CHECK(logs[0].block_hash == receipt.block_hash);
    CHECK(logs[0].transaction_hash == hash);
    LogFilter by_hash;
    by_hash.block_hash = receipt.block_hash;
    CHECK(value_of(client->get_logs(by_hash)).size() == 1);
    filter.topics = {{keccak256(to_view("other"))}};
    CHECK(value_of(client->get_logs(filter)).empty());

    const Hash slot0{};
    const auto proof =
        value_of(client->get_proof(contract, std::span(&slot0, 1), BlockId::number(receipt.block_number)));
    REQUIRE(proof.storage_proof.size() == 1);
    CHECK(proof.storage_proof[0].key == slot0);
    CHECK(proof.storage_proof[0].value == 42);
    CHECK(!proof.storage_proof[0].proof.empty());
    CHECK(keccak256(proof.storage_proof[0].proof.front()) == proof.storage_hash);
    CHECK(proof.code_hash == keccak256(value_of(client->code(contract))));
    const auto header = value_of(client->header_by_number(BlockId::number(receipt.block_number)));
    REQUIRE(header);
    CHECK(keccak256(proof.account_proof.front()) == header->state_root);
}

TEST_CASE("anvil: batches travel in one request over one keep-alive connection", "[chain][anvil]") {
    CAUSEWAY_REQUIRE_ANVIL();
    test::Anvil anvil;
    auto client = connect(anvil);
    const Address dev = address(test::Anvil::kDevAddresses[0]);

    Batch batch;
    auto chain_id = batch.add(calls::chain_id());
    auto head = batch.add(calls::block_number());
    auto balance = batch.add(calls::balance(dev, BlockId::latest()));
    auto header = batch.add(calls::header_by_number(BlockId::latest()));
    auto unknown =
        batch.add(Call<json::value>{RpcCall{"causeway_noSuchMethod", {}},
                                    [](const json::value& v) -> jsonrpc::Result<json::value> { return v; }});
    auto wrong_type = batch.add(Call<BlockHeader>{
        calls::chain_id().rpc, [](const json::value& v) { return jsonrpc::decode_header(v, "result"); }});
    CHECK(batch.size() == 6);
    CHECK(!batch.executed());
    CHECK(chain_id.get().error().kind == RpcError::Kind::kNotSent);

    client->execute(batch);
    CHECK(batch.executed());
    CHECK(value_of(chain_id.get()) == anvil.chain_id());
    CHECK(value_of(head.get()) == 0);
    CHECK(value_of(balance.get()) == 10'000 * kEther);
    const auto h = value_of(header.get());
    REQUIRE(h);
    CHECK(jsonrpc::compute_hash(*h) == h->hash);
    const auto e = unknown.get();
    REQUIRE(!e);
    CHECK(e.error().kind == RpcError::Kind::kJsonRpc);
    CHECK(e.error().code == -32601);
    const auto w = wrong_type.get();
    REQUIRE(!w);
    CHECK(w.error().kind == RpcError::Kind::kMalformed);
    CHECK(w.error().message == "eth_chainId: result: expected an object, got a string");

    Batch empty;
    client->execute(empty);
    CHECK(empty.executed());

    for (int i = 0; i < 5; ++i) CHECK(value_of(client->chain_id()) == anvil.chain_id());
    CHECK(client->connections_opened() == 1);
}

TEST_CASE("anvil: JSON-RPC errors are classified", "[chain][anvil]") {
    CAUSEWAY_REQUIRE_ANVIL();
    test::Anvil anvil;
    auto client = connect(anvil);

    const auto unknown = client->request(RpcCall{"causeway_noSuchMethod", {}});
    REQUIRE(!unknown);
    CHECK(unknown.error().kind == RpcError::Kind::kJsonRpc);
    CHECK(unknown.error().code == -32601);
    CHECK(!unknown.error().message.empty());
    CHECK(unknown.error().endpoint == anvil.url() + "/");
    CHECK_THAT(unknown.error().to_string(), Catch::StartsWith("JSON-RPC error -32601: "));

    const auto garbage = client->send_raw_transaction(Bytes{0x02, 0xc0});
    REQUIRE(!garbage);
    CHECK(garbage.error().kind == RpcError::Kind::kJsonRpc);

    // Execution that reverts (init code `revert(0, 0)`): code 3 with the revert data.
    CallRequest reverting;
    reverting.data = Bytes{0x60, 0x00, 0x60, 0x00, 0xfd};
    const auto estimate = client->estimate_gas(reverting);
    const auto call = client->call(reverting);
    REQUIRE(!estimate);
    REQUIRE(!call);
    for (const RpcError& e : {estimate.error(), call.error()}) {
        CHECK(e.kind == RpcError::Kind::kJsonRpc);
        CHECK(e.code == 3);
        CHECK(e.data == json::value("0x"));
    }

    // The connection survives errors.
    CHECK(value_of(client->chain_id()) == anvil.chain_id());
    CHECK(client->connections_opened() == 1);
}

TEST_CASE("transport errors are classified: refused and timed out", "[chain]") {
    {
        // Nothing listens on a port that was free a moment ago.
        const int port = test::free_loopback_port();
        auto client = HttpJsonRpcClient::create("http://127.0.0.1:" + std::to_string(port),
                                                {.timeout = milliseconds(2000)});
        REQUIRE(client);
        const auto r = (*client)->chain_id();
        REQUIRE(!r);
        CHECK(r.error().kind == RpcError::Kind::kTransport);
        CHECK(r.error().transport == RpcError::Transport::kConnect);
        CHECK(r.error().endpoint == "http://127.0.0.1:" + std::to_string(port) + "/");
        Batch batch;
        auto a = batch.add(calls::chain_id());
        auto b = batch.add(calls::block_number());
        (*client)->execute(batch);
        CHECK(a.get().error().transport == RpcError::Transport::kConnect);
        CHECK(b.get().error().transport == RpcError::Transport::kConnect);
    }
    {
        // A server whose kernel accepts the connection but that never answers.
        const int fd = socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0);
        socklen_t len = sizeof(addr);
        getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
        REQUIRE(listen(fd, 4) == 0);
        auto client = HttpJsonRpcClient::create("http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)),
                                                {.timeout = milliseconds(300)});
        REQUIRE(client);
        for (int i = 0; i < 2; ++i) {
            const auto start = std::chrono::steady_clock::now();
            const auto r = (*client)->block_number();
            const auto elapsed = std::chrono::steady_clock::now() - start;
            REQUIRE(!r);
            CHECK(r.error().kind == RpcError::Kind::kTransport);
            CHECK(r.error().transport == RpcError::Transport::kTimeout);
            CHECK(r.error().is_timeout());
            CHECK(elapsed >= milliseconds(250));
            CHECK(elapsed < milliseconds(2000));
        }
        close(fd);
    }
}

TEST_CASE("HTTP status, closed connections and malformed responses are classified", "[chain]") {
    {
        ScriptedServer server(
            [](const std::string&) {
                return ScriptedServer::http_response(503, "Service Unavailable", "busy");
            },
            false);
        auto client = HttpJsonRpcClient::create(server.url());
        REQUIRE(client);
        const auto r = (*client)->chain_id();
        REQUIRE(!r);
        CHECK(r.error().kind == RpcError::Kind::kHttpStatus);
        CHECK(r.error().http_status == 503);
        CHECK(r.error().message == "Service Unavailable: busy");
        CHECK(r.error().endpoint == "http://127.0.0.1:" + std::to_string(server.port()) + "/...");
    }
    {
        ScriptedServer server(
            [](const std::string&) { return ScriptedServer::http_response(200, "OK", "hello"); }, false);
        const auto r = (*HttpJsonRpcClient::create(server.url()))->chain_id();
        REQUIRE(!r);
        CHECK(r.error().kind == RpcError::Kind::kMalformed);
        CHECK_THAT(r.error().message, Catch::StartsWith("response body is not JSON"));
    }
    {
        // Valid JSON, but not a JSON-RPC response to this request.
        ScriptedServer server(
            [](const std::string&) {
                return ScriptedServer::http_response(200, "OK",
                                                     R"({"jsonrpc":"2.0","id":999,"result":"0x1"})");
            },
            false);
        const auto r = (*HttpJsonRpcClient::create(server.url()))->chain_id();
        REQUIRE(!r);
        CHECK(r.error().kind == RpcError::Kind::kMalformed);
        CHECK(r.error().message == "eth_chainId: response id does not match the request");
    }
    {
        // A result that is not a quantity.
        ScriptedServer server(
            [](const std::string& body) { return ScriptedServer::result_for(body, R"("0x01")"); }, false);
        const auto r = (*HttpJsonRpcClient::create(server.url()))->chain_id();
        REQUIRE(!r);
        CHECK(r.error().kind == RpcError::Kind::kMalformed);
        CHECK(r.error().message == "eth_chainId: result: quantity has leading zeros");
    }
    {
        // The server hangs up without answering on a fresh connection: no retry, kClosed.
        ScriptedServer server([](const std::string&) { return std::string(); }, true);
        const auto r = (*HttpJsonRpcClient::create(server.url()))->chain_id();
        REQUIRE(!r);
        CHECK(r.error().kind == RpcError::Kind::kTransport);
        CHECK(r.error().transport == RpcError::Transport::kClosed);
        CHECK(server.connections() == 1);
    }
}

TEST_CASE("a keep-alive connection the server closed is reopened once", "[chain]") {
    // The server answers as if the connection stays open, then closes it.
    ScriptedServer server(
        [](const std::string& body) { return ScriptedServer::result_for(body, R"("0x7a69")"); }, true);
    auto client = HttpJsonRpcClient::create(server.url());
    REQUIRE(client);
    for (int i = 0; i < 3; ++i) {
        CHECK(value_of((*client)->chain_id()) == 31337);
        std::this_thread::sleep_for(milliseconds(20));  // let the close arrive before the next request
    }
    CHECK((*client)->connections_opened() == 3);
    CHECK(server.connections() == 3);
}
