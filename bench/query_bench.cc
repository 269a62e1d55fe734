// Query latency under concurrency: N client threads send Search and
// GetEntityProfile requests for a fixed time; prints p50/p95/p99 per method.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "bench/article_generator.h"
#include "libs/common/client.h"

ABSL_FLAG(std::string, query_addr, "localhost:50053", "query service");
ABSL_FLAG(int, clients, 8, "concurrent clients");
ABSL_FLAG(int, requests, 2000, "requests per client per method");

namespace {

using Clock = std::chrono::steady_clock;

void Report(const char* name, std::vector<double>& ms, int errors) {
  std::sort(ms.begin(), ms.end());
  auto pct = [&](double p) { return ms.empty() ? 0.0 : ms[std::min(ms.size() - 1, size_t(p * ms.size()))]; };
  std::printf("%-18s n=%zu errors=%d p50=%.2f ms p95=%.2f ms p99=%.2f ms max=%.2f ms\n", name, ms.size(),
              errors, pct(0.50), pct(0.95), pct(0.99), ms.empty() ? 0.0 : ms.back());
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const auto words = dossier::bench::ArticleGenerator::QueryWords();
  const auto entities = dossier::bench::ArticleGenerator::EntityIds();
  dossier::QueryClient client(absl::GetFlag(FLAGS_query_addr));
  std::mutex mu;
  std::vector<double> search_ms, filtered_ms, profile_ms;
  int errors[3] = {0, 0, 0};
  auto run = [&](int method) {
    std::vector<std::thread> threads;
    for (int t = 0; t < absl::GetFlag(FLAGS_clients); ++t) {
      threads.emplace_back([&, t] {
        std::vector<double> local;
        int local_errors = 0;
        for (int i = 0; i < absl::GetFlag(FLAGS_requests); ++i) {
          auto begin = Clock::now();
          bool ok = false;
          if (method == 2) {
            dossier::query::v1::GetEntityProfileRequest request;
            request.set_entity_id(entities[(i + t) % entities.size()]);
            ok = client.GetEntityProfile(request).ok();
          } else {
            dossier::query::v1::SearchRequest request;
            request.set_query(words[(i * 7 + t) % words.size()]);
            if (method == 1) {
              request.add_entity_ids(entities[(i + t) % entities.size()]);
              request.mutable_date_from()->set_year(2000 + i % 10);
              request.mutable_date_to()->set_year(2010 + i % 10);
            }
            ok = client.Search(request).ok();
          }
          local.push_back(std::chrono::duration<double, std::milli>(Clock::now() - begin).count());
          if (!ok) ++local_errors;
        }
        std::lock_guard<std::mutex> lock(mu);
        auto& into = method == 0 ? search_ms : method == 1 ? filtered_ms : profile_ms;
        into.insert(into.end(), local.begin(), local.end());
        errors[method] += local_errors;
      });
    }
    for (auto& t : threads) t.join();
  };
  for (int method = 0; method < 3; ++method) run(method);
  std::printf("%d concurrent clients, %d requests each per method\n", absl::GetFlag(FLAGS_clients),
              absl::GetFlag(FLAGS_requests));
  Report("Search", search_ms, errors[0]);
  Report("Search+filters", filtered_ms, errors[1]);
  Report("GetEntityProfile", profile_ms, errors[2]);
  return errors[0] + errors[1] + errors[2] > 0 ? 1 : 0;
}
