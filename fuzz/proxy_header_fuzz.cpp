// proxy_header_fuzz.cpp - libFuzzer target for tsna::parse_proxy_header (HAProxy's PROXY
// protocol v1 and v2): the input is what a balancer's socket delivers. Checks the verdict of
// every prefix, as the server peeks at a growing prefix: need-more until one verdict, which no
// longer input changes; a header's bytes and fields agree with the input. Fuzz-only; depends
// on src/protocol.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "fuzz_support.hpp"
#include "protocol/proxy_header.hpp"

namespace tsna {
namespace {

bool same(const ProxyParse& a, const ProxyParse& b) {
  return a.status == b.status && a.version == b.version && a.length == b.length &&
         a.source == b.source && a.destination == b.destination && a.error == b.error;
}

// A header's fields against its bytes, by the spec's layout rather than by the parser's code.
void check_header(std::string_view in, const ProxyParse& p) {
  TSNA_FUZZ_CHECK(p.length <= in.size() && p.length <= kMaxProxyHeaderBytes, in);
  const std::string_view h = in.substr(0, p.length);
  if (p.version == 1) {
    TSNA_FUZZ_CHECK(h.starts_with("PROXY ") && h.ends_with("\r\n"), h);
    TSNA_FUZZ_CHECK(h.size() <= kMaxProxyV1Bytes, h);
    TSNA_FUZZ_CHECK(h.find('\n') == h.size() - 1, h);
    TSNA_FUZZ_CHECK(p.source.has_value() == !h.starts_with("PROXY UNKNOWN"), h);
    if (p.source) {
      // The line holds the addresses and ports as to_string() writes them back.
      const std::string src = p.source->to_string();
      const std::string dst = p.destination->to_string();
      const auto host = [](const std::string& s) {
        const std::string a = s.substr(0, s.rfind(':'));
        return a.starts_with("[") ? a.substr(1, a.size() - 2) : a;
      };
      const auto port = [](const std::string& s) { return s.substr(s.rfind(':') + 1); };
      const std::string expect = std::string("PROXY ") + (p.source->v6 ? "TCP6 " : "TCP4 ") +
                                 host(src) + " " + host(dst) + " " + port(src) + " " + port(dst) +
                                 "\r\n";
      // inet_pton accepts other spellings of an IPv6 address: compare by re-parsing.
      const ProxyParse again = parse_proxy_header(expect);
      TSNA_FUZZ_CHECK(again.status == ProxyStatus::kHeader && again.source == p.source &&
                          again.destination == p.destination,
                      expect);
    }
    return;
  }
  TSNA_FUZZ_CHECK(p.version == 2, h);
  TSNA_FUZZ_CHECK(h.starts_with(kProxyV2Signature), h);
  TSNA_FUZZ_CHECK(h.size() >= 16, h);
  const auto u8 = [&h](std::size_t i) { return static_cast<std::uint8_t>(h[i]); };
  TSNA_FUZZ_CHECK(p.length == 16u + (u8(14) << 8 | u8(15)), h);
  TSNA_FUZZ_CHECK((u8(12) >> 4) == 2 && (u8(12) & 0x0F) <= 1, h);
  const bool proxy = (u8(12) & 0x0F) == 1;
  const int family = u8(13) >> 4;
  TSNA_FUZZ_CHECK(p.source.has_value() == (proxy && family != 0), h);
  if (p.source) {
    TSNA_FUZZ_CHECK((family == 1 || family == 2) && (u8(13) & 0x0F) == 1, h);
    const std::size_t a = p.source->v6 ? 16 : 4;
    TSNA_FUZZ_CHECK(p.source->v6 == (family == 2), h);
    TSNA_FUZZ_CHECK(std::memcmp(h.data() + 16, p.source->address.data(), a) == 0, h);
    TSNA_FUZZ_CHECK(std::memcmp(h.data() + 16 + a, p.destination->address.data(), a) == 0, h);
    TSNA_FUZZ_CHECK(p.source->port == (u8(16 + 2 * a) << 8 | u8(17 + 2 * a)), h);
  }
}

}  // namespace
}  // namespace tsna

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace tsna;
  const std::string_view in = fuzz::as_chars(data, std::min<std::size_t>(size, 1024));
  // Every prefix, as a server peeking at a slow peer would see them.
  bool decided = false;
  ProxyParse verdict;
  for (std::size_t k = 0; k <= in.size(); ++k) {
    const std::string_view prefix = in.substr(0, k);
    const ProxyParse p = parse_proxy_header(prefix);
    if (!decided) {
      if (p.status == ProxyStatus::kNeedMore) {
        TSNA_FUZZ_CHECK(k < kMaxProxyHeaderBytes, prefix);  // the cap bounds the wait
        continue;
      }
      decided = true;
      verdict = p;
      if (p.status == ProxyStatus::kHeader) {
        TSNA_FUZZ_CHECK(p.length == k, prefix);  // decided as soon as its last byte came
        check_header(prefix, p);
      } else {
        TSNA_FUZZ_CHECK(!p.error.empty(), prefix);
      }
      continue;
    }
    TSNA_FUZZ_CHECK(same(p, verdict), prefix);  // bytes after a verdict change nothing
  }
  return 0;
}
