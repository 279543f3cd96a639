// console.cpp - stdio output, flushed per line.
#include "client/console.hpp"

#include <cstdio>
#include <string>

namespace tsna::client {

void Console::line(std::string_view text) const {
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

void Console::error(std::string_view text) const {
  std::fflush(stdout);
  std::string out = interactive_ ? std::string() : std::string("tsna: ");
  out.append(text).push_back('\n');
  std::fwrite(out.data(), 1, out.size(), stderr);
  std::fflush(stderr);
}

void Console::end_open_line() const {
  if (interactive_) {
    std::fputc('\n', stdout);
    std::fflush(stdout);
  }
}

}  // namespace tsna::client
