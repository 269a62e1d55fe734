// Annotation speed of the entity service's domain code, without gRPC: loads
// the shipped knowledge base, generates articles and annotates each one.
#include <chrono>
#include <optional>
#include <cstdio>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "bench/article_generator.h"
#include "services/entity/annotator.h"
#include "services/entity/kb_index.h"
#include "services/entity/kb_store.h"

ABSL_FLAG(std::string, kb_dir, DOSSIER_DEFAULT_KB_DIR, "the shipped knowledge base");
ABSL_FLAG(int, count, 2000, "articles to annotate");
ABSL_FLAG(std::string, ner_model, DOSSIER_DEFAULT_NER_MODEL, "the named-entity model; empty: rules only");

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

  dossier::bench::ArticleGenerator generator(7);
  std::vector<std::string> texts;
  size_t bytes = 0;
  for (int i = 0; i < absl::GetFlag(FLAGS_count); ++i) {
    texts.push_back(generator.Next().body);
    bytes += texts.back().size();
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
  dossier::entity::AnnotateOptions options;
  options.published = {2001, 9, 19};
  options.ner = model ? &*model : nullptr;
  size_t mentions = 0;
  auto start = Clock::now();
  for (const auto& text : texts) mentions += dossier::entity::Annotate(*index, text, options).mentions.size();
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::printf("knowledge base read and indexed in %.2f s\n", load_s);
  std::printf("annotated %zu articles (%.0f bytes on average, %.1f mentions each) in %.2f s: %.3f ms per article, "
              "%.1f MB/s, one thread, %s\n",
              texts.size(), static_cast<double>(bytes) / texts.size(),
              static_cast<double>(mentions) / texts.size(), seconds, 1000 * seconds / texts.size(),
              bytes / seconds / 1e6, model ? "with the named-entity model" : "rules only");
  return 0;
}
