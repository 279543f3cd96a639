// options.hpp - what one tsna-bench run does, its defaults, and the checks that bound it in
// connections and time. Pure: parsing the command line is main.cpp's job (CLI11).
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tsna::bench {

// Hard caps, so that a typo cannot leave a load generator running for hours or exhaust ports.
inline constexpr std::size_t kMaxTotalConnections = 20000;  // active + idle (+ login workers)
inline constexpr double kMaxSeconds = 600;                  // warmup + measured run
inline constexpr std::size_t kMaxDepth = 4096;
inline constexpr std::size_t kMaxThreads = 64;
inline constexpr std::size_t kMaxCommandBytes = 4096;  // the server's line limit (SPEC 1.2)
// Requests in flight per connection, in bytes: the client writes a window before it reads, so
// the window must fit the socket buffers or client and server could each wait for the other.
inline constexpr std::size_t kMaxPipelineBytes = 256 * 1024;

enum class Target {
  kTsna2,    // tsna-server, TSNA/2 dialect (the default)
  kClassic,  // tsna-server or the seed's server, classic dialect (login NAME HASH)
  kRedis,    // a Redis server: inline "PING\r\n", expecting "+PONG\r\n"; no login
};

// How a connection of the commands mode keeps its requests going (both closed-loop).
enum class Pattern {
  kWindow,  // `depth` in flight at all times: each read's replies are answered by as many new
            // requests, all in one write (tsna-bench's own, the cheapest for the client)
  kBatch,   // as typical clients and redis-benchmark -P: a batch of `depth` requests in one
            // send(), the next batch only once every reply of this one has arrived
};

enum class Mode {
  kCommands,  // N logged-in connections send commands closed-loop (or pipelined)
  kLogins,    // C workers loop connect, greeting, hello, login, answer, close
};

struct BenchOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 6016;
  Target target = Target::kTsna2;
  Mode mode = Mode::kCommands;
  std::size_t connections = 50;  // kCommands: active connections
  std::size_t concurrency = 16;  // kLogins: workers
  std::size_t depth = 1;         // requests in flight per connection (at most, kBatch)
  Pattern pattern = Pattern::kWindow;
  std::vector<std::string> commands;  // the mix, sent round-robin; empty = "sum 1 2 3"
  double seconds = 10;                // measured time
  double warmup = 1;                  // unmeasured time before it
  std::size_t idle = 0;               // extra connections held open (connect, greeting, hello only)
  std::size_t threads = 1;            // client threads, each with its own io_context
  std::size_t users = 0;              // distinct users (kCommands); 0 = min(connections, 100)
  std::string password = "tsna-bench-password";
  std::string user_prefix;          // names are "<prefix>-<i>"; "" = "bench-<pid>"
  std::optional<pid_t> server_pid;  // sample its VmRSS
  double setup_timeout = 60;        // connecting, registering and logging in, per phase
  bool json = false;
};

// The first problem with `options`, as one line for the user; nullopt when it may run.
std::optional<std::string> validate(const BenchOptions& options);

inline constexpr const char* kDefaultCommand = "sum 1 2 3";

// The command mix: `commands`, or the default one.
std::vector<std::string> effective_commands(const BenchOptions& options);

// The users a run logs in as: users, or min(connections, 100) in kCommands; concurrency in
// kLogins; 0 for Redis.
std::size_t effective_users(const BenchOptions& options);

}  // namespace tsna::bench
