// scram_fuzz.cpp - libFuzzer target for the SCRAM halves (auth/scram_server.hpp,
// auth/scram_client.hpp, GNU SASL underneath) fed a peer's messages: nothing may crash, a
// server that takes client-first must read the name client_first_user() reads, and an exchange
// that has ended must refuse every further message.
// Input: [flags][m1 '\n' m2 '\n' m3]. Flags bit 0: SCRAM-SHA-256-PLUS; bit 1: pass the parts as
// they are instead of base64-encoding them (to reach the base64 layer); bit 2: drive a client
// (m1 is server-first, where the byte 0x01 stands for the client's nonce; m2 server-final)
// instead of a server (m1 client-first, m2 client-final). Fuzz-only; depends on src/auth.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "auth/scram_client.hpp"
#include "auth/scram_server.hpp"
#include "fuzz_support.hpp"

namespace tsna {
namespace {

constexpr std::string_view kPassword = "910f4aff69c6c642b3756489bb81a945";  // ntlm_hash("123456")
constexpr std::array<std::uint8_t, 32> kBinding = {7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
                                                   7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7};

const auth::ScramVerifier& verifier() {
  static const auth::ScramVerifier v =
      auth::derive_verifier(kPassword, std::vector<std::uint8_t>(16, 0x42), 4096);
  return v;
}

std::string encode(std::string_view part, bool raw) {
  return raw ? std::string(part)
             : auth::to_base64(
                   std::span(reinterpret_cast<const std::uint8_t*>(part.data()), part.size()));
}

std::string decoded(std::string_view base64) {
  const auto bytes = auth::from_base64(base64);
  if (!bytes) {
    fuzz::fail("a reply that is not canonical base64", base64);
  }
  return std::string(bytes->begin(), bytes->end());
}

// An iteration count above the minimum costs the client a long PBKDF2 per input: skipped.
bool asks_for_more_iterations(std::string_view server_first) {
  const std::size_t at = server_first.find(",i=");
  if (at == std::string_view::npos) {
    return false;
  }
  std::size_t digits = 0;
  std::uint64_t value = 0;
  for (std::size_t i = at + 3;
       i < server_first.size() && server_first[i] >= '0' && server_first[i] <= '9' && digits < 20;
       ++i, ++digits) {
    value = value * 10 + static_cast<std::uint64_t>(server_first[i] - '0');
  }
  return digits >= 5 || value > auth::kMinScramIterations;
}

void drive_server(auth::ScramMechanism mechanism, bool raw, const std::vector<std::string>& parts) {
  std::span<const std::uint8_t> binding;
  if (mechanism == auth::ScramMechanism::kSha256Plus) {
    binding = kBinding;
  }
  auth::ScramServer server(mechanism, verifier(), binding);
  const std::string first = encode(parts[0], raw);
  const std::optional<std::string> name = auth::client_first_user(first);
  std::string out;
  const auth::ScramStep step = server.step(first, out);
  if (step == auth::ScramStep::kContinue) {
    if (!name || *name != server.user() || name->empty()) {
      fuzz::fail("the server took a client-first whose name client_first_user reads otherwise",
                 parts[0]);
    }
    const std::string server_first = decoded(out);
    const std::string salt = ",s=" + auth::to_base64(verifier().salt) + ",i=4096";
    if (!server_first.starts_with("r=") || server_first.find(salt) == std::string::npos) {
      fuzz::fail("a server-first without the verifier's salt and count", server_first);
    }
  } else if (step == auth::ScramStep::kFailed) {
    if (!out.empty() || server.failure_reason().empty()) {
      fuzz::fail("a failed step with output or without a reason", parts[0]);
    }
  } else {
    fuzz::fail("client-first ended the exchange", parts[0]);
  }
  if (step == auth::ScramStep::kContinue && parts.size() > 1) {
    const auth::ScramStep second = server.step(encode(parts[1], raw), out);
    if (second == auth::ScramStep::kContinue) {
      fuzz::fail("client-final asked for more", parts[1]);
    }
    if (second == auth::ScramStep::kDone && !decoded(out).starts_with("v=")) {
      fuzz::fail("a server-final without v=", out);
    }
  }
  for (std::size_t i = 2; i < parts.size(); ++i) {
    if (server.step(encode(parts[i], raw), out) != auth::ScramStep::kFailed || !out.empty()) {
      fuzz::fail("a message after the end was taken", parts[i]);
    }
  }
}

void drive_client(auth::ScramMechanism mechanism, bool raw, const std::vector<std::string>& parts) {
  static auth::SaltedPasswordCache cache(64);
  std::span<const std::uint8_t> binding;
  if (mechanism == auth::ScramMechanism::kSha256Plus) {
    binding = kBinding;
  }
  auth::ScramClient client(mechanism, "bob", kPassword, binding, &cache);
  const std::string client_first = decoded(client.first());
  const std::string nonce = client_first.substr(client_first.find(",r=") + 3);
  std::string server_first = parts[0];
  if (const std::size_t at = server_first.find('\x01'); at != std::string::npos) {
    server_first.replace(at, 1, nonce);
  }
  if (asks_for_more_iterations(server_first)) {
    return;
  }
  std::string out;
  const auth::ScramClientStep step = client.step(encode(server_first, raw), out);
  if (step == auth::ScramClientStep::kContinue) {
    if (!decoded(out).starts_with("c=")) {
      fuzz::fail("a client-final without c=", out);
    }
  } else if (step != auth::ScramClientStep::kFailed || !out.empty()) {
    fuzz::fail("server-first verified the server", server_first);
  }
  for (std::size_t i = 1; i < parts.size(); ++i) {
    const auth::ScramClientStep next = client.step(encode(parts[i], raw), out);
    if (next == auth::ScramClientStep::kContinue || !out.empty()) {
      fuzz::fail("the client answered server-final", parts[i]);
    }
    if (next == auth::ScramClientStep::kServerVerified) {
      // Only the signature GNU SASL computed passes: a fuzzer that forges it has found a bug.
      fuzz::fail("a fuzzed server-final verified the server", parts[i]);
    }
  }
}

}  // namespace
}  // namespace tsna

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) {
    return 0;
  }
  const std::uint8_t flags = data[0];
  const std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  std::vector<std::string> parts;
  std::size_t begin = 0;
  while (parts.size() < 3) {
    const std::size_t nl = rest.find('\n', begin);
    parts.emplace_back(rest.substr(begin, nl == std::string_view::npos ? nl : nl - begin));
    if (nl == std::string_view::npos) {
      break;
    }
    begin = nl + 1;
  }
  const auto mechanism = (flags & 1) != 0 ? tsna::auth::ScramMechanism::kSha256Plus
                                          : tsna::auth::ScramMechanism::kSha256;
  if ((flags & 4) != 0) {
    tsna::drive_client(mechanism, (flags & 2) != 0, parts);
  } else {
    tsna::drive_server(mechanism, (flags & 2) != 0, parts);
  }
  return 0;
}
