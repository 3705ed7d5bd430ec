// The property check every fuzzer uses.
#pragma once

#include <cstdio>

// Prints which property broke (the reproducer alone does not say) and stops with a crash libFuzzer
// records as an artifact.
#define CAUSEWAY_CHECK(cond)                                                                    \
    do {                                                                                        \
        if (!(cond)) {                                                                          \
            std::fprintf(stderr, "property violated: %s (%s:%d)\n", #cond, __FILE__, __LINE__); \
            __builtin_trap();                                                                   \
        }                                                                                       \
    } while (false)
