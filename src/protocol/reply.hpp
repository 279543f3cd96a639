// reply.hpp - encodes replies for the wire (SPEC 1.1, 1.2, 1.3). Pure: no sockets, no asio.
// Classic: "<code>:<text>", no terminator. TSNA/2: one line per line of text, FTP style:
// every line but the last "<code>-<line>\n", the last "<code>:<line>\n".
#pragma once

#include <string>
#include <string_view>

#include "common/dialect.hpp"

namespace tsna {

enum class Code {
  kOk = 200,         // success
  kChallenge = 300,  // TSNA/2 challenge issued; the next line must answer it
  kFail = 400,       // failure; the connection stays open unless the text says otherwise
};

void append_reply(std::string& out, Dialect dialect, Code code, std::string_view text);

}  // namespace tsna
