// setup.cpp - resolving the host, naming the users, framing the request mix, and the
// open-file limit (common/file_limit.hpp's rule, tsna-bench's warning).
#include "bench/setup.hpp"

#include <unistd.h>

#include <cstdio>
#include <stdexcept>

#include "auth/ntlm.hpp"
#include "bench/connection_steps.hpp"
#include "bench/lanes.hpp"
#include "common/file_limit.hpp"

namespace tsna::bench {
namespace {

constexpr std::string_view kRedisPing = "PING\r\n";

tcp::endpoint resolve(const BenchOptions& o) {
  std::error_code ec;
  const asio::ip::address address = asio::ip::make_address(o.host, ec);
  if (!ec) {
    return tcp::endpoint(address, o.port);
  }
  asio::io_context io;
  tcp::resolver resolver(io);
  const auto results = resolver.resolve(o.host, std::to_string(o.port), ec);
  if (ec || results.empty()) {
    throw std::runtime_error("cannot resolve " + o.host + ": " + ec.message());
  }
  return results.begin()->endpoint();
}

}  // namespace

Shared prepare_run(const BenchOptions& options) {
  Shared s;
  s.options = options;
  s.endpoint = resolve(options);
  s.users = effective_users(options);
  s.hash = auth::ntlm_hash(options.password);
  s.user_prefix = options.user_prefix.empty()
                      ? "bench-" + std::to_string(static_cast<long>(::getpid()))
                      : options.user_prefix;
  switch (options.target) {
    case Target::kTsna2:
      s.format = ReplyFormat::kTsna2;
      break;
    case Target::kClassic:
      s.format = ReplyFormat::kClassic;
      break;
    case Target::kRedis:
      s.format = ReplyFormat::kRedis;
      s.requests = {std::string(kRedisPing)};
      return s;
  }
  for (const std::string& c : effective_commands(options)) {
    s.requests.push_back(frame_request(options.target, c));
  }
  return s;
}

void raise_file_limit_for(const BenchOptions& options) {
  const bool logins = options.mode == Mode::kLogins;
  const std::size_t sockets =
      (logins ? options.concurrency : options.connections) + options.idle + kRegisterLanes;
  const std::optional<FileLimit> limit = raise_file_limit(sockets);
  if (limit && !limit->enough()) {
    std::fprintf(stderr,
                 "tsna-bench: warning: open-file limit %llu is below the %llu descriptors this "
                 "run needs; some connections will fail\n",
                 static_cast<unsigned long long>(limit->current),
                 static_cast<unsigned long long>(limit->needed));
  }
}

}  // namespace tsna::bench
