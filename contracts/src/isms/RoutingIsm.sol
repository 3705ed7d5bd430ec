// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Owned} from "../access/Owned.sol";
import {IInterchainSecurityModule} from "../interfaces/IInterchainSecurityModule.sol";
import {Message} from "../libs/Message.sol";

/// @title RoutingIsm
/// @notice Routes each message to the security module of its origin, and enforces on chain what
/// the relayer enforces off chain in its queue: pauses and a token-bucket rate limit per route.
///
/// A route is (origin, this chain): pausing an origin pauses that route. A narrower pause covers
/// one (origin, sender) pair. The guardian or the owner pauses; only the owner resumes.
///
/// Rate limit: one bucket per origin, `capacity` whole messages, refilled continuously at
/// `refillPerSecondWad` / 1e18 messages per second (the relayer's `rate_per_second` x 1e18, so
/// 1 message a minute is 1e18 / 60). Each verify the Mailbox makes takes one message's worth;
/// a verify from anyone else (an eth_call simulation, a stranger) checks the bucket without
/// taking from it, so nobody can drain a route by calling verify with a delivered message.
/// Capacity 0 means no limit.
contract RoutingIsm is IInterchainSecurityModule, Owned {
    using Message for bytes;

    uint256 private constant WAD = 1e18;

    /// The Mailbox whose verify calls consume rate-limit tokens.
    address public immutable mailbox;

    /// The module that verifies messages from each origin.
    mapping(uint32 => IInterchainSecurityModule) public modules;
    /// Route (origin, this chain) paused.
    mapping(uint32 => bool) public originPaused;
    /// Route (origin, sender) paused.
    mapping(uint32 => mapping(bytes32 => bool)) public senderPaused;

    struct Bucket {
        uint128 tokensWad; // tokens x 1e18 at `updatedAt`
        uint64 capacity; // whole messages; 0: no limit
        uint64 updatedAt;
        uint128 refillPerSecondWad;
    }

    mapping(uint32 => Bucket) internal buckets;

    event ModuleSet(uint32 indexed origin, address indexed module);
    event OriginPaused(uint32 indexed origin, address indexed by);
    event OriginResumed(uint32 indexed origin, address indexed by);
    event SenderRoutePaused(uint32 indexed origin, bytes32 indexed sender, address indexed by);
    event SenderRouteResumed(uint32 indexed origin, bytes32 indexed sender, address indexed by);
    event RateLimitSet(uint32 indexed origin, uint64 capacity, uint128 refillPerSecondWad);

    /// A message's origin must have a module.
    error UnknownOrigin(uint32 origin);
    /// A module is a contract (or the zero address, to remove it).
    error ModuleNotContract(address module);
    /// The route (origin, this chain), or (origin, sender), is paused; `sender` is the message's.
    error RoutePaused(uint32 origin, bytes32 sender);
    /// The origin's bucket is empty; one message's worth is back at `availableAt` (unix seconds;
    /// type(uint64).max when the bucket never refills).
    error RateLimited(uint32 origin, uint256 availableAt);
    /// The origin's module must accept the message (when it returns false instead of reverting).
    error ModuleRejected(uint32 origin, address module);
    /// The Mailbox address is needed to tell its calls apart.
    error ZeroMailbox();

    constructor(address mailbox_, address owner_, address guardian_) Owned(owner_, guardian_) {
        if (mailbox_ == address(0)) revert ZeroMailbox();
        mailbox = mailbox_;
    }

    // ----- configuration (owner) -----

    /// @notice Sets the module for `origin`; the zero address removes it (owner only).
    function setModule(uint32 origin, address module) external onlyOwner {
        if (module != address(0) && module.code.length == 0) revert ModuleNotContract(module);
        modules[origin] = IInterchainSecurityModule(module);
        emit ModuleSet(origin, module);
    }

    /// @notice Sets the origin's bucket (owner only). A new limit starts full; a changed one keeps
    /// what it holds now, up to the new capacity. capacity 0 removes the limit.
    function setRateLimit(uint32 origin, uint64 capacity, uint128 refillPerSecondWad) external onlyOwner {
        Bucket storage b = buckets[origin];
        uint256 tokens = b.capacity == 0 ? uint256(capacity) * WAD : _available(b);
        if (tokens > uint256(capacity) * WAD) tokens = uint256(capacity) * WAD;
        // casting to 'uint128' is safe because tokens <= capacity * 1e18 < 2^64 * 2^60
        // forge-lint: disable-next-line(unsafe-typecast)
        b.tokensWad = uint128(tokens);
        b.capacity = capacity;
        b.updatedAt = uint64(block.timestamp);
        b.refillPerSecondWad = refillPerSecondWad;
        emit RateLimitSet(origin, capacity, refillPerSecondWad);
    }

    // ----- pauses -----

    /// @notice Pauses the route (origin, this chain) (guardian or owner).
    function pauseOrigin(uint32 origin) external onlyGuardian {
        originPaused[origin] = true;
        emit OriginPaused(origin, msg.sender);
    }

    /// @notice Resumes the route (origin, this chain) (owner only).
    function resumeOrigin(uint32 origin) external onlyOwner {
        originPaused[origin] = false;
        emit OriginResumed(origin, msg.sender);
    }

    /// @notice Pauses messages from `sender` on `origin` (guardian or owner).
    function pauseRoute(uint32 origin, bytes32 sender) external onlyGuardian {
        senderPaused[origin][sender] = true;
        emit SenderRoutePaused(origin, sender, msg.sender);
    }

    /// @notice Resumes messages from `sender` on `origin` (owner only).
    function resumeRoute(uint32 origin, bytes32 sender) external onlyOwner {
        senderPaused[origin][sender] = false;
        emit SenderRouteResumed(origin, sender, msg.sender);
    }

    // ----- views -----

    /// @notice IInterchainSecurityModule.Types.ROUTING (1).
    function moduleType() external pure returns (uint8) {
        return uint8(Types.ROUTING);
    }

    /// @notice The module `message` is verified by (Hyperlane's relayer calls this for routing ISMs).
    function route(bytes calldata message) public view returns (IInterchainSecurityModule module) {
        message.requireWellFormed();
        uint32 origin = message.origin();
        module = modules[origin];
        if (address(module) == address(0)) revert UnknownOrigin(origin);
    }

    /// @notice True when (origin, sender) may be delivered: neither the origin nor the pair paused.
    function isPaused(uint32 origin, bytes32 sender) public view returns (bool) {
        return originPaused[origin] || senderPaused[origin][sender];
    }

    /// @notice The origin's bucket: capacity, refill (x 1e18 per second) and whole messages available now.
    function rateLimit(uint32 origin)
        external
        view
        returns (uint64 capacity, uint256 refillPerSecondWad, uint256 available)
    {
        Bucket storage b = buckets[origin];
        capacity = b.capacity;
        refillPerSecondWad = b.refillPerSecondWad;
        available = capacity == 0 ? type(uint256).max : _available(b) / WAD;
    }

    // ----- verification -----

    /// @notice Refuses paused routes and messages over the rate limit, then delegates to the
    /// origin's module. Only the Mailbox's calls consume tokens.
    function verify(bytes calldata metadata, bytes calldata message) external returns (bool) {
        message.requireWellFormed();
        uint32 origin = message.origin();
        bytes32 sender = message.sender();
        if (isPaused(origin, sender)) revert RoutePaused(origin, sender);
        IInterchainSecurityModule module = route(message);
        _consume(origin, msg.sender == mailbox);
        if (!module.verify(metadata, message)) revert ModuleRejected(origin, address(module));
        return true;
    }

    /// Takes one message's worth from the origin's bucket (or only checks, when `take` is false).
    function _consume(uint32 origin, bool take) internal {
        Bucket storage b = buckets[origin];
        if (b.capacity == 0) return;
        uint256 tokens = _available(b);
        if (tokens < WAD) {
            uint256 rate = b.refillPerSecondWad;
            uint256 availableAt =
                rate == 0 ? type(uint64).max : block.timestamp + (WAD - tokens + rate - 1) / rate;
            revert RateLimited(origin, availableAt);
        }
        if (!take) return;
        // casting to 'uint128' is safe because tokens <= capacity * 1e18 < 2^64 * 2^60
        // forge-lint: disable-next-line(unsafe-typecast)
        b.tokensWad = uint128(tokens - WAD);
        b.updatedAt = uint64(block.timestamp);
    }

    /// Tokens (x 1e18) in the bucket now: what it held plus the refill since, up to capacity.
    function _available(Bucket storage b) internal view returns (uint256) {
        uint256 cap = uint256(b.capacity) * WAD;
        uint256 elapsed = block.timestamp - b.updatedAt;
        uint256 rate = b.refillPerSecondWad;
        // Past the time to fill from empty the bucket is full; this also keeps the product in range.
        if (rate != 0 && elapsed >= cap / rate + 1) return cap;
        uint256 tokens = uint256(b.tokensWad) + elapsed * rate;
        return tokens > cap ? cap : tokens;
    }
}
