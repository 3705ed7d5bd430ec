// The inputs every benchmark shares with the peers' side: the JSON bench/inputs.mjs writes,
// passed through CAUSEWAY_BENCH_INPUTS by scripts/bench.
#pragma once

#include <boost/json.hpp>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

namespace causeway::bench {

inline const boost::json::object& inputs() {
    static const boost::json::object obj = [] {
        const char* path = std::getenv("CAUSEWAY_BENCH_INPUTS");
        if (!path) {
            std::cerr << "CAUSEWAY_BENCH_INPUTS is not set (run through `make bench`)\n";
            std::exit(2);
        }
        std::ifstream in(path);
        std::stringstream ss;
        ss << in.rdbuf();
        return boost::json::parse(ss.str()).as_object();
    }();
    return obj;
}

}  // namespace causeway::bench
