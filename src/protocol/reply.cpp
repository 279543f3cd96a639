// reply.cpp - reply encoding for both dialects (SPEC 1.1, 1.2).
#include "protocol/reply.hpp"

namespace tsna {
namespace {

std::string_view code_digits(Code code) {
  switch (code) {
    case Code::kOk:
      return "200";
    case Code::kChallenge:
      return "300";
    case Code::kFail:
      break;
  }
  return "400";
}

}  // namespace

void append_reply(std::string& out, Dialect dialect, Code code, std::string_view text) {
  const std::string_view digits = code_digits(code);
  if (dialect == Dialect::kClassic) {
    out.append(digits).push_back(':');
    out.append(text);
    return;
  }
  std::size_t start = 0;
  for (;;) {
    const std::size_t nl = text.find('\n', start);
    out.append(digits);
    if (nl == std::string_view::npos) {
      out.push_back(':');
      out.append(text.substr(start));
      out.push_back('\n');
      return;
    }
    out.push_back('-');
    out.append(text.substr(start, nl - start));
    out.push_back('\n');
    start = nl + 1;
  }
}

}  // namespace tsna
