// load_loop.cpp - prepared requests copied into a buffer the connection keeps, written without
// suspending while the socket takes them, replies counted in place as each read arrives.
#include "bench/load_loop.hpp"

#include <algorithm>

namespace tsna::bench {
namespace {

// Appends `count` requests of the mix to c.out and stamps them `t`.
void queue_requests(ActiveConnection& c, const Shared& s, std::size_t count, std::int64_t t) {
  const std::size_t depth = c.sent.size();
  for (std::size_t i = 0; i < count; ++i) {
    c.out += s.requests[c.next_command];
    if (++c.next_command == s.requests.size()) {
      c.next_command = 0;
    }
    std::size_t slot = c.head + c.in_flight;
    if (slot >= depth) {
      slot -= depth;
    }
    c.sent[slot] = t;
    ++c.in_flight;
  }
}

// Writes what the socket takes of c.out now, from c.written on. True when all of it is written
// (c.out is then cleared); false on would-block (ec clear) or an error (ec set).
bool write_now(ActiveConnection& c, std::error_code& ec) {
  while (c.written < c.out.size()) {
    c.written +=
        c.socket.write_some(asio::buffer(c.out.data() + c.written, c.out.size() - c.written), ec);
    if (ec == asio::error::would_block || ec == asio::error::try_again) {
      ec.clear();
      return false;
    }
    if (ec) {
      return false;
    }
  }
  c.out.clear();
  c.written = 0;
  return true;
}

// Writes c.out. Small requests on a healthy connection always go at once, with no suspension;
// only a full socket buffer makes it wait for writability.
asio::awaitable<std::error_code> write_out(ActiveConnection& c) {
  std::error_code ec;
  while (!write_now(c, ec) && !ec) {
    auto [wait_ec] = co_await c.socket.async_wait(asio::socket_base::wait_write, kNoThrow);
    if (wait_ec) {
      co_return wait_ec;
    }
  }
  co_return ec;
}

// Counts the replies completed by the `n` bytes just read into c.in, each against the send time
// of the oldest request in flight; returns how many completed.
std::size_t take_replies(Worker& w, ActiveConnection& c, std::size_t n) {
  const std::int64_t t = now_ns();
  const std::size_t depth = c.sent.size();
  return c.scanner.feed(std::string_view(c.in.data(), n), [&](bool ok) {
    if (c.in_flight == 0) {
      ok = false;  // a reply to nothing: count it as an error, there is no send time
    } else {
      const std::int64_t sent = c.sent[c.head];
      if (++c.head == depth) {
        c.head = 0;
      }
      --c.in_flight;
      if (w.measuring) {
        w.counters.latency.record(static_cast<std::uint64_t>(t - sent));
      }
    }
    if (w.measuring) {
      ++w.counters.commands;
      if (!ok) {
        ++w.counters.replies_400;
      }
    }
  });
}

}  // namespace

asio::awaitable<void> drive(Worker& w, const Shared& s, ActiveConnection& c) {
  if (!w.started) {
    co_await w.gate.async_wait(kNoThrow);
  }
  std::error_code ec;
  if (!w.stopping) {
    queue_requests(c, s, c.sent.size(), now_ns());
    if (!write_now(c, ec) && !ec) {
      ec = co_await write_out(c);
    }
  }
  const std::size_t depth = c.sent.size();
  const bool batch = s.options.pattern == Pattern::kBatch;
  while (!ec && !w.stopping) {
    // async_read_some, not async_wait + read_some: asio 1.22 re-arms epoll with an epoll_ctl
    // for every async_wait; a speculative read that finds nothing costs less (measured: about
    // 7 % less client CPU per command).
    auto [read_ec, n] = co_await c.socket.async_read_some(asio::buffer(c.in), kNoThrow);
    if (w.stopping) {
      break;
    }
    if (read_ec) {
      ec = read_ec;
      break;
    }
    const std::size_t completed = take_replies(w, c, n);
    if (completed == 0 || (batch && c.in_flight != 0)) {
      continue;
    }
    // Closed loop. kWindow: one new request for each reply, all in one write; kBatch: the next
    // whole batch, once the last one is answered.
    queue_requests(c, s, batch ? depth : std::min(completed, depth - c.in_flight), now_ns());
    if (!write_now(c, ec) && !ec) {
      ec = co_await write_out(c);
    }
  }
  if (ec && !w.stopping) {
    w.fail(connection_failure("during the run", ec));
  }
  w.loop_ended();
}

}  // namespace tsna::bench
