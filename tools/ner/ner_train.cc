// ner-train: trains the named-entity model from CoNLL files.
//
//   ner-train --train FILE[,FILE...] [--dev FILE] --epochs N --seed S
//             --kb_dir data/kb --out data/models/ner-en.model
//
// Deterministic: the same files, knowledge base and flags give a
// byte-identical model. With --dev, prints the development-set scores after
// every epoch (the dev file is never trained on).

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "services/entity/ner/conll.h"
#include "services/entity/ner/ner_model.h"
#include "services/entity/ner/ner_trainer.h"

ABSL_FLAG(std::vector<std::string>, train, {}, "CoNLL training file(s), comma-separated");
ABSL_FLAG(std::string, dev, "", "CoNLL development file, scored after each epoch (optional)");
ABSL_FLAG(int, epochs, 10, "Training epochs");
ABSL_FLAG(uint64_t, seed, 1, "Seed of the sentence order");
ABSL_FLAG(std::string, kb_dir, "data/kb", "Knowledge base directory (entities.tsv, aliases.tsv)");
ABSL_FLAG(std::string, out, "data/models/ner-en.model", "Where to write the model");
ABSL_FLAG(int, hash_bits, dossier::entity::ner::kDefaultHashBits, "log2 of the number of feature buckets");
ABSL_FLAG(double, prune, 0.0, "Drop averaged weights with absolute value below this");

namespace ner = dossier::entity::ner;

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("Trains the NER model: ner-train --train FILE [--dev FILE] --epochs N --seed S "
                               "--kb_dir DIR --out MODEL");
  absl::ParseCommandLine(argc, argv);
  const std::vector<std::string> train_files = absl::GetFlag(FLAGS_train);
  if (train_files.empty()) {
    std::fprintf(stderr, "ner-train: --train is required\n");
    return 2;
  }
  std::vector<ner::ConllDocument> train;
  for (const std::string& file : train_files) {
    auto docs = ner::ReadConllFile(file);
    if (!docs.ok()) {
      std::fprintf(stderr, "ner-train: %s\n", std::string(docs.status().message()).c_str());
      return 1;
    }
    for (auto& d : *docs) train.push_back(std::move(d));
  }
  std::vector<ner::ConllDocument> dev;
  if (!absl::GetFlag(FLAGS_dev).empty()) {
    auto docs = ner::ReadConllFile(absl::GetFlag(FLAGS_dev));
    if (!docs.ok()) {
      std::fprintf(stderr, "ner-train: %s\n", std::string(docs.status().message()).c_str());
      return 1;
    }
    dev = std::move(*docs);
  }
  auto gazetteer = ner::Gazetteer::LoadKb(absl::GetFlag(FLAGS_kb_dir));
  if (!gazetteer.ok()) {
    std::fprintf(stderr, "ner-train: knowledge base: %s\n", std::string(gazetteer.status().message()).c_str());
    return 1;
  }
  std::fprintf(stderr, "ner-train: %zu training documents, %zu name-list n-grams\n", train.size(),
               gazetteer->num_phrases());

  ner::TrainOptions options;
  options.epochs = absl::GetFlag(FLAGS_epochs);
  options.seed = absl::GetFlag(FLAGS_seed);
  options.hash_bits = absl::GetFlag(FLAGS_hash_bits);
  options.prune = static_cast<float>(absl::GetFlag(FLAGS_prune));
  auto start = std::chrono::steady_clock::now();
  if (!dev.empty()) {
    options.on_epoch = [&](int epoch, const ner::NerModel& model) {
      ner::Evaluation e = ner::Evaluate(model, dev, false);
      ner::ChunkScore s = e.chunks.Overall();
      double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      std::printf("epoch %2d  dev P %.2f R %.2f F1 %.2f  (PER %.2f ORG %.2f LOC %.2f MISC %.2f)  %.0fs\n", epoch,
                  s.precision, s.recall, s.f1, e.chunks.ForType("PER").f1, e.chunks.ForType("ORG").f1,
                  e.chunks.ForType("LOC").f1, e.chunks.ForType("MISC").f1, elapsed);
      std::fflush(stdout);
    };
  }
  ner::NerModel model = ner::Train(train, *gazetteer, options);
  absl::Status saved = model.Save(absl::GetFlag(FLAGS_out));
  if (!saved.ok()) {
    std::fprintf(stderr, "ner-train: %s\n", std::string(saved.message()).c_str());
    return 1;
  }
  std::fprintf(stderr, "ner-train: wrote %s (%zu weight rows)\n", absl::GetFlag(FLAGS_out).c_str(), model.num_rows());
  return 0;
}
