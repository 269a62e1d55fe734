#include "libs/common/metrics.h"

#include <cmath>
#include <limits>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace dossier::metrics {
namespace {

using ::testing::HasSubstr;

TEST(MetricsRegistryTest, CounterWithLabelsRendersHelpTypeAndSortedSamples) {
  Registry registry;
  auto* calls = registry.AddCounter("test_calls_total", "Calls, by method", {"method", "code"});
  calls->WithLabels({"Search", "OK"})->Increment();
  calls->WithLabels({"Search", "OK"})->Increment(2);
  calls->WithLabels({"Index", "INVALID_ARGUMENT"})->Increment();
  calls->WithLabels({"Index", "OK"})->Increment(-5);  // ignored: counters only go up
  EXPECT_EQ(registry.Render(),
            "# HELP test_calls_total Calls, by method\n"
            "# TYPE test_calls_total counter\n"
            "test_calls_total{method=\"Index\",code=\"INVALID_ARGUMENT\"} 1\n"
            "test_calls_total{method=\"Index\",code=\"OK\"} 0\n"
            "test_calls_total{method=\"Search\",code=\"OK\"} 3\n");
}

TEST(MetricsRegistryTest, GaugeWithoutLabelsAndEscaping) {
  Registry registry;
  Gauge* temperature = registry.AddGauge("test_temperature", "Line one\nback\\slash")->Get();
  temperature->Set(21.5);
  temperature->Add(-1);
  registry.AddGauge("test_labelled", "Escaped values", {"v"})->WithLabels({"a\"b\\c\nd"})->Set(1);
  EXPECT_EQ(registry.Render(),
            "# HELP test_temperature Line one\\nback\\\\slash\n"
            "# TYPE test_temperature gauge\n"
            "test_temperature 20.5\n"
            "# HELP test_labelled Escaped values\n"
            "# TYPE test_labelled gauge\n"
            "test_labelled{v=\"a\\\"b\\\\c\\nd\"} 1\n");
}

TEST(MetricsRegistryTest, HistogramBucketsAreCumulativeWithSumAndCount) {
  Registry registry;
  auto* latency =
      registry.AddHistogram("test_seconds", "Latency", {"method"}, {1, 0.1, 10});  // unsorted on purpose
  Histogram* h = latency->WithLabels({"Search"});
  h->Observe(0.05);
  h->Observe(0.1);  // on a bound: counts in that bucket (le is "less or equal")
  h->Observe(0.5);
  h->Observe(20);  // above every bound: only +Inf
  EXPECT_EQ(registry.Render(),
            "# HELP test_seconds Latency\n"
            "# TYPE test_seconds histogram\n"
            "test_seconds_bucket{method=\"Search\",le=\"0.1\"} 2\n"
            "test_seconds_bucket{method=\"Search\",le=\"1\"} 3\n"
            "test_seconds_bucket{method=\"Search\",le=\"10\"} 3\n"
            "test_seconds_bucket{method=\"Search\",le=\"+Inf\"} 4\n"
            "test_seconds_sum{method=\"Search\"} 20.65\n"
            "test_seconds_count{method=\"Search\"} 4\n");
  Histogram::Snapshot s = h->snapshot();
  EXPECT_EQ(s.cumulative_counts, (std::vector<uint64_t>{2, 3, 3, 4}));
  EXPECT_EQ(s.count, 4u);
}

TEST(MetricsRegistryTest, LatencyBucketsSpanHalfAMillisecondToTenSeconds) {
  std::vector<double> buckets = LatencyBuckets();
  ASSERT_FALSE(buckets.empty());
  EXPECT_DOUBLE_EQ(buckets.front(), 0.0005);
  EXPECT_DOUBLE_EQ(buckets.back(), 10);
  EXPECT_TRUE(std::is_sorted(buckets.begin(), buckets.end()));
  Registry registry;
  registry.AddHistogram("test_seconds", "Latency", {}, buckets)->Get()->Observe(0.003);
  const std::string text = registry.Render();
  EXPECT_THAT(text, HasSubstr("test_seconds_bucket{le=\"0.0005\"} 0\n"));
  EXPECT_THAT(text, HasSubstr("test_seconds_bucket{le=\"0.0025\"} 0\n"));
  EXPECT_THAT(text, HasSubstr("test_seconds_bucket{le=\"0.005\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("test_seconds_bucket{le=\"10\"} 1\n"));
}

TEST(MetricsRegistryTest, RegisteringAgainReturnsTheSameFamily) {
  Registry registry;
  auto* a = registry.AddCounter("test_total", "Help", {"x"});
  auto* b = registry.AddCounter("test_total", "Help", {"x"});
  EXPECT_EQ(a, b);
  EXPECT_EQ(a->WithLabels({"1"}), b->WithLabels({"1"}));
}

TEST(MetricsRegistryTest, MissingLabelValuesAreEmpty) {
  Registry registry;
  registry.AddCounter("test_total", "Help", {"a", "b"})->WithLabels({"x"})->Increment();
  EXPECT_THAT(registry.Render(), HasSubstr("test_total{a=\"x\",b=\"\"} 1\n"));
}

TEST(MetricsRegistryTest, CallbacksRunAtScrapeTime) {
  Registry registry;
  int calls = 0;
  registry.AddCallback("test_documents", "Documents by state", MetricType::kGauge, {"state"}, [&calls] {
    ++calls;
    return std::vector<Sample>{{{"indexed"}, 7}, {{"failed"}, static_cast<double>(calls)}};
  });
  EXPECT_EQ(registry.Render(),
            "# HELP test_documents Documents by state\n"
            "# TYPE test_documents gauge\n"
            "test_documents{state=\"failed\"} 1\n"
            "test_documents{state=\"indexed\"} 7\n");
  EXPECT_THAT(registry.Render(), HasSubstr("test_documents{state=\"failed\"} 2\n"));
}

TEST(MetricsRegistryTest, CallbackWithoutSamplesListsOnlyHelpAndType) {
  Registry registry;
  registry.AddCallback("test_unavailable", "Source down", MetricType::kGauge, {},
                       [] { return std::vector<Sample>{}; });
  EXPECT_EQ(registry.Render(), "# HELP test_unavailable Source down\n# TYPE test_unavailable gauge\n");
}

TEST(MetricsRegistryTest, CacheForReusesSamplesWithinTheTtl) {
  int calls = 0;
  SampleCallback counted = [&calls] {
    ++calls;
    return std::vector<Sample>{{{}, static_cast<double>(calls)}};
  };
  SampleCallback cached = CacheFor(std::chrono::hours(1), counted);
  EXPECT_EQ(cached()[0].value, 1);
  EXPECT_EQ(cached()[0].value, 1);
  EXPECT_EQ(calls, 1);
  SampleCallback uncached = CacheFor(std::chrono::milliseconds(0), counted);
  uncached();
  uncached();
  EXPECT_EQ(calls, 3);
}

TEST(MetricsRegistryTest, FormatValue) {
  EXPECT_EQ(FormatValue(3), "3");
  EXPECT_EQ(FormatValue(-2), "-2");
  EXPECT_EQ(FormatValue(0.25), "0.25");
  EXPECT_EQ(FormatValue(0.1 + 0.2), "0.30000000000000004");  // exact, not rounded
  EXPECT_EQ(FormatValue(0.0005), "0.0005");
  EXPECT_EQ(FormatValue(2.5e-9), "2.5e-09");
  EXPECT_EQ(FormatValue(1e20), "1e+20");
  EXPECT_EQ(FormatValue(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(FormatValue(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(FormatValue(std::nan("")), "NaN");
}

TEST(MetricsRegistryTest, ConcurrentIncrementsAreAllCounted) {
  Registry registry;
  auto* family = registry.AddCounter("test_total", "Help", {"t"});
  auto* histogram = registry.AddHistogram("test_seconds", "Help", {}, {1});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) {
        family->WithLabels({"x"})->Increment();
        histogram->Get()->Observe(0.5);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(family->WithLabels({"x"})->value(), 4000);
  EXPECT_EQ(histogram->Get()->snapshot().count, 4000u);
}

TEST(MetricsRegistryTest, ProcessMetrics) {
  Registry registry;
  RegisterProcessMetrics(&registry, "query", "1.2.3");
  const std::string text = registry.Render();
  EXPECT_THAT(text, HasSubstr("dossier_build_info{service=\"query\",version=\"1.2.3\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("# TYPE process_cpu_seconds_total counter\n"));
  // The process started before now and not before 2020.
  const size_t start = text.find("\nprocess_start_time_seconds ");
  ASSERT_NE(start, std::string::npos);
  const double start_time = std::strtod(text.c_str() + start + 28, nullptr);
  EXPECT_GT(start_time, 1577836800);
  EXPECT_LE(start_time, static_cast<double>(std::time(nullptr)) + 1);
  const size_t rss = text.find("\nprocess_resident_memory_bytes ");
  ASSERT_NE(rss, std::string::npos);
  EXPECT_GT(std::strtod(text.c_str() + rss + 31, nullptr), 1024 * 1024);
  EXPECT_THAT(text, HasSubstr("\nprocess_open_fds "));
}

}  // namespace
}  // namespace dossier::metrics
