// saslprep.cpp - SASLprep by gsasl_saslprep (GNU SASL, through libidn's stringprep), with the
// stored-strings profile: unassigned code points are refused.
#include "auth/saslprep.hpp"

#include <gsasl.h>

#include <memory>

namespace tsna::auth {
namespace {

struct GsaslFree {
  void operator()(char* p) const noexcept { gsasl_free(p); }
};

}  // namespace

std::optional<std::string> saslprep(std::string_view text) {
  if (text.find('\0') != std::string_view::npos) {
    return std::nullopt;  // a C string would end there: refuse rather than cut
  }
  const std::string input(text);
  char* out = nullptr;
  // GNU SASL 2.2.0 inverts this flag: lib/src/saslprep.c passes STRINGPREP_NO_UNASSIGNED to
  // libidn when GSASL_ALLOW_UNASSIGNED is set, and nothing when it is not. So this call refuses
  // unassigned code points, as RFC 4013's stored strings must (and as GNU SASL's own SCRAM
  // client and server, which pass the same flag, do). saslprep_test.cpp pins it with U+0221,
  // unassigned in Unicode 3.2: if a later release fixes the flag, that test fails.
  if (gsasl_saslprep(input.c_str(), GSASL_ALLOW_UNASSIGNED, &out, nullptr) != GSASL_OK ||
      out == nullptr) {
    return std::nullopt;
  }
  const std::unique_ptr<char, GsaslFree> owned(out);
  return std::string(out);
}

bool is_saslprep_stable(std::string_view name) {
  const std::optional<std::string> prepared = saslprep(name);
  return prepared && *prepared == name;
}

}  // namespace tsna::auth
