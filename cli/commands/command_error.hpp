// A command that fails throws CommandError with one line saying what went wrong; the `causeway`
// executable prints it after the command's name ("causeway routes pause: error: ...") and exits 1.
#pragma once

#include <stdexcept>

namespace causeway::cli {

class CommandError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

}  // namespace causeway::cli
