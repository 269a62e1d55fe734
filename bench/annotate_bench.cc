// Annotation speed of the entity service's domain code, without gRPC: loads
// the shipped knowledge base (and the named-entity model, and the event coder
// when --cameo_dir is set), generates articles and annotates each one, then
// extracts its events. Also reports what the annotator made of the
// generator's intent: how many of the actors written into the articles'
// interactions it resolved to the intended entity, and how many of the
// interactions came out as events between those entities with a code of the
// intended family (a visit 042, a hosted visit 043, a call 041, a meeting
// 04x, an agreement 05x/03x, criticism and accusations 11x, threats 13x, aid
// 07x, demands 10x, praise 05x, refusals 12x) and with the intended date.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_format.h"
#include "bench/article_generator.h"
#include "services/entity/annotator.h"
#include "services/entity/events/document_events.h"
#include "services/entity/kb_index.h"
#include "services/entity/kb_store.h"

ABSL_FLAG(std::string, kb_dir, DOSSIER_DEFAULT_KB_DIR, "the shipped knowledge base");
ABSL_FLAG(int, count, 2000, "articles to annotate");
ABSL_FLAG(uint64_t, seed, 7, "generator seed");
ABSL_FLAG(std::string, ner_model, DOSSIER_DEFAULT_NER_MODEL, "the named-entity model; empty: rules only");
ABSL_FLAG(std::string, cameo_dir, DOSSIER_BENCH_CAMEO_DIR, "event coder dictionaries; empty: no events");
ABSL_FLAG(std::string, pos_model, DOSSIER_BENCH_POS_MODEL, "part-of-speech model of the event coder");
ABSL_FLAG(int, show_missed, 0, "print this many generated interactions that came out as no matching event");

