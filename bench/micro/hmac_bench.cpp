// hmac_bench.cpp - the login's crypto (SPEC 1.1, 1.2, 3): ntlm_hash (client side), the classic
// answer, the server's half of a SCRAM-SHA-256 login (GNU SASL, no PBKDF2), a decoy verifier,
// and the PBKDF2 derivation that registrations and classic logins cost off the loop. Google
// Benchmark.
#include <benchmark/benchmark.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "auth/ntlm.hpp"
#include "auth/scram_client.hpp"
#include "auth/scram_server.hpp"
#include "auth/scram_verifier.hpp"

namespace {

const std::string kHash = "910f4aff69c6c642b3756489bb81a945";

void BM_NtlmHash(benchmark::State& state) {
  const std::string password = "tsna-bench-password";
  for (auto _ : state) {
    benchmark::DoNotOptimize(tsna::auth::ntlm_hash(password));
  }
}
BENCHMARK(BM_NtlmHash);

void BM_ClassicResponse(benchmark::State& state) {
  const std::array<std::uint8_t, 8> challenge = {0x9c, 0x0c, 0x24, 0xa6, 0xca, 0xaf, 0x4c, 0x59};
  for (auto _ : state) {
    benchmark::DoNotOptimize(tsna::auth::classic_response(kHash, challenge));
  }
}
BENCHMARK(BM_ClassicResponse);

// PBKDF2 at 4096 iterations and the key schedule: one registration, password change or classic
// login check.
void BM_DeriveVerifier(benchmark::State& state) {
  const std::vector<std::uint8_t> salt(16, 7);
  for (auto _ : state) {
    benchmark::DoNotOptimize(tsna::auth::derive_verifier(kHash, salt, 4096));
  }
}
BENCHMARK(BM_DeriveVerifier)->Unit(benchmark::kMillisecond);

void BM_DecoyVerifier(benchmark::State& state) {
  const std::vector<std::uint8_t> secret(32, 9);
  for (auto _ : state) {
    benchmark::DoNotOptimize(tsna::auth::decoy_verifier(secret, "nobody", 4096));
  }
}
BENCHMARK(BM_DecoyVerifier);

// The server's whole share of one SCRAM login: start the exchange, server-first, verify the
// proof and make server-final. The client's messages are made once, outside the timing, for a
// fixed server nonce... which GNU SASL does not allow; so each iteration also runs the client's
// steps with a cached salted password, and BM_ScramClientSteps measures those alone.
void BM_ScramLoginBothSides(benchmark::State& state) {
  const tsna::auth::ScramVerifier v =
      tsna::auth::derive_verifier(kHash, std::vector<std::uint8_t>(16, 7), 4096);
  tsna::auth::SaltedPasswordCache cache;
  for (auto _ : state) {
    tsna::auth::ScramServer server(tsna::auth::ScramMechanism::kSha256, v);
    tsna::auth::ScramClient client(tsna::auth::ScramMechanism::kSha256, "bob", kHash, {}, &cache);
    std::string first, final_message, server_final, unused;
    server.step(client.first(), first);
    client.step(first, final_message);
    if (server.step(final_message, server_final) != tsna::auth::ScramStep::kDone ||
        client.step(server_final, unused) != tsna::auth::ScramClientStep::kServerVerified) {
      state.SkipWithError("the login failed");
      break;
    }
  }
}
BENCHMARK(BM_ScramLoginBothSides);

}  // namespace
