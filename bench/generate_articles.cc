// Prints generated articles, or statistics about a stream of them: how the
// article generator's corpus looks before anything is ingested.
//   generate_articles --count=3                    the first 3 articles, in full
//   generate_articles --count=100000 --stats       sizes, dates, events, entity popularity
#include <algorithm>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "bench/article_generator.h"

ABSL_FLAG(int, count, 3, "articles to generate");
ABSL_FLAG(uint64_t, seed, 1, "generator seed");
ABSL_FLAG(bool, stats, false, "print statistics instead of the articles");

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  dossier::bench::ArticleGenerator generator(absl::GetFlag(FLAGS_seed));
  const int count = absl::GetFlag(FLAGS_count);
  if (!absl::GetFlag(FLAGS_stats)) {
    for (int i = 0; i < count; ++i) {
      auto article = generator.Next();
      std::printf("=== %s  source=%s  published=%s%s  url=%s\n", article.external_id.c_str(),
                  article.source.empty() ? "(host)" : article.source.c_str(),
                  article.published.empty() ? "(none)" : article.published.c_str(),
                  article.send_published ? " (sent)" : "", article.url.c_str());
      for (const auto& e : article.events)
        std::printf("  event %-9s %s -> %s  %s%s\n", e.kind.c_str(), e.source_id.c_str(), e.target_id.c_str(),
                    e.date.empty() ? "(undated)" : e.date.c_str(), e.repeated ? "  (repeated)" : "");
      std::printf("%s\n", article.body.c_str());
    }
    return 0;
  }
  size_t bytes = 0, max_bytes = 0, events = 0, repeated = 0, undated_events = 0;
  std::map<std::string, int> kinds, dating, sources, years;
  std::map<std::string, int> documents_per_entity;  // as event actors
  std::map<std::string, int> repeats;                // repeated event key -> reports
  for (int i = 0; i < count; ++i) {
    auto article = generator.Next();
    bytes += article.body.size();
    max_bytes = std::max(max_bytes, article.body.size());
    dating[article.published.size() == 10  ? "full date"
           : article.published.size() == 7 ? "year and month"
           : article.published.size() == 4 ? "year only"
                                           : "undated"]++;
    if (!article.published.empty()) years[article.published.substr(0, 4)]++;
    sources[article.source.empty() ? article.url.substr(8, article.url.find('/', 8) - 8) : article.source]++;
    std::map<std::string, bool> seen;
    for (const auto& e : article.events) {
      ++events;
      kinds[e.kind]++;
      if (e.date.empty()) ++undated_events;
      if (e.repeated || repeats.count(e.kind + e.source_id + e.target_id + e.date)) {
        ++repeated;
      }
      if (e.repeated) repeats[e.kind + e.source_id + e.target_id + e.date]++;
      seen[e.source_id] = seen[e.target_id] = true;
    }
    for (const auto& [id, unused] : seen) documents_per_entity[id]++;
  }
  std::printf("%d articles, %.0f bytes on average (largest %zu), %.1f MB in all\n", count,
              static_cast<double>(bytes) / count, max_bytes, bytes / 1e6);
  for (const auto& [k, v] : dating) std::printf("  %-15s %6d\n", k.c_str(), v);
  std::printf("years %s..%s\n", years.begin()->first.c_str(), years.rbegin()->first.c_str());
  std::printf("%zu events written (%.2f per article), %zu in articles that report an event other articles "
              "report too, %zu undated\n",
              events, static_cast<double>(events) / count, repeated, undated_events);
  for (const auto& [k, v] : kinds) std::printf("  %-10s %6d\n", k.c_str(), v);
  std::vector<std::pair<int, std::string>> ranked;
  for (const auto& [id, n] : documents_per_entity) ranked.push_back({n, id});
  std::sort(ranked.rbegin(), ranked.rend());
  std::printf("%zu distinct event actors; documents with each as an actor, most frequent first:\n", ranked.size());
  for (size_t i = 0; i < std::min<size_t>(15, ranked.size()); ++i)
    std::printf("  %6d %s\n", ranked[i].first, ranked[i].second.c_str());
  int once = 0;
  for (const auto& r : ranked) once += r.first == 1;
  std::printf("  ... %d actors in exactly one document\n", once);
  std::vector<std::pair<int, std::string>> by_source;
  for (const auto& [s, n] : sources) by_source.push_back({n, s});
  std::sort(by_source.rbegin(), by_source.rend());
  std::printf("%zu sources; most frequent %s (%d), least %s (%d)\n", by_source.size(),
              by_source.front().second.c_str(), by_source.front().first, by_source.back().second.c_str(),
              by_source.back().first);
  return 0;
}
