// main.cpp - tsna-bench's command line (SPEC 6): CLI11 options into BenchOptions, one run, the
// report in text or JSON. Everything else lives in tsna_bench_lib.
#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <exception>
#include <map>
#include <string>

#include "bench/options.hpp"
#include "bench/report.hpp"
#include "bench/runner.hpp"
#include "common/version.hpp"

int main(int argc, char** argv) {
  using tsna::bench::BenchOptions;
  BenchOptions o;
  CLI::App app{
      "tsna-bench: load generator for tsna-server (TSNA/2 or classic) and Redis (inline PING)"};
  app.set_version_flag("--version", std::string("tsna-bench ") + tsna::kVersion);
  bool classic = false;
  bool redis = false;
  bool logins = false;
  pid_t server_pid = 0;
  app.add_option("--host", o.host, "Server address")->capture_default_str();
  app.add_option("--port", o.port, "Server port")->capture_default_str();
  app.add_flag("--classic", classic,
               "Classic dialect: login NAME HASH (the server needs --allow-classic)");
  app.add_flag("--redis", redis, "Drive a Redis server with inline PING instead");
  app.add_flag("--logins", logins,
               "Measure logins/s: workers loop connect, hello, login, answer, close");
  app.add_option("-c,--connections", o.connections, "Active connections (commands mode)")
      ->capture_default_str();
  app.add_option("--concurrency", o.concurrency, "Login workers (--logins)")->capture_default_str();
  app.add_option("-d,--depth", o.depth, "Requests in flight per connection (pipelining)")
      ->capture_default_str();
  const std::map<std::string, tsna::bench::Pattern> patterns = {
      {"window", tsna::bench::Pattern::kWindow}, {"batch", tsna::bench::Pattern::kBatch}};
  app.add_option("--pattern", o.pattern,
                 "window: keep --depth requests in flight, answering each read's replies with "
                 "new requests in one write; batch: send --depth requests in one send() and the "
                 "next batch once all are answered, as typical clients do")
      ->transform(CLI::CheckedTransformer(patterns))
      ->default_str("window");
  app.add_option("--command", o.commands,
                 "A command of the mix, sent round-robin (repeatable; default \"sum 1 2 3\")")
      ->allow_extra_args(
          false)  // one quoted command per --command: "--command sum 1 2" is an error
      ->type_name("TEXT");
  app.add_option("-s,--seconds", o.seconds, "Measured seconds")->capture_default_str();
  app.add_option("--warmup", o.warmup, "Unmeasured seconds before them")->capture_default_str();
  app.add_option("--idle", o.idle,
                 "Extra idle connections held open during the run (connect, greeting, hello)")
      ->capture_default_str();
  app.add_option("-t,--threads", o.threads, "Client threads, one event loop each")
      ->capture_default_str();
  app.add_option("--users", o.users,
                 "Distinct users the connections log in as (default: min(connections, 100))");
  app.add_option("--user-prefix", o.user_prefix,
                 "User names are PREFIX-<i> (default: bench-<pid>)");
  app.add_option("--password", o.password, "The users' password")->capture_default_str();
  app.add_option("--server-pid", server_pid,
                 "Sample this process's VmRSS before and after the idle connections open");
  app.add_option("--setup-timeout", o.setup_timeout, "Seconds each setup phase may take")
      ->capture_default_str();
  app.add_flag("--json", o.json, "Print one JSON object instead of text");
  CLI11_PARSE(app, argc, argv);

  if (classic && redis) {
    std::fprintf(stderr, "tsna-bench: --classic and --redis exclude each other\n");
    return 2;
  }
  o.target = redis     ? tsna::bench::Target::kRedis
             : classic ? tsna::bench::Target::kClassic
                       : tsna::bench::Target::kTsna2;
  o.mode = logins ? tsna::bench::Mode::kLogins : tsna::bench::Mode::kCommands;
  if (app.count("--server-pid") != 0) {
    o.server_pid = server_pid;
  }
  if (const auto problem = tsna::bench::validate(o)) {
    std::fprintf(stderr, "tsna-bench: %s\n", problem->c_str());
    return 2;
  }
  std::signal(SIGPIPE, SIG_IGN);
  try {
    const tsna::bench::BenchResult result = tsna::bench::run_bench(o);
    const std::string text =
        o.json ? tsna::bench::format_json(result) : tsna::bench::format_text(result);
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
    const bool nothing = o.mode == tsna::bench::Mode::kLogins
                             ? result.logins == 0
                             : result.commands == 0 && result.idle_open == 0;
    return result.errors() != 0 || nothing ? 1 : 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "tsna-bench: %s\n", e.what());
    return 2;
  }
}
