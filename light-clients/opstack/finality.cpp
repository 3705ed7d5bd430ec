#include "light-clients/opstack/finality.hpp"

#include <algorithm>
#include <limits>

namespace causeway::opstack {

namespace {

// The first second t with t > base + delay, saturating instead of wrapping.
uint64_t first_after(uint64_t base, uint64_t delay) noexcept {
    constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
    if (base > kMax - delay || base + delay == kMax) return kMax;
    return base + delay + 1;
}

}  // namespace

std::string_view to_string(OracleFinality v) noexcept {
    switch (v) {
        case OracleFinality::kFinal: return "final";
        case OracleFinality::kNoProposal: return "no output proposal";
        case OracleFinality::kFinalizationPeriod: return "the finalization period has not elapsed";
    }
    return "unknown";
}

OracleFinality evaluate_oracle_output(std::optional<uint64_t> proposed_at, uint64_t finalization_period_s,
                                      uint64_t now, uint64_t* final_at) noexcept {
    if (!proposed_at || *proposed_at == 0) return OracleFinality::kNoProposal;
    const uint64_t at = first_after(*proposed_at, finalization_period_s);
    if (final_at) *final_at = at;
    return now >= at ? OracleFinality::kFinal : OracleFinality::kFinalizationPeriod;
}

std::string_view to_string(GameFinality v) noexcept {
    switch (v) {
        case GameFinality::kFinal: return "final";
        case GameFinality::kNotRegistered: return "the game was not created by the dispute game factory";
        case GameFinality::kBlacklisted: return "the game is blacklisted";
        case GameFinality::kRetired: return "the game was created at or before the retirement timestamp";
        case GameFinality::kNotRespected: return "the game was not of the respected game type when created";
        case GameFinality::kInProgress: return "the game is not resolved";
        case GameFinality::kChallengerWins: return "the game resolved CHALLENGER_WINS";
        case GameFinality::kFinalityDelay: return "the dispute game finality delay has not elapsed";
    }
    return "unknown";
}

bool is_pending(GameFinality v) noexcept {
    return v == GameFinality::kInProgress || v == GameFinality::kFinalityDelay;
}

GameFinality evaluate_game(const DisputeGame& game, const GameRules& rules, uint64_t now,
                           uint64_t* final_at) noexcept {
    // The order of AnchorStateRegistry.isGameClaimValid: proper, respected, finalized, defender wins.
    if (!game.registered) return GameFinality::kNotRegistered;
    if (game.blacklisted) return GameFinality::kBlacklisted;
    if (game.created_at <= rules.retirement_timestamp) return GameFinality::kRetired;
    if (!game.respected) return GameFinality::kNotRespected;
    // isGameResolved: a resolution time and a final status, both.
    if (game.resolved_at == 0 || game.status == GameStatus::kInProgress) return GameFinality::kInProgress;
    if (game.status != GameStatus::kDefenderWins) return GameFinality::kChallengerWins;
    const uint64_t at = first_after(game.resolved_at, rules.dispute_game_finality_delay_s);
    if (final_at) *final_at = at;
    return now >= at ? GameFinality::kFinal : GameFinality::kFinalityDelay;
}

std::string_view to_string(ProvenWithdrawalFinality v) noexcept {
    switch (v) {
        case ProvenWithdrawalFinality::kFinal: return "final";
        case ProvenWithdrawalFinality::kNotProven: return "the withdrawal has not been proven";
        case ProvenWithdrawalFinality::kProvenBeforeGameCreated:
            return "the withdrawal was proven no later than its game was created";
        case ProvenWithdrawalFinality::kProofMaturity: return "the proof maturity delay has not elapsed";
        case ProvenWithdrawalFinality::kGameNotValid: return "the dispute game's claim is not valid";
    }
    return "unknown";
}

ProvenWithdrawalResult evaluate_proven_withdrawal(std::optional<uint64_t> proven_at, const DisputeGame& game,
                                                  const GameRules& rules, uint64_t now) noexcept {
    ProvenWithdrawalResult out;
    uint64_t game_final_at = 0;
    out.game = evaluate_game(game, rules, now, &game_final_at);
    if (!proven_at || *proven_at == 0) {
        out.verdict = ProvenWithdrawalFinality::kNotProven;
        return out;
    }
    // OptimismPortal2.checkWithdrawal: provenWithdrawal.timestamp > createdAt.
    if (*proven_at <= game.created_at) {
        out.verdict = ProvenWithdrawalFinality::kProvenBeforeGameCreated;
        return out;
    }
    const uint64_t mature_at = first_after(*proven_at, rules.proof_maturity_delay_s);
    if (out.game == GameFinality::kFinal || out.game == GameFinality::kFinalityDelay) {
        out.final_at = std::max(mature_at, game_final_at);
    } else if (out.game == GameFinality::kInProgress) {
        out.final_at = std::nullopt;  // unknown until the game resolves
    }
    if (out.game != GameFinality::kFinal && !is_pending(out.game)) {
        out.verdict = ProvenWithdrawalFinality::kGameNotValid;  // waiting cannot help
    } else if (now < mature_at) {
        out.verdict = ProvenWithdrawalFinality::kProofMaturity;
    } else if (out.game != GameFinality::kFinal) {
        out.verdict = ProvenWithdrawalFinality::kGameNotValid;
    } else {
        out.verdict = ProvenWithdrawalFinality::kFinal;
    }
    return out;
}

}  // namespace causeway::opstack
