// wireshark_tools.hpp - test support for the Wireshark dissector (contrib/wireshark/tsna.lua):
// a dumpcap capture on loopback that a test starts and stops, and tshark runs with the
// dissector loaded whose fields come back as rows. Depends on nothing of TSNA's code.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace tsna::testing {

// `dumpcap -i lo -f FILTER -w FILE`, started in the constructor, which returns once dumpcap
// says it is capturing (at most 10 s, else std::runtime_error); stopped by stop() or the
// destructor (SIGINT, then SIGKILL after 10 s).
class LoopbackCapture {
 public:
  LoopbackCapture(const std::filesystem::path& file, const std::string& filter);
  ~LoopbackCapture();
  LoopbackCapture(const LoopbackCapture&) = delete;
  LoopbackCapture& operator=(const LoopbackCapture&) = delete;

  // Waits (at most 10 s) until the capture holds `count` TCP segments from `server_port` whose
  // payload ends with `text`, then stops dumpcap. False when they did not all come.
  bool stop_after(std::uint16_t server_port, const std::string& text, std::size_t count);
  void stop();
  const std::filesystem::path& file() const { return file_; }

 private:
  std::filesystem::path file_;
  std::filesystem::path log_;
  pid_t pid_ = -1;
};

// What tshark printed: stdout, stderr, the exit status.
struct TsharkResult {
  std::string out;
  std::string err;
  int status = -1;
};

// Runs `tshark -X lua_script:<the dissector> -r CAPTURE <args...>`.
TsharkResult run_tshark(const std::filesystem::path& capture, const std::vector<std::string>& args);

// Runs tshark with `-Y FILTER -T fields -e F1 -e F2 ...` (every occurrence, joined by `|`) and
// gives, per field, every value of every matching frame in frame order. A run whose stderr is
// not empty or that shows a Lua error (_ws.lua.error) throws std::runtime_error with the text.
std::map<std::string, std::vector<std::string>> tshark_fields(
    const std::filesystem::path& capture, const std::vector<std::string>& options,
    const std::string& filter, const std::vector<std::string>& fields);

// The dissector's path in the source tree.
std::filesystem::path dissector_path();

}  // namespace tsna::testing
