// hmac_bench.cpp - the login's crypto (SPEC 1.2, 3): ntlm_hash (client side), the TSNA/2 MAC
// and the classic answer (both sides of every login), and for comparison the same MAC through a
// reused OpenSSL EVP_MAC_CTX. Google Benchmark; links OpenSSL::Crypto for that comparison.
#include <benchmark/benchmark.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <array>
#include <cstdint>
#include <string>

#include "auth/hex.hpp"
#include "auth/ntlm.hpp"

namespace {

void BM_NtlmHash(benchmark::State& state) {
  const std::string password = "tsna-bench-password";
  for (auto _ : state) {
    benchmark::DoNotOptimize(tsna::auth::ntlm_hash(password));
  }
}
BENCHMARK(BM_NtlmHash);

void BM_Tsna2Mac(benchmark::State& state) {
  const std::string hash = tsna::auth::ntlm_hash("tsna-bench-password");
  std::array<std::uint8_t, tsna::auth::kTsna2ChallengeBytes> challenge{};
  std::array<std::uint8_t, tsna::auth::kTsna2NonceBytes> nonce{};
  challenge.fill(0x5a);
  nonce.fill(0xa5);
  for (auto _ : state) {
    benchmark::DoNotOptimize(tsna::auth::tsna2_mac(hash, challenge, nonce, "bench-1234-0"));
  }
}
BENCHMARK(BM_Tsna2Mac);

void BM_ClassicResponse(benchmark::State& state) {
  const std::string hash = "910f4aff69c6c642b3756489bb81a945";
  const std::array<std::uint8_t, 8> challenge = {0x9c, 0x0c, 0x24, 0xa6, 0xca, 0xaf, 0x4c, 0x59};
  for (auto _ : state) {
    benchmark::DoNotOptimize(tsna::auth::classic_response(hash, challenge));
  }
}
BENCHMARK(BM_ClassicResponse);

// What the server does with an answer line: two hex decodes, one MAC, one compare.
void BM_Tsna2AnswerCheck(benchmark::State& state) {
  const std::string hash = tsna::auth::ntlm_hash("tsna-bench-password");
  std::array<std::uint8_t, 16> challenge{};
  std::array<std::uint8_t, 16> nonce{};
  nonce.fill(7);
  const tsna::auth::Digest mac = tsna::auth::tsna2_mac(hash, challenge, nonce, "bob");
  const std::string line = tsna::auth::to_hex(nonce) + " " + tsna::auth::to_hex(mac);
  for (auto _ : state) {
    std::array<std::uint8_t, 16> n{};
    tsna::auth::Digest m{};
    const bool shaped = tsna::auth::from_hex(std::string_view(line).substr(0, 32), n) &&
                        tsna::auth::from_hex(std::string_view(line).substr(33), m);
    const tsna::auth::Digest expected = tsna::auth::tsna2_mac(hash, challenge, n, "bob");
    benchmark::DoNotOptimize(shaped && tsna::auth::constant_time_equal(expected, m));
  }
}
BENCHMARK(BM_Tsna2AnswerCheck);

// The same MAC as tsna2_mac with the HMAC-SHA256 algorithm fetched and its context made once,
// re-keyed per call: what a cached EVP_MAC_CTX would cost (HMAC() fetches both every call).
void BM_Tsna2MacReusedContext(benchmark::State& state) {
  const std::string hash = tsna::auth::ntlm_hash("tsna-bench-password");
  std::array<std::uint8_t, 16> challenge{};
  std::array<std::uint8_t, 16> nonce{};
  const std::string user = "bench-1234-0";
  EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(mac);
  char digest_name[] = "SHA256";
  const OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name, 0),
      OSSL_PARAM_construct_end()};
  const auto* key = reinterpret_cast<const unsigned char*>(hash.data());
  tsna::auth::Digest out{};
  // The check below keeps the comparison honest: same bytes as tsna2_mac.
  if (EVP_MAC_init(ctx, key, hash.size(), params) != 1) {
    state.SkipWithError("EVP_MAC_init failed");
  }
  for (auto _ : state) {
    std::size_t len = 0;
    EVP_MAC_init(ctx, key, hash.size(), nullptr);
    EVP_MAC_update(ctx, challenge.data(), challenge.size());
    EVP_MAC_update(ctx, nonce.data(), nonce.size());
    EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(user.data()), user.size());
    EVP_MAC_final(ctx, out.data(), &len, out.size());
    benchmark::DoNotOptimize(out.data());
  }
  if (out != tsna::auth::tsna2_mac(hash, challenge, nonce, user)) {
    state.SkipWithError("the reused context computed a different MAC");
  }
  EVP_MAC_CTX_free(ctx);
  EVP_MAC_free(mac);
}
BENCHMARK(BM_Tsna2MacReusedContext);

}  // namespace