namespace {

using dossier::entity::DateParts;

// "YYYY-MM-DD", "YYYY-MM", "YYYY", "--MM-DD" (no year) or "" (unknown).
DateParts ParseDate(const std::string& text) {
  DateParts date;
  if (text.rfind("--", 0) == 0 && text.size() == 7) {
    date.month = std::stoi(text.substr(2, 2));
    date.day = std::stoi(text.substr(5, 2));
    return date;
  }
  if (text.size() >= 4) date.year = std::stoi(text.substr(0, 4));
  if (text.size() >= 7) date.month = std::stoi(text.substr(5, 2));
  if (text.size() >= 10) date.day = std::stoi(text.substr(8, 2));
  return date;
}

// The CAMEO code prefixes an interaction of each kind may come out as.
std::vector<std::string> CodePrefixes(const std::string& kind) {
  static const std::map<std::string, std::vector<std::string>> kPrefixes = {
      {"visit", {"042"}},  {"host", {"043"}},   {"telephone", {"041"}}, {"meet", {"04"}},
      {"agree", {"05", "03"}}, {"criticize", {"11"}}, {"accuse", {"11"}}, {"threaten", {"13"}},
      {"aid", {"07", "03"}},   {"demand", {"10"}},    {"praise", {"05"}}, {"reject", {"12"}}};
  auto it = kPrefixes.find(kind);
  return it == kPrefixes.end() ? std::vector<std::string>{} : it->second;
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  using Clock = std::chrono::steady_clock;
  auto load_start = Clock::now();
  auto data = dossier::entity::ReadShippedKb(absl::GetFlag(FLAGS_kb_dir));
  if (!data.ok()) {
    std::fprintf(stderr, "%s\n", std::string(data.status().message()).c_str());
    return 1;
  }
  auto index = dossier::entity::KbIndex::Build(std::move(*data));
  double load_s = std::chrono::duration<double>(Clock::now() - load_start).count();

  dossier::bench::ArticleGenerator generator(absl::GetFlag(FLAGS_seed));
  std::vector<dossier::bench::Article> articles;
  size_t bytes = 0;
  for (int i = 0; i < absl::GetFlag(FLAGS_count); ++i) {
    articles.push_back(generator.Next());
    bytes += articles.back().body.size();
  }
  std::optional<dossier::entity::ner::NerModel> model;
  if (!absl::GetFlag(FLAGS_ner_model).empty()) {
    auto loaded = dossier::entity::ner::NerModel::Load(absl::GetFlag(FLAGS_ner_model));
    if (!loaded.ok()) {
      std::fprintf(stderr, "%s\n", std::string(loaded.status().message()).c_str());
      return 1;
    }
    model = *std::move(loaded);
  }
  std::unique_ptr<dossier::entity::events::EventModels> event_models;
  if (!absl::GetFlag(FLAGS_cameo_dir).empty()) {
    auto loaded = dossier::entity::events::EventModels::Load(absl::GetFlag(FLAGS_cameo_dir),
                                                             absl::GetFlag(FLAGS_pos_model));
    if (!loaded.ok()) {
      std::fprintf(stderr, "%s\n", std::string(loaded.status().message()).c_str());
      return 1;
    }
    event_models = *std::move(loaded);
  }

  size_t mentions = 0;
  std::vector<dossier::entity::Annotation> annotations(articles.size());
  std::vector<DateParts> published(articles.size());
  auto start = Clock::now();
  for (size_t i = 0; i < articles.size(); ++i) {
    dossier::entity::AnnotateOptions options;
    options.published = published[i] = ParseDate(articles[i].published);
    options.ner = model ? &*model : nullptr;
    annotations[i] = dossier::entity::Annotate(*index, articles[i].body, options);
    mentions += annotations[i].mentions.size();
  }
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::vector<std::vector<dossier::entity::events::DocumentEvent>> events(articles.size());
  size_t event_count = 0;
  double event_seconds = 0;
  if (event_models) {
    auto event_start = Clock::now();
    for (size_t i = 0; i < articles.size(); ++i) {
      events[i] = dossier::entity::events::ExtractEvents(*index, articles[i].body, annotations[i], published[i],
                                                         event_models->resources());
      event_count += events[i].size();
    }
    event_seconds = std::chrono::duration<double>(Clock::now() - event_start).count();
  }

  std::printf("knowledge base read and indexed in %.2f s\n", load_s);
  std::printf("annotated %zu articles (%.0f bytes on average, %.1f mentions each) in %.2f s: %.3f ms per article, "
              "%.1f MB/s, one thread, %s\n",
              articles.size(), static_cast<double>(bytes) / articles.size(),
              static_cast<double>(mentions) / articles.size(), seconds, 1000 * seconds / articles.size(),
              bytes / seconds / 1e6, model ? "with the named-entity model" : "rules only");
  if (event_models) {
    std::printf("events extracted: %zu (%.2f per article) in %.2f s: %.3f ms per article, one thread\n",
                event_count, static_cast<double>(event_count) / articles.size(), event_seconds,
                1000 * event_seconds / articles.size());
  }

  // Actors of the generated interactions among the resolved entities.
  std::map<std::string, std::pair<int, int>> by_type;  // "person" -> (found, written)
  std::map<std::string, int> missed_actors;
  // Interactions found as events: per kind (found with code and actors,
  // of those with the intended date, written).
  struct KindCounts {
    int written = 0, found = 0, dated_right = 0;
  };
  std::map<std::string, KindCounts> by_kind;
  int shown = 0;
  for (size_t i = 0; i < articles.size(); ++i) {
    std::set<std::string> resolved;
    for (const auto& entity : annotations[i].entities) resolved.insert(entity.id);
    std::set<std::string> actors;
    for (const auto& event : articles[i].events) actors.insert({event.source_id, event.target_id});
    for (const auto& id : actors) {
      auto& counts = by_type[id.substr(0, id.find(':'))];
      ++counts.second;
      if (resolved.count(id)) {
        ++counts.first;
      } else {
        ++missed_actors[id];
      }
    }
    if (!event_models) continue;
    for (const auto& written : articles[i].events) {
      KindCounts& counts = by_kind[written.kind];
      ++counts.written;
      const dossier::entity::events::DocumentEvent* match = nullptr;
      for (const auto& found : events[i]) {
        if (found.source.entity_id != written.source_id || found.target.entity_id != written.target_id) continue;
        for (const auto& prefix : CodePrefixes(written.kind))
          if (found.code.rfind(prefix, 0) == 0) match = &found;
        if (match) break;
      }
      if (!match) {
        if (shown < absl::GetFlag(FLAGS_show_missed)) {
          ++shown;
          std::printf("missed %s %s -> %s in %s; found:", written.kind.c_str(), written.source_id.c_str(),
                      written.target_id.c_str(), articles[i].external_id.c_str());
          for (const auto& found : events[i])
            std::printf(" [%s %s -> %s]", found.code.c_str(), found.source.entity_id.c_str(),
                        found.target.entity_id.c_str());
          std::printf("\n");
        }
        continue;
      }
      ++counts.found;
      if (match->date == ParseDate(written.date)) ++counts.dated_right;
    }
  }
  std::printf("generated interaction actors resolved to the intended entity:");
  for (const auto& [type, counts] : by_type)
    std::printf(" %s %d/%d (%.1f%%)", type.c_str(), counts.first, counts.second,
                100.0 * counts.first / counts.second);
  std::vector<std::pair<int, std::string>> worst;
  for (const auto& [id, n] : missed_actors) worst.push_back({n, id});
  std::sort(worst.rbegin(), worst.rend());
  std::printf("\nmost often unresolved:");
  for (size_t i = 0; i < worst.size() && i < 8; ++i)
    std::printf(" %s (%d)", worst[i].second.c_str(), worst[i].first);
  std::printf("\n");
  if (event_models) {
    KindCounts all;
    std::printf("generated interactions found as events (same source, target and code family; date as meant):\n");
    for (const auto& [kind, counts] : by_kind) {
      std::printf("  %-10s %5d/%5d (%5.1f%%), date right in %5.1f%% of those\n", kind.c_str(), counts.found,
                  counts.written, 100.0 * counts.found / counts.written,
                  counts.found ? 100.0 * counts.dated_right / counts.found : 0.0);
      all.found += counts.found;
      all.written += counts.written;
      all.dated_right += counts.dated_right;
    }
    std::printf("  %-10s %5d/%5d (%5.1f%%), date right in %5.1f%% of those\n", "all", all.found, all.written,
                100.0 * all.found / all.written, all.found ? 100.0 * all.dated_right / all.found : 0.0);
  }
  return 0;
}
