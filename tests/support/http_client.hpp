// http_client.hpp - one HTTP request over a TestClient for the tests of --metrics and /health:
// the request sent as given, the response read until the server closes. Test code only.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace tsna::testing {

struct HttpResponse {
  std::string head;  // status line and headers, up to the blank line
  std::string body;
  bool closed = false;  // the server closed the connection after the response
};

// Sends `request` as is and reads the response the server sends before it closes.
HttpResponse http_exchange(std::uint16_t port, std::string_view request);

// GET `path` as HTTP/1.1 with a Host header.
HttpResponse http_get(std::uint16_t port, std::string_view path);

}  // namespace tsna::testing
