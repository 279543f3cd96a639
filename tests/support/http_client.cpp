// http_client.cpp - one HTTP request over a TestClient (see http_client.hpp). Test code only.
#include "support/http_client.hpp"

#include "support/test_client.hpp"

namespace tsna::testing {

HttpResponse http_exchange(std::uint16_t port, std::string_view request) {
  TestClient c(port);
  c.send(request);
  HttpResponse r;
  r.head = c.read_until("\r\n\r\n");
  const std::string length_header = "Content-Length: ";
  const std::size_t at = r.head.find(length_header);
  if (at != std::string::npos) {
    r.body = c.read_exact(std::stoul(r.head.substr(at + length_header.size())));
  }
  r.closed = c.closed_by_peer();
  return r;
}

HttpResponse http_get(std::uint16_t port, std::string_view path) {
  return http_exchange(port, "GET " + std::string(path) +
                                 " HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: test\r\n\r\n");
}

}  // namespace tsna::testing
