// When an OP Stack output root may be acted on, by the rules the L1 contracts apply:
//  * L2OutputOracle (pre fault proofs): a proposal is final once `block.timestamp > timestamp +
//    FINALIZATION_PERIOD_SECONDS` (OptimismPortal._isFinalizationPeriodElapsed);
//  * fault proofs: the root claim of a dispute game is valid once the game is proper (created by
//    the factory, not blacklisted, not retired), of the respected type, resolved DEFENDER_WINS, and
//    `block.timestamp - resolvedAt > DISPUTE_GAME_FINALITY_DELAY_SECONDS`
//    (AnchorStateRegistry.isGameClaimValid; specs/fault-proof/stage-one/anchor-state-registry.md);
//  * a withdrawal proven against such a game also waits `block.timestamp - provenAt >
//    PROOF_MATURITY_DELAY_SECONDS`, and must have been proven after the game was created
//    (OptimismPortal2.checkWithdrawal).
// Every comparison is strict, as in the contracts: a time is "final" from the second after.
// The caller reads the inputs from L1 (through storage proofs or trusted calls); nothing here does I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace causeway::opstack {

// ----- L2OutputOracle -----

enum class [[nodiscard]] OracleFinality : uint8_t{
    kFinal,
    kNoProposal,          // no output proposed (the oracle's timestamp is zero)
    kFinalizationPeriod,  // proposed, but now <= timestamp + finalization period
};
[[nodiscard]] std::string_view to_string(OracleFinality v) noexcept;

// `proposed_at` is the proposal's L1 timestamp (OutputProposal.timestamp; 0 or nullopt: none).
// `final_at`, when given, receives the first second at which the proposal is final.
OracleFinality evaluate_oracle_output(std::optional<uint64_t> proposed_at, uint64_t finalization_period_s,
                                      uint64_t now, uint64_t* final_at = nullptr) noexcept;

// ----- dispute games -----

// IDisputeGame.status() (GameStatus in src/dispute/lib/Types.sol).
enum class GameStatus : uint8_t {
    kInProgress = 0,
    kChallengerWins = 1,
    kDefenderWins = 2,
};

// What L1 says about one game.
struct DisputeGame {
    GameStatus status = GameStatus::kInProgress;
    uint64_t created_at = 0;
    uint64_t resolved_at = 0;  // 0 while unresolved
    bool registered = true;    // created by the DisputeGameFactory (and uses this registry)
    bool respected = true;     // wasRespectedGameTypeWhenCreated()
    bool blacklisted = false;  // AnchorStateRegistry / portal blacklist
};

struct GameRules {
    uint64_t dispute_game_finality_delay_s = 0;  // the "air gap" (3.5 days on OP Mainnet)
    uint64_t retirement_timestamp = 0;           // games created at or before it are retired
    uint64_t proof_maturity_delay_s = 0;         // withdrawals only (7 days on OP Mainnet)
};

// Each value names the rule that keeps a game's root claim from being valid (yet, or ever).
enum class [[nodiscard]] GameFinality : uint8_t{
    kFinal,           // the root claim is valid
    kNotRegistered,   // not created by the factory: never valid
    kBlacklisted,     // blacklisted by the guardian: never valid
    kRetired,         // created_at <= retirement timestamp: never valid
    kNotRespected,    // not of the respected game type when created: never valid
    kInProgress,      // not resolved yet
    kChallengerWins,  // resolved against the claim: never valid
    kFinalityDelay,   // DEFENDER_WINS, but now - resolvedAt <= the finality delay (air gap)
};
[[nodiscard]] std::string_view to_string(GameFinality v) noexcept;
// Whether waiting can change the verdict.
[[nodiscard]] bool is_pending(GameFinality v) noexcept;

// `final_at` receives the first second the claim is valid, when that is known (kFinal,
// kFinalityDelay).
GameFinality evaluate_game(const DisputeGame& game, const GameRules& rules, uint64_t now,
                           uint64_t* final_at = nullptr) noexcept;

enum class [[nodiscard]] ProvenWithdrawalFinality : uint8_t{
    kFinal,
    kNotProven,                // provenWithdrawals has no timestamp
    kProvenBeforeGameCreated,  // proven at or before the game's createdAt: the portal refuses it
    kProofMaturity,            // now - provenAt <= the proof maturity delay
    kGameNotValid,             // the game's claim is not valid (see `game`)
};
[[nodiscard]] std::string_view to_string(ProvenWithdrawalFinality v) noexcept;

struct ProvenWithdrawalResult {
    ProvenWithdrawalFinality verdict = ProvenWithdrawalFinality::kNotProven;
    GameFinality game = GameFinality::kInProgress;
    std::optional<uint64_t> final_at;  // when both the proof and the game will be final, if known
};

// `proven_at` is ProvenWithdrawal.timestamp (0 or nullopt: not proven).
[[nodiscard]] ProvenWithdrawalResult evaluate_proven_withdrawal(std::optional<uint64_t> proven_at,
                                                                const DisputeGame& game,
                                                                const GameRules& rules,
                                                                uint64_t now) noexcept;

}  // namespace causeway::opstack
