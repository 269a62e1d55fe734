#include "libs/common/metrics.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"

namespace dossier::metrics {
namespace {

// Label values and HELP text escape backslash and newline; label values
// also escape the double quote.
std::string Escape(const std::string& text, bool quote) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && quote) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
  return out;
}

// {a="x",b="y"} for the given names and values, plus an optional extra
// label (le for histogram buckets); "" when there are none.
std::string LabelSet(const std::vector<std::string>& names, const LabelValues& values,
                     const std::string& extra_name = "", const std::string& extra_value = "") {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    absl::StrAppend(&out, out.empty() ? "{" : ",", names[i], "=\"",
                    Escape(i < values.size() ? values[i] : "", true), "\"");
  }
  if (!extra_name.empty()) {
    absl::StrAppend(&out, out.empty() ? "{" : ",", extra_name, "=\"", Escape(extra_value, true), "\"");
  }
  if (!out.empty()) out += "}";
  return out;
}

const char* TypeName(MetricType type) {
  switch (type) {
    case MetricType::kCounter:
      return "counter";
    case MetricType::kGauge:
      return "gauge";
    case MetricType::kHistogram:
      return "histogram";
  }
  return "untyped";
}

bool ValidName(const std::string& name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
                    (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

[[noreturn]] void Misuse(const std::string& message) {
  std::fprintf(stderr, "metrics: %s\n", message.c_str());
  std::abort();
}

std::string ReadSmallFile(const char* path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The process start as Unix time: /proc/self/stat field 22 (clock ticks
// after boot) plus the boot time from /proc/stat; now when unreadable.
double ProcessStartTime() {
  const std::string stat = ReadSmallFile("/proc/self/stat");
  const std::string boot = ReadSmallFile("/proc/stat");
  const size_t comm_end = stat.rfind(')');  // the command name may contain spaces
  const size_t btime = boot.find("\nbtime ");
  if (comm_end != std::string::npos && btime != std::string::npos) {
    std::istringstream fields(stat.substr(comm_end + 2));
    std::string field;
    // After ")": state is field 3, starttime is field 22.
    for (int i = 3; i <= 22 && fields >> field; ++i) {
    }
    const double ticks = std::strtod(field.c_str(), nullptr);
    const double boot_time = std::strtod(boot.c_str() + btime + 7, nullptr);
    const long hz = sysconf(_SC_CLK_TCK);
    if (ticks > 0 && boot_time > 0 && hz > 0) return boot_time + ticks / static_cast<double>(hz);
  }
  return static_cast<double>(std::time(nullptr));
}

}  // namespace

void Counter::Increment(double amount) {
  if (amount > 0) value_.fetch_add(amount, std::memory_order_relaxed);
}

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), counts_(bounds_.size() + 1, 0) {}

void Histogram::Observe(double value) {
  const size_t bucket = std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin();
  absl::MutexLock lock(&mu_);
  ++counts_[bucket];
  sum_ += value;
}

Histogram::Snapshot Histogram::snapshot() const {
  Snapshot s;
  s.bounds = bounds_;
  absl::MutexLock lock(&mu_);
  uint64_t running = 0;
  for (uint64_t c : counts_) {
    running += c;
    s.cumulative_counts.push_back(running);
  }
  s.count = running;
  s.sum = sum_;
  return s;
}

SampleCallback CacheFor(std::chrono::milliseconds ttl, SampleCallback callback) {
  struct State {
    absl::Mutex mu;
    std::chrono::steady_clock::time_point taken ABSL_GUARDED_BY(mu);
    bool valid ABSL_GUARDED_BY(mu) = false;
    std::vector<Sample> samples ABSL_GUARDED_BY(mu);
  };
  auto state = std::make_shared<State>();
  return [state, ttl, callback = std::move(callback)]() {
    absl::MutexLock lock(&state->mu);
    const auto now = std::chrono::steady_clock::now();
    if (!state->valid || now - state->taken >= ttl) {
      state->samples = callback();
      state->taken = now;
      state->valid = true;
    }
    return state->samples;
  };
}

Registry::Entry* Registry::FindOrAdd(const std::string& name, const std::string& help, MetricType type,
                                     std::vector<std::string> label_names, bool* added) {
  *added = false;
  for (auto& entry : entries_) {
    if (entry->name != name) continue;
    if (entry->type != type || entry->label_names != label_names) {
      Misuse(absl::StrCat(name, " registered twice with a different type or labels"));
    }
    return entry.get();
  }
  if (!ValidName(name)) Misuse(absl::StrCat("invalid metric name \"", name, "\""));
  for (const auto& label : label_names) {
    if (!ValidName(label) || label == "le")
      Misuse(absl::StrCat(name, ": invalid label name \"", label, "\""));
  }
  auto entry = std::make_unique<Entry>();
  entry->name = name;
  entry->help = help;
  entry->type = type;
  entry->label_names = std::move(label_names);
  entries_.push_back(std::move(entry));
  *added = true;
  return entries_.back().get();
}

Family<Counter>* Registry::AddCounter(const std::string& name, const std::string& help,
                                      std::vector<std::string> label_names) {
  absl::MutexLock lock(&mu_);
  bool added = false;
  Entry* entry = FindOrAdd(name, help, MetricType::kCounter, label_names, &added);
  if (added) {
    entry->counters.reset(
        new Family<Counter>(std::move(label_names), [] { return std::make_unique<Counter>(); }));
  }
  if (!entry->counters) Misuse(name + " is a callback metric");
  return entry->counters.get();
}

Family<Gauge>* Registry::AddGauge(const std::string& name, const std::string& help,
                                  std::vector<std::string> label_names) {
  absl::MutexLock lock(&mu_);
  bool added = false;
  Entry* entry = FindOrAdd(name, help, MetricType::kGauge, label_names, &added);
  if (added) {
    entry->gauges.reset(new Family<Gauge>(std::move(label_names), [] { return std::make_unique<Gauge>(); }));
  }
  if (!entry->gauges) Misuse(name + " is a callback metric");
  return entry->gauges.get();
}

Family<Histogram>* Registry::AddHistogram(const std::string& name, const std::string& help,
                                          std::vector<std::string> label_names, std::vector<double> bounds) {
  std::sort(bounds.begin(), bounds.end());
  bounds.erase(std::unique(bounds.begin(), bounds.end()), bounds.end());
  bounds.erase(
      std::remove_if(bounds.begin(), bounds.end(), [](double b) { return std::isinf(b) || std::isnan(b); }),
      bounds.end());
  absl::MutexLock lock(&mu_);
  bool added = false;
  Entry* entry = FindOrAdd(name, help, MetricType::kHistogram, label_names, &added);
  if (added) {
    entry->histograms.reset(new Family<Histogram>(std::move(label_names),
                                                  [bounds] { return std::make_unique<Histogram>(bounds); }));
  }
  return entry->histograms.get();
}

void Registry::AddCallback(const std::string& name, const std::string& help, MetricType type,
                           std::vector<std::string> label_names, SampleCallback callback) {
  if (type == MetricType::kHistogram) Misuse(name + ": callback metrics are counters or gauges");
  absl::MutexLock lock(&mu_);
  bool added = false;
  Entry* entry = FindOrAdd(name, help, type, std::move(label_names), &added);
  if (!added && !entry->callback) Misuse(name + " is not a callback metric");
  entry->help = help;
  entry->callback = std::move(callback);
}

std::string Registry::Render() const {
  // Copy what is needed under the lock; callbacks run without it, so a
  // callback may itself use the registry.
  // (help too: AddCallback may replace it meanwhile).
  struct View {
    const Entry* entry;
    SampleCallback callback;
    std::string help;
  };
  std::vector<View> views;
  {
    absl::MutexLock lock(&mu_);
    for (const auto& entry : entries_) views.push_back({entry.get(), entry->callback, entry->help});
  }
  std::string out;
  for (const View& view : views) {
    const Entry& e = *view.entry;
    absl::StrAppend(&out, "# HELP ", e.name, " ", Escape(view.help, false), "\n");
    absl::StrAppend(&out, "# TYPE ", e.name, " ", TypeName(e.type), "\n");
    if (view.callback) {
      std::vector<Sample> samples = view.callback();
      std::sort(samples.begin(), samples.end(),
                [](const Sample& a, const Sample& b) { return a.labels < b.labels; });
      for (const Sample& s : samples) {
        absl::StrAppend(&out, e.name, LabelSet(e.label_names, s.labels), " ", FormatValue(s.value), "\n");
      }
    } else if (e.counters) {
      absl::MutexLock lock(&e.counters->mu_);
      for (const auto& [labels, child] : e.counters->children_) {
        absl::StrAppend(&out, e.name, LabelSet(e.label_names, labels), " ", FormatValue(child->value()),
                        "\n");
      }
    } else if (e.gauges) {
      absl::MutexLock lock(&e.gauges->mu_);
      for (const auto& [labels, child] : e.gauges->children_) {
        absl::StrAppend(&out, e.name, LabelSet(e.label_names, labels), " ", FormatValue(child->value()),
                        "\n");
      }
    } else if (e.histograms) {
      absl::MutexLock lock(&e.histograms->mu_);
      for (const auto& [labels, child] : e.histograms->children_) {
        const Histogram::Snapshot s = child->snapshot();
        for (size_t i = 0; i < s.cumulative_counts.size(); ++i) {
          const std::string le = i < s.bounds.size() ? FormatValue(s.bounds[i]) : "+Inf";
          absl::StrAppend(&out, e.name, "_bucket", LabelSet(e.label_names, labels, "le", le), " ",
                          s.cumulative_counts[i], "\n");
        }
        absl::StrAppend(&out, e.name, "_sum", LabelSet(e.label_names, labels), " ", FormatValue(s.sum), "\n");
        absl::StrAppend(&out, e.name, "_count", LabelSet(e.label_names, labels), " ", s.count, "\n");
      }
    }
  }
  return out;
}

Registry& DefaultRegistry() {
  static Registry* registry = new Registry();
  return *registry;
}

std::vector<double> LatencyBuckets() {
  return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

void RegisterProcessMetrics(Registry* registry, const std::string& service, const std::string& version) {
  registry->AddCallback("dossier_build_info", "Always 1; the labels say which service and version this is",
                        MetricType::kGauge, {"service", "version"}, [service, version] {
                          return std::vector<Sample>{{{service, version}, 1}};
                        });
  const double start_time = ProcessStartTime();
  registry->AddCallback("process_start_time_seconds",
                        "Start time of the process since the Unix epoch, in seconds", MetricType::kGauge, {},
                        [start_time] {
                          return std::vector<Sample>{{{}, start_time}};
                        });
  registry->AddCallback("process_cpu_seconds_total", "User and system CPU time spent, in seconds",
                        MetricType::kCounter, {}, [] {
                          rusage usage{};
                          getrusage(RUSAGE_SELF, &usage);
                          const double seconds = usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
                                                 (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
                          return std::vector<Sample>{{{}, seconds}};
                        });
  // /proc/self/statm: total program size and resident set size, in pages.
  auto statm = [](int field) {
    std::istringstream in(ReadSmallFile("/proc/self/statm"));
    double pages = 0;
    for (int i = 0; i <= field && (in >> pages); ++i) {
    }
    return std::vector<Sample>{{{}, pages * static_cast<double>(sysconf(_SC_PAGESIZE))}};
  };
  registry->AddCallback("process_resident_memory_bytes", "Resident memory size, in bytes", MetricType::kGauge,
                        {}, [statm] { return statm(1); });
  registry->AddCallback("process_virtual_memory_bytes", "Virtual memory size, in bytes", MetricType::kGauge,
                        {}, [statm] { return statm(0); });
  registry->AddCallback("process_open_fds", "Open file descriptors", MetricType::kGauge, {}, [] {
    std::error_code ec;
    double count = 0;
    for (auto it = std::filesystem::directory_iterator("/proc/self/fd", ec);
         !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
      ++count;
    }
    return std::vector<Sample>{{{}, count}};
  });
}

std::string FormatValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  if (value == std::floor(value) && std::fabs(value) < 9007199254740992.0) {
    return absl::StrCat(static_cast<int64_t>(value));
  }
  char buf[64];
  // Plain decimals in the usual range ("0.0005" rather than "5e-04").
  const double magnitude = std::fabs(value);
  auto result = magnitude >= 1e-6 && magnitude < 1e15
                    ? std::to_chars(buf, buf + sizeof(buf), value, std::chars_format::fixed)
                    : std::to_chars(buf, buf + sizeof(buf), value);
  return std::string(buf, result.ptr);
}

}  // namespace dossier::metrics
