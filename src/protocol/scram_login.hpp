// scram_login.hpp - the request that opens the TSNA/2 login (SPEC 1.2), SMTP AUTH style:
// `auth <mechanism> <base64 client-first>`. The one home of its wording for tsna-server, tsna
// and tsna-bench. Pure data; the SCRAM messages themselves are auth/'s (GNU SASL).
#pragma once

#include <string>
#include <string_view>

namespace tsna {

// The request word. The mechanism names are auth::mechanism_name()'s.
inline constexpr std::string_view kAuthCommand = "auth";

// "auth <mechanism> <client-first>", without the line end.
inline std::string auth_request(std::string_view mechanism, std::string_view client_first) {
  std::string out;
  out.reserve(kAuthCommand.size() + mechanism.size() + client_first.size() + 2);
  out.append(kAuthCommand).append(" ").append(mechanism).append(" ").append(client_first);
  return out;
}

}  // namespace tsna
