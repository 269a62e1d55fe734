#ifndef DOSSIER_LIBS_COMMON_METRICS_H_
#define DOSSIER_LIBS_COMMON_METRICS_H_

// A small Prometheus metrics registry: counters, gauges and histograms with
// labels, plus callback metrics evaluated at scrape time, rendered in the
// text exposition format 0.0.4. (Debian 12 packages no Prometheus C++
// client.) No gRPC and no HTTP here: libs/common/metrics_http.h serves a
// registry and libs/common/grpc_metrics.h feeds it from a gRPC server.
//
// Thread-safe throughout. Families and their children live as long as the
// registry, so the pointers handed out may be kept and used from any thread.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace dossier::metrics {

// Label values, one per label name of the family, in the same order.
using LabelValues = std::vector<std::string>;

class Counter {
 public:
  // `amount` must be >= 0 (a counter only goes up); negative amounts are ignored.
  void Increment(double amount = 1);
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class Gauge {
 public:
  void Set(double value) { value_.store(value, std::memory_order_relaxed); }
  void Add(double amount) { value_.fetch_add(amount, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// Observations counted into buckets with upper bounds `bounds` (ascending;
// +Inf is implicit), with their sum and count.
class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);
  void Observe(double value);

  struct Snapshot {
    std::vector<double> bounds;
    // Cumulative: cumulative_counts[i] observations were <= bounds[i]; one
    // more entry at the end for +Inf (== count).
    std::vector<uint64_t> cumulative_counts;
    double sum = 0;
    uint64_t count = 0;
  };
  Snapshot snapshot() const;

 private:
  const std::vector<double> bounds_;
  mutable absl::Mutex mu_;
  std::vector<uint64_t> counts_ ABSL_GUARDED_BY(mu_);  // per bucket, last is +Inf
  double sum_ ABSL_GUARDED_BY(mu_) = 0;
};

// A metric with a fixed set of label names and one child per distinct set of
// label values, created on first use.
template <typename T>
class Family {
 public:
  // The child for `values` (one per label name; missing ones are "", extra
  // ones dropped). The pointer stays valid for the registry's lifetime.
  T* WithLabels(LabelValues values);
  // The child of a family without labels.
  T* Get() { return WithLabels({}); }

 private:
  friend class Registry;
  Family(std::vector<std::string> label_names, std::function<std::unique_ptr<T>()> make)
      : label_names_(std::move(label_names)), make_(std::move(make)) {}
  const std::vector<std::string> label_names_;
  const std::function<std::unique_ptr<T>()> make_;
  mutable absl::Mutex mu_;
  std::map<LabelValues, std::unique_ptr<T>> children_ ABSL_GUARDED_BY(mu_);
};

// One value of a callback metric.
struct Sample {
  LabelValues labels;
  double value = 0;
};
// Called at every scrape; returns the current samples (none: the metric is
// listed without values, e.g. when its source is unavailable).
using SampleCallback = std::function<std::vector<Sample>()>;

// Wraps `callback` so that it runs at most once per `ttl`; scrapes in
// between get the previous samples. For callbacks that query a database.
SampleCallback CacheFor(std::chrono::milliseconds ttl, SampleCallback callback);

enum class MetricType { kCounter, kGauge, kHistogram };

class Registry {
 public:
  Registry() = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // Registering a name again returns the existing family (it must have the
  // same type; a different type aborts: that is a programming error).
  // Names and label names must match [a-zA-Z_:][a-zA-Z0-9_:]*.
  Family<Counter>* AddCounter(const std::string& name, const std::string& help,
                              std::vector<std::string> label_names = {});
  Family<Gauge>* AddGauge(const std::string& name, const std::string& help,
                          std::vector<std::string> label_names = {});
  // `bounds`: bucket upper bounds in ascending order, without +Inf.
  Family<Histogram>* AddHistogram(const std::string& name, const std::string& help,
                                  std::vector<std::string> label_names, std::vector<double> bounds);
  // A counter or gauge whose samples `callback` produces at scrape time.
  // Registering the same name again replaces the callback.
  void AddCallback(const std::string& name, const std::string& help, MetricType type,
                   std::vector<std::string> label_names, SampleCallback callback);

  // Every metric in the text exposition format 0.0.4, in registration order,
  // children sorted by label values.
  std::string Render() const;

 private:
  struct Entry {
    std::string name, help;
    MetricType type = MetricType::kGauge;
    std::vector<std::string> label_names;
    std::unique_ptr<Family<Counter>> counters;
    std::unique_ptr<Family<Gauge>> gauges;
    std::unique_ptr<Family<Histogram>> histograms;
    SampleCallback callback;
  };
  Entry* FindOrAdd(const std::string& name, const std::string& help, MetricType type,
                   std::vector<std::string> label_names, bool* added) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  mutable absl::Mutex mu_;
  std::vector<std::unique_ptr<Entry>> entries_ ABSL_GUARDED_BY(mu_);
};

// The process-wide registry that RunServer serves and services add to.
Registry& DefaultRegistry();

// Bucket bounds for request latencies in seconds: 0.5 ms to 10 s.
std::vector<double> LatencyBuckets();

// Adds dossier_build_info{service,version} (always 1) and the standard
// process metrics: process_start_time_seconds, process_cpu_seconds_total,
// process_resident_memory_bytes, process_virtual_memory_bytes and
// process_open_fds (read from /proc at scrape time).
void RegisterProcessMetrics(Registry* registry, const std::string& service, const std::string& version);

// A sample value as the text format writes it: integers without a fraction,
// others in the shortest form that reads back exactly, +Inf, -Inf, NaN.
std::string FormatValue(double value);

// --- implementation of the template ----------------------------------------

template <typename T>
T* Family<T>::WithLabels(LabelValues values) {
  values.resize(label_names_.size());
  absl::MutexLock lock(&mu_);
  std::unique_ptr<T>& child = children_[values];
  if (!child) child = make_();
  return child.get();
}

}  // namespace dossier::metrics

#endif  // DOSSIER_LIBS_COMMON_METRICS_H_
