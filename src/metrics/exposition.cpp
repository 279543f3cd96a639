// exposition.cpp - writes the Prometheus text format (exposition.hpp). A labelled counter that
// is still zero is left out where its label set is large (commands, store operations); the
// small fixed sets are always written, so a dashboard sees them from the first scrape.
#include "metrics/exposition.hpp"

#include <charconv>
#include <initializer_list>
#include <utility>

namespace tsna::metrics {
namespace {

class Writer {
 public:
  explicit Writer(std::string& out) : out_(out) {}

  void family(std::string_view name, std::string_view type, std::string_view help) {
    out_.append("# HELP ").append(name).append(" ").append(help).append("\n");
    out_.append("# TYPE ").append(name).append(" ").append(type).append("\n");
  }

  // name{k1="v1",k2="v2"} value
  void sample(std::string_view name,
              std::initializer_list<std::pair<std::string_view, std::string_view>> labels,
              std::string_view value) {
    out_.append(name);
    if (labels.size() != 0) {
      out_.push_back('{');
      bool first = true;
      for (const auto& [key, label] : labels) {
        if (!first) {
          out_.push_back(',');
        }
        first = false;
        out_.append(key).append("=\"");
        append_escaped(label);
        out_.push_back('"');
      }
      out_.push_back('}');
    }
    out_.push_back(' ');
    out_.append(value).push_back('\n');
  }

 private:
  // Label values escape backslash, double quote and line feed.
  void append_escaped(std::string_view value) {
    for (const char c : value) {
      if (c == '\\' || c == '"') {
        out_.push_back('\\');
        out_.push_back(c);
      } else if (c == '\n') {
        out_.append("\\n");
      } else {
        out_.push_back(c);
      }
    }
  }

  std::string& out_;
};

std::string number(std::uint64_t v) {
  char buf[24];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, end);
}

// The shortest fixed-point form that reads back as `v` ("0.0005", not "5e-04"): bucket bounds
// then look as they are written in kStoreLatencyBounds.
std::string number(double v) {
  char buf[64];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
  return std::string(buf, end);
}

void write_connections(Writer& w, const Totals& t) {
  w.family("tsna_connections_open", "gauge", "Connections open now, by port kind.");
  for (std::size_t k = 0; k < kPortKindLabels.size(); ++k) {
    const std::uint64_t accepted = t.connections_accepted[k];
    const std::uint64_t closed = t.connections_closed[k];
    // Read from several threads' shards one after another: never show a negative count.
    w.sample("tsna_connections_open", {{"port", kPortKindLabels[k]}},
             number(accepted > closed ? accepted - closed : 0));
  }
  w.family("tsna_connections_accepted_total", "counter",
           "Connections accepted and served, by port kind.");
  for (std::size_t k = 0; k < kPortKindLabels.size(); ++k) {
    w.sample("tsna_connections_accepted_total", {{"port", kPortKindLabels[k]}},
             number(t.connections_accepted[k]));
  }
  w.family("tsna_connections_rejected_total", "counter",
           "Connections refused because --max-connections were open, by port kind.");
  for (std::size_t k = 0; k < kPortKindLabels.size(); ++k) {
    w.sample("tsna_connections_rejected_total", {{"port", kPortKindLabels[k]}},
             number(t.connections_rejected[k]));
  }
}

void write_commands(Writer& w, const Scrape& s) {
  w.family("tsna_commands_total", "counter",
           "Messages answered, by command and reply code (command \"other\": not a known one).");
  const std::vector<std::string>& labels = *s.command_labels;
  for (std::size_t c = 0; c < labels.size(); ++c) {
    for (std::size_t r = 0; r < kReplyCodeLabels.size(); ++r) {
      if (const std::uint64_t n = s.totals.commands[c][r]; n != 0) {
        w.sample("tsna_commands_total", {{"command", labels[c]}, {"code", kReplyCodeLabels[r]}},
                 number(n));
      }
    }
  }
}

void write_logins(Writer& w, const Totals& t) {
  w.family("tsna_logins_total", "counter", "Logins by dialect and outcome.");
  for (std::size_t d = 0; d < kDialectLabels.size(); ++d) {
    for (std::size_t o = 0; o < kLoginOutcomeLabels.size(); ++o) {
      w.sample("tsna_logins_total",
               {{"dialect", kDialectLabels[d]}, {"outcome", kLoginOutcomeLabels[o]}},
               number(t.logins[d][o]));
    }
  }
}

void write_store(Writer& w, const Totals& t) {
  w.family("tsna_store_operations_total", "counter",
           "Store operations (lookups, password checks, writes, failure counts) by outcome.");
  for (std::size_t op = 0; op < kStoreOperationLabels.size(); ++op) {
    for (std::size_t o = 0; o < kStoreOutcomeLabels.size(); ++o) {
      if (const std::uint64_t n = t.store[op][o]; n != 0) {
        w.sample("tsna_store_operations_total",
                 {{"operation", kStoreOperationLabels[op]}, {"outcome", kStoreOutcomeLabels[o]}},
                 number(n));
      }
    }
  }
  constexpr std::string_view kName = "tsna_store_operation_duration_seconds";
  w.family(kName, "histogram", "Time the store operations that ran took, by operation.");
  for (std::size_t op = 0; op < kStoreOperationLabels.size(); ++op) {
    std::uint64_t count = 0;
    for (const std::uint64_t n : t.store_latency[op]) {
      count += n;
    }
    if (count == 0) {
      continue;
    }
    const std::string_view operation = kStoreOperationLabels[op];
    std::uint64_t cumulative = 0;
    for (std::size_t b = 0; b < kStoreLatencyBounds.size(); ++b) {
      cumulative += t.store_latency[op][b];
      w.sample("tsna_store_operation_duration_seconds_bucket",
               {{"operation", operation}, {"le", number(kStoreLatencyBounds[b])}},
               number(cumulative));
    }
    w.sample("tsna_store_operation_duration_seconds_bucket",
             {{"operation", operation}, {"le", "+Inf"}}, number(count));
    w.sample("tsna_store_operation_duration_seconds_sum", {{"operation", operation}},
             number(static_cast<double>(t.store_latency_ns[op]) / 1e9));
    w.sample("tsna_store_operation_duration_seconds_count", {{"operation", operation}},
             number(count));
  }
}

void write_audit(Writer& w, const Scrape& s) {
  if (s.audit_written) {
    w.family("tsna_audit_records_written_total", "counter",
             "Audit log records written to the file.");
    w.sample("tsna_audit_records_written_total", {}, number(*s.audit_written));
  }
  if (s.audit_dropped) {
    w.family("tsna_audit_records_dropped_total", "counter",
             "Audit log records dropped because the writer fell too far behind.");
    w.sample("tsna_audit_records_dropped_total", {}, number(*s.audit_dropped));
  }
}

}  // namespace

std::string render(const Scrape& scrape) {
  std::string out;
  out.reserve(8192);
  Writer w(out);
  w.family("tsna_build_info", "gauge", "Always 1; the version label says which TSNA runs.");
  w.sample("tsna_build_info", {{"version", scrape.version}}, "1");
  write_connections(w, scrape.totals);
  write_commands(w, scrape);
  write_logins(w, scrape.totals);
  write_store(w, scrape.totals);
  write_audit(w, scrape);
  return out;
}

}  // namespace tsna::metrics
