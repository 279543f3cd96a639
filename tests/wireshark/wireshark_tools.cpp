// wireshark_tools.cpp - dumpcap as a child process (its "Capturing on" line read from a log
// file), tshark through /bin/sh, and the capture read back with the test suite's pcapng reader.
#include "wireshark/wireshark_tools.hpp"

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "support/pcapng.hpp"
#include "support/shell_command.hpp"
#include "support/temp_dir.hpp"

extern char** environ;

namespace tsna::testing {
namespace {

using namespace std::chrono_literals;

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> parts;
  std::string::size_type start = 0;
  for (;;) {
    const std::string::size_type at = text.find(sep, start);
    parts.push_back(text.substr(start, at - start));
    if (at == std::string::npos) {
      return parts;
    }
    start = at + 1;
  }
}

}  // namespace

std::filesystem::path dissector_path() {
  return std::filesystem::path(TSNA_SOURCE_DIR) / "contrib" / "wireshark" / "tsna.lua";
}

LoopbackCapture::LoopbackCapture(const std::filesystem::path& file, const std::string& filter)
    : file_(file), log_(file.string() + ".log") {
  const std::string command = "exec " TSNA_DUMPCAP_BIN " -q -i lo -f " + shell_quote(filter) +
                              " -w " + shell_quote(file.string()) + " 2>" +
                              shell_quote(log_.string());
  const char* argv[] = {"/bin/sh", "-c", command.c_str(), nullptr};
  if (posix_spawn(&pid_, "/bin/sh", nullptr, nullptr, const_cast<char**>(argv), environ) != 0) {
    throw std::runtime_error("cannot start dumpcap");
  }
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (read_text(log_).find("Capturing on") == std::string::npos) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("dumpcap ended: " + read_text(log_));
    }
    if (std::chrono::steady_clock::now() > deadline) {
      stop();
      throw std::runtime_error("dumpcap did not start capturing: " + read_text(log_));
    }
    std::this_thread::sleep_for(20ms);
  }
}

LoopbackCapture::~LoopbackCapture() {
  stop();
}

bool LoopbackCapture::stop_after(std::uint16_t server_port, const std::string& text,
                                 std::size_t count) {
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  bool seen = false;
  while (!seen && std::chrono::steady_clock::now() < deadline) {
    std::size_t found = 0;
    try {
      for (const TcpConversation& c : read_tcp_conversations(file_.string(), server_port)) {
        for (const TcpSegment& s : c.segments) {
          found += !s.from_client && s.payload.ends_with(text) ? 1 : 0;
        }
      }
    } catch (const std::runtime_error&) {
      // dumpcap is in the middle of writing a block: read again.
    }
    seen = found >= count;
    if (!seen) {
      std::this_thread::sleep_for(50ms);
    }
  }
  stop();
  return seen;
}

void LoopbackCapture::stop() {
  if (pid_ < 0) {
    return;
  }
  ::kill(pid_, SIGINT);
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  int status = 0;
  while (waitpid(pid_, &status, WNOHANG) != pid_) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(20ms);
  }
  pid_ = -1;
}

TsharkResult run_tshark(const std::filesystem::path& capture,
                        const std::vector<std::string>& args) {
  const TempDir dir;  // for stderr: never next to the capture (the seed's is in the source tree)
  const std::filesystem::path err = dir.path() / "tshark-stderr";
  std::string command = TSNA_TSHARK_BIN " -X lua_script:" + shell_quote(dissector_path().string()) +
                        " -r " + shell_quote(capture.string());
  for (const std::string& a : args) {
    command += " " + shell_quote(a);
  }
  command += " 2>" + shell_quote(err.string());
  const CommandResult r = run_shell(command);
  return {r.output, read_text(err), r.status};
}

std::map<std::string, std::vector<std::string>> tshark_fields(
    const std::filesystem::path& capture, const std::vector<std::string>& options,
    const std::string& filter, const std::vector<std::string>& fields) {
  std::vector<std::string> args = options;
  args.insert(args.end(), {"-Y", filter, "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=|",
                           "-e", "_ws.lua.error"});
  for (const std::string& f : fields) {
    args.insert(args.end(), {"-e", f});
  }
  const TsharkResult r = run_tshark(capture, args);
  // tshark runs as root in CI and says so on stderr; that line is not an error.
  std::string err;
  for (const std::string& line : split(r.err, '\n')) {
    if (!line.empty() && !line.starts_with("Running as user \"root\"")) {
      err += line + "\n";
    }
  }
  if (r.status != 0 || !err.empty()) {
    throw std::runtime_error("tshark failed (" + std::to_string(r.status) + "): " + err);
  }
  std::map<std::string, std::vector<std::string>> values;
  for (const std::string& row : split(r.out, '\n')) {
    if (row.empty()) {
      continue;
    }
    const std::vector<std::string> columns = split(row, '\t');
    if (columns.size() != fields.size() + 1) {
      throw std::runtime_error("tshark row has the wrong number of columns: " + row);
    }
    if (!columns[0].empty()) {
      throw std::runtime_error("Lua error in the dissector: " + columns[0]);
    }
    for (std::size_t i = 0; i < fields.size(); ++i) {
      if (!columns[i + 1].empty()) {
        for (const std::string& v : split(columns[i + 1], '|')) {
          values[fields[i]].push_back(v);
        }
      }
    }
  }
  return values;
}

}  // namespace tsna::testing
