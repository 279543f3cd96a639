// scram_exchange_test.cpp - ScramClient against ScramServer in one process, both GNU SASL: a
// login and its mutual proof, wrong passwords and impostors, channel binding and downgrades,
// decoys, malformed and replayed messages, the salted password cache, threads.
#include <gtest/gtest.h>

#include <array>
#include <string>
#include <thread>
#include <vector>

#include "auth/hex.hpp"
#include "auth/ntlm.hpp"
#include "auth/scram_client.hpp"
#include "auth/scram_server.hpp"

namespace tsna::auth {
namespace {

constexpr std::string_view kHash123456 = "910f4aff69c6c642b3756489bb81a945";  // ntlm_hash
const std::vector<std::uint8_t> kSalt = {0x5b, 0x6d, 0x99, 0x68, 0x9d, 0x12, 0x35, 0x8e,
                                         0xec, 0xa0, 0x4b, 0x14, 0x12, 0x36, 0xfa, 0x81};
constexpr std::array<std::uint8_t, 32> kBindingA = {1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11,
                                                    12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22,
                                                    23, 24, 25, 26, 27, 28, 29, 30, 31, 32};
constexpr std::array<std::uint8_t, 32> kBindingB = {9,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11,
                                                    12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22,
                                                    23, 24, 25, 26, 27, 28, 29, 30, 31, 32};

std::string b64(std::string_view text) {
  return to_base64(std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

std::string text_of(std::string_view base64) {
  const std::optional<std::vector<std::uint8_t>> bytes = from_base64(base64);
  EXPECT_TRUE(bytes.has_value()) << base64;
  return bytes ? std::string(bytes->begin(), bytes->end()) : std::string();
}

ScramVerifier verifier_for(std::string_view scram_password) {
  return derive_verifier(scram_password, kSalt, kDefaultScramIterations);
}

// The messages of one exchange, as far as it went, and how each side ended.
struct Exchange {
  std::string client_first, server_first, client_final, server_final;
  ScramStep server_first_step = ScramStep::kFailed;
  ScramClientStep client_final_step = ScramClientStep::kFailed;
  ScramStep server_final_step = ScramStep::kFailed;
  ScramClientStep verified = ScramClientStep::kFailed;
};

Exchange run(ScramClient& client, ScramServer& server) {
  Exchange e;
  e.client_first = client.first();
  e.server_first_step = server.step(e.client_first, e.server_first);
  if (e.server_first_step != ScramStep::kContinue) {
    return e;
  }
  e.client_final_step = client.step(e.server_first, e.client_final);
  if (e.client_final_step != ScramClientStep::kContinue) {
    return e;
  }
  e.server_final_step = server.step(e.client_final, e.server_final);
  if (e.server_final_step != ScramStep::kDone) {
    return e;
  }
  std::string none;
  e.verified = client.step(e.server_final, none);
  return e;
}

TEST(ScramExchange, LoginSucceedsAndTheClientVerifiesTheServer) {
  ScramServer server(ScramMechanism::kSha256, verifier_for(kHash123456));
  ScramClient client(ScramMechanism::kSha256, "bob", kHash123456);
  const Exchange e = run(client, server);
  EXPECT_EQ(e.verified, ScramClientStep::kServerVerified);
  EXPECT_EQ(server.user(), "bob");
  EXPECT_EQ(server.failure_reason(), "");
  EXPECT_EQ(client.failure_reason(), "");
  EXPECT_EQ(client.pbkdf2_runs(), 1u);
  // RFC 5802's messages, the password nowhere in them.
  EXPECT_TRUE(text_of(e.client_first).starts_with("n,,n=bob,r=")) << text_of(e.client_first);
  EXPECT_NE(text_of(e.server_first).find(",s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"), std::string::npos)
      << text_of(e.server_first);
  EXPECT_TRUE(text_of(e.client_final).starts_with("c=biws,r=")) << text_of(e.client_final);
  EXPECT_TRUE(text_of(e.server_final).starts_with("v=")) << text_of(e.server_final);
  for (const std::string* m : {&e.client_first, &e.client_final}) {
    EXPECT_EQ(text_of(*m).find(kHash123456), std::string::npos);
  }
}

TEST(ScramExchange, WrongPasswordFailsAtTheServer) {
  ScramServer server(ScramMechanism::kSha256, verifier_for(kHash123456));
  ScramClient client(ScramMechanism::kSha256, "bob", ntlm_hash("654321"));
  const Exchange e = run(client, server);
  EXPECT_EQ(e.server_final_step, ScramStep::kFailed);
  EXPECT_EQ(e.server_final, "");
  EXPECT_EQ(server.failure_reason(), "GSASL_AUTHENTICATION_ERROR");
}

TEST(ScramExchange, ServerWithoutTheServerKeyIsRefusedByTheClient) {
  // An impostor that has StoredKey (it accepts the proof) but another user's ServerKey: its
  // server-final signature is wrong, and only the client can tell.
  ScramVerifier impostor = verifier_for(kHash123456);
  impostor.server_key = verifier_for(ntlm_hash("another user's password")).server_key;
  ScramServer server(ScramMechanism::kSha256, impostor);
  ScramClient client(ScramMechanism::kSha256, "bob", kHash123456);
  const Exchange e = run(client, server);
  EXPECT_EQ(e.server_final_step, ScramStep::kDone);
  EXPECT_EQ(e.verified, ScramClientStep::kFailed);
  EXPECT_EQ(client.failure_reason(), "GSASL_AUTHENTICATION_ERROR");
}

TEST(ScramExchange, ServerFinalReplayedFromAnotherLoginIsRefusedByTheClient) {
  ScramServer real(ScramMechanism::kSha256, verifier_for(kHash123456));
  ScramClient earlier(ScramMechanism::kSha256, "bob", kHash123456);
  const Exchange recorded = run(earlier, real);
  ASSERT_EQ(recorded.verified, ScramClientStep::kServerVerified);
  // The impostor answers a new login with what the real server said last time.
  ScramServer impostor(ScramMechanism::kSha256, verifier_for(ntlm_hash("guess")));
  ScramClient client(ScramMechanism::kSha256, "bob", kHash123456);
  std::string server_first;
  std::string client_final;
  ASSERT_EQ(impostor.step(client.first(), server_first), ScramStep::kContinue);
  ASSERT_EQ(client.step(server_first, client_final), ScramClientStep::kContinue);
  std::string none;
  EXPECT_EQ(client.step(recorded.server_final, none), ScramClientStep::kFailed);
}

TEST(ScramExchange, ServerFinalThatIsNoSignatureIsRefused) {
  for (const std::string_view server_final : {"e=other-error", "v=", "v=AAAA", "x=1", ""}) {
    ScramServer server(ScramMechanism::kSha256, verifier_for(kHash123456));
    ScramClient client(ScramMechanism::kSha256, "bob", kHash123456);
    std::string server_first;
    std::string client_final;
    ASSERT_EQ(server.step(client.first(), server_first), ScramStep::kContinue);
    ASSERT_EQ(client.step(server_first, client_final), ScramClientStep::kContinue);
    std::string none;
    EXPECT_EQ(client.step(b64(server_final), none), ScramClientStep::kFailed) << server_final;
    EXPECT_EQ(client.step(b64(server_final), none), ScramClientStep::kFailed) << server_final;
  }
}

TEST(ScramExchange, PlusWithEqualBindingsSucceeds) {
  ScramServer server(ScramMechanism::kSha256Plus, verifier_for(kHash123456), kBindingA);
  ScramClient client(ScramMechanism::kSha256Plus, "bob", kHash123456, kBindingA);
  const Exchange e = run(client, server);
  EXPECT_EQ(e.verified, ScramClientStep::kServerVerified);
  EXPECT_TRUE(text_of(e.client_first).starts_with("p=tls-exporter,,n=bob,r="));
  // c= carries the gs2 header and the binding itself (RFC 5802 section 7).
  std::string expected_cbind = "p=tls-exporter,,";
  expected_cbind.append(kBindingA.begin(), kBindingA.end());
  EXPECT_TRUE(text_of(e.client_final).starts_with("c=" + b64(expected_cbind) + ",r="));
}

TEST(ScramExchange, PlusWithDifferentBindingsFailsAtTheServer) {
  ScramServer server(ScramMechanism::kSha256Plus, verifier_for(kHash123456), kBindingA);
  ScramClient client(ScramMechanism::kSha256Plus, "bob", kHash123456, kBindingB);
  const Exchange e = run(client, server);
  EXPECT_EQ(e.server_final_step, ScramStep::kFailed);
  EXPECT_EQ(server.failure_reason(), "GSASL_AUTHENTICATION_ERROR");
}

TEST(ScramExchange, PlainClientOnAPlusServerFails) {
  ScramServer server(ScramMechanism::kSha256Plus, verifier_for(kHash123456), kBindingA);
  ScramClient client(ScramMechanism::kSha256, "bob", kHash123456);
  const Exchange e = run(client, server);
  EXPECT_EQ(e.server_first_step, ScramStep::kFailed);
  EXPECT_EQ(e.server_first, "");
  EXPECT_EQ(server.failure_reason(), "channel binding flag");
}

TEST(ScramExchange, PlusClientOnAPlainServerFails) {
  ScramServer server(ScramMechanism::kSha256, verifier_for(kHash123456));
  ScramClient client(ScramMechanism::kSha256Plus, "bob", kHash123456, kBindingA);
  const Exchange e = run(client, server);
  EXPECT_EQ(e.server_first_step, ScramStep::kFailed);
  EXPECT_EQ(server.failure_reason(), "channel binding flag");
}

TEST(ScramExchange, PlusServerRefusesEveryOtherBindingHeader) {
  for (const std::string_view first :
       {"y,,n=bob,r=abcdef", "n,,n=bob,r=abcdef", "p=tls-unique,,n=bob,r=abcdef"}) {
    ScramServer server(ScramMechanism::kSha256Plus, verifier_for(kHash123456), kBindingA);
    std::string out;
    EXPECT_EQ(server.step(b64(first), out), ScramStep::kFailed) << first;
    EXPECT_EQ(server.failure_reason(), "channel binding flag") << first;
  }
}

TEST(ScramExchange, PlainServerAcceptsAClientThatCouldBindButSeesNoBinding) {
  // "y": the client supports channel binding and thinks the server does not, which is true of
  // plain TCP.
  ScramServer server(ScramMechanism::kSha256, verifier_for(kHash123456));
  std::string out;
  EXPECT_EQ(server.step(b64("y,,n=bob,r=abcdef"), out), ScramStep::kContinue);
}

TEST(ScramExchange, AuthzidOtherThanTheUserIsRefused) {
  ScramServer server(ScramMechanism::kSha256, verifier_for(kHash123456));
  std::string out;
  EXPECT_EQ(server.step(b64("n,a=admin,n=bob,r=abcdef"), out), ScramStep::kFailed);
  EXPECT_EQ(server.failure_reason(), "authzid");
  EXPECT_EQ(server.user(), "");
  ScramServer same(ScramMechanism::kSha256, verifier_for(kHash123456));
  EXPECT_EQ(same.step(b64("n,a=bob,n=bob,r=abcdef"), out), ScramStep::kContinue);
  EXPECT_EQ(same.user(), "bob");
}

TEST(ScramExchange, DecoyAlwaysFailsAtTheProofLikeAWrongPassword) {
  const std::vector<std::uint8_t> secret(32, 0x42);
  const ScramVerifier decoy = decoy_verifier(secret, "nobody", kDefaultScramIterations);
  std::string salt_seen;
  for (const std::string_view password : {kHash123456, std::string_view("0123456789abcdef")}) {
    ScramServer server(ScramMechanism::kSha256, decoy);
    // The client's PBKDF2 is taken from a cache, so that this exchange costs no PBKDF2 at all.
    SaltedPasswordCache cache;
    cache.put("nobody", password, to_base64(decoy.salt), decoy.iterations,
              to_hex(salted_password(password, decoy.salt, decoy.iterations)));
    ScramClient client(ScramMechanism::kSha256, "nobody", password, {}, &cache);
    const Exchange e = run(client, server);
    EXPECT_EQ(e.server_final_step, ScramStep::kFailed);
    EXPECT_EQ(client.pbkdf2_runs(), 0u);
    // GSASL_AUTHENTICATION_ERROR is the proof check's failure, after both HMACs, as for a real
    // user's wrong password. A server without keys would ask GNU SASL for the password (it never
    // gets one) and fail before any HMAC with GSASL_NO_PASSWORD.
    EXPECT_EQ(server.failure_reason(), "GSASL_AUTHENTICATION_ERROR");
    // The decoy's salt every time, not one GNU SASL picks per attempt.
    const std::string first = text_of(e.server_first);
    const std::string salt = first.substr(first.find(",s="));
    EXPECT_EQ(salt, ",s=" + to_base64(decoy.salt) + ",i=4096");
    if (!salt_seen.empty()) {
      EXPECT_EQ(salt, salt_seen);
    }
    salt_seen = salt;
  }
}

TEST(ScramExchange, SaltedPasswordCacheMakesARepeatedLoginDeriveNothing) {
  SaltedPasswordCache cache;
  const ScramVerifier verifier = verifier_for(kHash123456);
  {
    ScramServer server(ScramMechanism::kSha256, verifier);
    ScramClient client(ScramMechanism::kSha256, "bob", kHash123456, {}, &cache);
    EXPECT_EQ(run(client, server).verified, ScramClientStep::kServerVerified);
    EXPECT_EQ(client.pbkdf2_runs(), 1u);
    EXPECT_EQ(cache.size(), 1u);
  }
  {
    ScramServer server(ScramMechanism::kSha256, verifier);
    ScramClient client(ScramMechanism::kSha256, "bob", kHash123456, {}, &cache);
    EXPECT_EQ(run(client, server).verified, ScramClientStep::kServerVerified);
    EXPECT_EQ(client.pbkdf2_runs(), 0u);
    EXPECT_EQ(cache.size(), 1u);
  }
}

TEST(ScramExchange, CacheServesNoOtherPasswordForTheSameUserAndSalt) {
  SaltedPasswordCache cache;
  const ScramVerifier verifier = verifier_for(kHash123456);
  {
    ScramServer server(ScramMechanism::kSha256, verifier);
    ScramClient mistyped(ScramMechanism::kSha256, "bob", ntlm_hash("12345"), {}, &cache);
    EXPECT_EQ(run(mistyped, server).server_final_step, ScramStep::kFailed);
  }
  ScramServer server(ScramMechanism::kSha256, verifier);
  ScramClient client(ScramMechanism::kSha256, "bob", kHash123456, {}, &cache);
  EXPECT_EQ(run(client, server).verified, ScramClientStep::kServerVerified);
  EXPECT_EQ(client.pbkdf2_runs(), 1u);
  EXPECT_EQ(cache.size(), 2u);
}

TEST(ScramExchange, FullCacheIsEmptiedBeforeTheNextEntry) {
  SaltedPasswordCache cache(2);
  cache.put("a", "p", "c2FsdA==", 4096, "01");
  cache.put("b", "p", "c2FsdA==", 4096, "02");
  EXPECT_EQ(cache.find("a", "p", "c2FsdA==", 4096), "01");
  cache.put("c", "p", "c2FsdA==", 4096, "03");
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_EQ(cache.find("a", "p", "c2FsdA==", 4096), "");
  EXPECT_EQ(cache.find("c", "p", "c2FsdA==", 4096), "03");
  EXPECT_EQ(cache.find("c", "p", "c2FsdA==", 4097), "");
}

TEST(ScramExchange, EscapedNamesTravelWhole) {
  ScramServer server(ScramMechanism::kSha256, verifier_for(kHash123456));
  ScramClient client(ScramMechanism::kSha256, "a,b=c", kHash123456);
  const Exchange e = run(client, server);
  EXPECT_EQ(e.verified, ScramClientStep::kServerVerified);
  EXPECT_TRUE(text_of(e.client_first).starts_with("n,,n=a=2Cb=3Dc,r="));
  EXPECT_EQ(client_first_user(e.client_first), std::optional<std::string>("a,b=c"));
  EXPECT_EQ(server.user(), "a,b=c");
}

TEST(ScramExchange, ClientAppliesSaslprepToTheName) {
  ScramClient client(ScramMechanism::kSha256, "\u2168", kHash123456);
  EXPECT_EQ(client_first_user(client.first()), std::optional<std::string>("IX"));
  ScramClient refused(ScramMechanism::kSha256, "a\u0007", kHash123456);
  EXPECT_EQ(refused.first(), "");
  EXPECT_EQ(refused.failure_reason(), "GSASL_SASLPREP_ERROR");
  ScramClient nul(ScramMechanism::kSha256, std::string_view("a\0b", 3), kHash123456);
  EXPECT_EQ(nul.first(), "");
}

TEST(ScramExchange, MalformedClientFirstFailsAndEndsTheExchange) {
  const std::vector<std::string> bad = {
      "",
      "!!!!",
      b64("n,,n=bob,r=abc").substr(1),  // not canonical base64
      b64("n,,n=bob"),                  // truncated
      b64("n,,n=bob,r=abc").substr(0, 12),
      b64(std::string("n,,n=bob,r=abc\0def", 18)),
      b64("garbage"),
  };
  for (const std::string& message : bad) {
    ScramServer server(ScramMechanism::kSha256, verifier_for(kHash123456));
    std::string out = "unchanged";
    EXPECT_EQ(server.step(message, out), ScramStep::kFailed) << message;
    EXPECT_EQ(out, "");
    // A good client-first after a bad one is refused too: the exchange is over.
    ScramClient client(ScramMechanism::kSha256, "bob", kHash123456);
    EXPECT_EQ(server.step(client.first(), out), ScramStep::kFailed) << message;
  }
}

TEST(ScramExchange, MalformedClientFinalFails) {
  ScramClient reference(ScramMechanism::kSha256, "bob", kHash123456);
  ScramServer reference_server(ScramMechanism::kSha256, verifier_for(kHash123456));
  const Exchange good = run(reference, reference_server);
  ASSERT_EQ(good.verified, ScramClientStep::kServerVerified);
  const std::string final_text = text_of(good.client_final);
  const std::vector<std::string> bad = {
      "!!!!",
      b64(final_text.substr(0, final_text.size() / 2)),   // truncated
      b64(final_text.substr(0, final_text.find(",p="))),  // no proof
      b64(final_text + "x"),                              // proof of the wrong length
      b64("c=biws,r=x,p=AAAA"),
      good.client_final,  // replayed: another exchange's nonce and proof
  };
  for (const std::string& message : bad) {
    ScramServer server(ScramMechanism::kSha256, verifier_for(kHash123456));
    ScramClient client(ScramMechanism::kSha256, "bob", kHash123456);
    std::string server_first;
    ASSERT_EQ(server.step(client.first(), server_first), ScramStep::kContinue);
    std::string out = "unchanged";
    EXPECT_EQ(server.step(message, out), ScramStep::kFailed) << message;
    EXPECT_EQ(out, "");
  }
}

TEST(ScramExchange, SecondClientFinalFailsAfterSuccessAndAfterFailure) {
  ScramServer server(ScramMechanism::kSha256, verifier_for(kHash123456));
  ScramClient client(ScramMechanism::kSha256, "bob", kHash123456);
  const Exchange e = run(client, server);
  ASSERT_EQ(e.server_final_step, ScramStep::kDone);
  std::string out;
  EXPECT_EQ(server.step(e.client_final, out), ScramStep::kFailed);
  EXPECT_EQ(server.failure_reason(), "exchange over");

  // After a wrong proof, the right one gets no second chance.
  ScramServer strict(ScramMechanism::kSha256, verifier_for(kHash123456));
  ScramClient honest(ScramMechanism::kSha256, "bob", kHash123456);
  std::string server_first;
  std::string client_final;
  ASSERT_EQ(strict.step(honest.first(), server_first), ScramStep::kContinue);
  ASSERT_EQ(honest.step(server_first, client_final), ScramClientStep::kContinue);
  std::string tampered = text_of(client_final);
  tampered[tampered.size() - 3] = tampered[tampered.size() - 3] == 'A' ? 'B' : 'A';
  EXPECT_EQ(strict.step(b64(tampered), out), ScramStep::kFailed);
  EXPECT_EQ(strict.step(client_final, out), ScramStep::kFailed);
  EXPECT_EQ(strict.failure_reason(), "GSASL_AUTHENTICATION_ERROR");
}

TEST(ScramExchange, MalformedServerFirstFailsTheClientBeforeAnyPbkdf2) {
  const std::string salt = ",s=" + to_base64(kSalt);
  struct Case {
    std::string text;         // server-first; "{N}" stands for the client's nonce
    std::string_view reason;  // empty: any
  };
  const std::vector<Case> cases = {
      {"r={N}xyz" + salt, "GSASL_MECHANISM_PARSE_ERROR"},  // no i=
      {"r=someoneelse" + salt + ",i=4096", "GSASL_AUTHENTICATION_ERROR"},
      {"r={N}xyz" + salt + ",i=1", "iteration count"},
      {"r={N}xyz" + salt + ",i=4095", "iteration count"},
      {"r={N}xyz" + salt + ",i=10000001", "iteration count"},
      {"r={N}xyz" + salt + ",i=4294967296", "iteration count"},
      {"r={N}xyz" + salt + ",i=99999999999999999999999", ""},
      {"r={N}xyz,s=not*base64,i=4096", "salt"},
      {"r={N}xyz,s=,i=4096", "GSASL_MECHANISM_PARSE_ERROR"},
      {"r={N}xyz" + salt + std::string(",i=4096\0x", 9), "NUL byte"},
  };
  for (const Case& c : cases) {
    ScramClient client(ScramMechanism::kSha256, "bob", kHash123456);
    const std::string first = text_of(client.first());
    std::string text = c.text;
    if (const std::size_t at = text.find("{N}"); at != std::string::npos) {
      text.replace(at, 3, first.substr(first.find("r=") + 2));
    }
    std::string out = "unchanged";
    EXPECT_EQ(client.step(b64(text), out), ScramClientStep::kFailed) << text;
    EXPECT_EQ(out, "");
    if (!c.reason.empty()) {
      EXPECT_EQ(client.failure_reason(), c.reason) << text;
    }
    EXPECT_EQ(client.pbkdf2_runs(), 0u) << text;
  }
  ScramClient client(ScramMechanism::kSha256, "bob", kHash123456);
  client.first();
  std::string out;
  EXPECT_EQ(client.step("!!!!", out), ScramClientStep::kFailed);
  EXPECT_EQ(client.failure_reason(), "not base64");
}

TEST(ScramExchange, ClientStepsOnlyInOrder) {
  ScramClient client(ScramMechanism::kSha256, "bob", kHash123456);
  std::string out;
  EXPECT_EQ(client.step(b64("r=x,s=c2FsdA==,i=4096"), out), ScramClientStep::kFailed);
  EXPECT_EQ(client.failure_reason(), "exchange over");
  ScramClient twice(ScramMechanism::kSha256, "bob", kHash123456);
  EXPECT_NE(twice.first(), "");
  EXPECT_EQ(twice.first(), "");
}

TEST(ScramExchange, MechanismAndBindingMustAgree) {
  const ScramVerifier v = verifier_for(kHash123456);
  EXPECT_THROW(ScramServer(ScramMechanism::kSha256Plus, v), std::invalid_argument);
  EXPECT_THROW(ScramServer(ScramMechanism::kSha256, v, kBindingA), std::invalid_argument);
  EXPECT_THROW(ScramClient(ScramMechanism::kSha256Plus, "bob", kHash123456), std::invalid_argument);
  EXPECT_THROW(ScramClient(ScramMechanism::kSha256, "bob", kHash123456, kBindingA),
               std::invalid_argument);
  EXPECT_THROW(ScramServer(ScramMechanism::kSha256, ScramVerifier{}), std::invalid_argument);
}

TEST(ScramExchange, ExchangesOnSeveralThreadsAtOnceAllSucceed) {
  // One GNU SASL context serves every thread (gsasl_session.cpp says why that is safe).
  const ScramVerifier verifier = verifier_for(kHash123456);
  SaltedPasswordCache cache;
  constexpr int kThreads = 4;
  constexpr int kLogins = 50;
  std::array<int, kThreads> verified{};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kLogins; ++i) {
        ScramServer server(ScramMechanism::kSha256Plus, verifier, kBindingA);
        ScramClient client(ScramMechanism::kSha256Plus, "bob", kHash123456, kBindingA, &cache);
        if (run(client, server).verified == ScramClientStep::kServerVerified) {
          ++verified[t];
        }
      }
    });
  }
  for (std::thread& t : threads) {
    t.join();
  }
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(verified[t], kLogins) << t;
  }
}

}  // namespace
}  // namespace tsna::auth
