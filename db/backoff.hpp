// Exponential backoff with jitter and a cap, and the attempt limit after which a retryable
// failure becomes a dead letter.
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>

namespace causeway::db {

struct BackoffPolicy {
    std::chrono::milliseconds base{1000};  // the first retry's delay
    double factor = 2.0;                   // growth per attempt
    std::chrono::milliseconds cap{300'000};
    double jitter = 0.25;   // up to this fraction is taken off at random
    int max_attempts = 12;  // the attempt that fails after this many dead-letters

    // Delay before retrying after failed attempt number `attempt` (1-based): min(cap, base *
    // factor^(attempt-1)), less up to `jitter` of it. `unit_random` is uniform in [0, 1), so
    // workers that failed together spread out instead of retrying in step.
    [[nodiscard]] std::chrono::milliseconds delay(int attempt, double unit_random) const noexcept {
        const double raw = static_cast<double>(base.count()) * std::pow(factor, std::max(attempt, 1) - 1);
        const double capped = std::min(raw, static_cast<double>(cap.count()));
        return std::chrono::milliseconds(static_cast<long long>(capped * (1.0 - jitter * unit_random)));
    }

    [[nodiscard]] bool valid() const noexcept {
        return base.count() > 0 && factor >= 1.0 && cap >= base && jitter >= 0.0 && jitter < 1.0 &&
               max_attempts >= 1;
    }
};

}  // namespace causeway::db
