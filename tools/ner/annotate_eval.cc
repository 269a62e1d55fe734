// annotate-eval: scores the entity service's whole extraction (the annotator:
// knowledge-base gazetteer, rules and, when given, the NER model) on a CoNLL
// file, conlleval-style (chunk-level precision, recall and F1 per type and
// overall), and reports the annotator's speed (documents/s, tokens/s, one
// thread, index built).
//
//   annotate-eval --kb_dir data/kb [--ner_model data/models/ner-en.model] [--predictions OUT] FILE
//
// Each CoNLL document (split at -DOCSTART-) becomes one text: the tokens of a
// sentence joined by single spaces, sentences joined by "\n". It is annotated
// with no publication date and no title, as the service would annotate it;
// date mentions are ignored and every other mention is mapped onto the CoNLL
// tokens it touches (see tools/ner/annotate_eval_lib.h).

#include <cstdio>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "services/entity/annotator.h"
#include "services/entity/kb_index.h"
#include "services/entity/kb_store.h"
#include "services/entity/ner/conll.h"
#include "services/entity/ner/ner_model.h"
#include "tools/ner/annotate_eval_lib.h"

ABSL_FLAG(std::string, kb_dir, "data/kb", "Shipped knowledge base directory");
ABSL_FLAG(std::string, ner_model, "", "NER model file (AnnotateOptions::ner); empty: gazetteer and rules only");
ABSL_FLAG(std::string, predictions, "", "Write 'token gold predicted' lines here (optional)");
ABSL_FLAG(bool, demonyms_as_misc, false,
          "Diagnostic: score mentions linked by a demonym/adjective alias as MISC (CoNLL's convention)");
ABSL_FLAG(int, show_misaligned, 0, "Print up to this many mentions that cut a CoNLL token");
ABSL_FLAG(int, dump_document, -1,
          "Print the text built for document N (0-based) and the annotator's mentions in it, then exit");
ABSL_FLAG(int, repeat, 1, "Annotate the file this many times (for steadier speed figures)");

namespace ner = dossier::entity::ner;
namespace ae = dossier::entity::annotate_eval;
using dossier::entity::AnnotateOptions;
using dossier::entity::KbIndex;

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Scores the entity annotator on CoNLL data: annotate-eval --kb_dir DIR [--ner_model M] [--predictions OUT] "
      "FILE");
  std::vector<char*> args = absl::ParseCommandLine(argc, argv);
  if (args.size() != 2) {
    std::fprintf(stderr, "usage: annotate-eval --kb_dir DIR [--ner_model M] [--predictions OUT] FILE\n");
    return 2;
  }
  auto kb_data = dossier::entity::ReadShippedKb(absl::GetFlag(FLAGS_kb_dir));
  if (!kb_data.ok()) {
    std::fprintf(stderr, "annotate-eval: %s\n", std::string(kb_data.status().message()).c_str());
    return 1;
  }
  std::shared_ptr<const KbIndex> kb = KbIndex::Build(*std::move(kb_data));
  auto docs = ner::ReadConllFile(args[1]);
  if (!docs.ok()) {
    std::fprintf(stderr, "annotate-eval: %s\n", std::string(docs.status().message()).c_str());
    return 1;
  }

  AnnotateOptions options;  // no publication date, no title
  const std::string model_path = absl::GetFlag(FLAGS_ner_model);
  std::optional<ner::NerModel> model;
  if (!model_path.empty()) {
    auto loaded = ner::NerModel::Load(model_path);
    if (!loaded.ok()) {
      std::fprintf(stderr, "annotate-eval: %s\n", std::string(loaded.status().message()).c_str());
      return 1;
    }
    model.emplace(*std::move(loaded));
    options.ner = &*model;
  }

  if (const int n = absl::GetFlag(FLAGS_dump_document); n >= 0) {
    if (n >= static_cast<int>(docs->size())) {
      std::fprintf(stderr, "annotate-eval: the file has %zu documents\n", docs->size());
      return 1;
    }
    ae::DocumentText doc = ae::BuildDocumentText((*docs)[n]);
    dossier::entity::Annotation annotation = dossier::entity::Annotate(*kb, doc.text, options);
    std::printf("%s\n\n", doc.text.c_str());
    for (const dossier::entity::AnnotatedMention& m : annotation.mentions) {
      std::printf("[%u,%u) %s %s %s reason=%d\n", m.begin, m.end, dossier::entity::EntityTypeName(m.type),
                  m.text.c_str(), m.entity_id.c_str(), static_cast<int>(m.reason));
    }
    return 0;
  }

  const std::string predictions_path = absl::GetFlag(FLAGS_predictions);
  ae::MappingOptions mapping;
  mapping.demonyms_as_misc = absl::GetFlag(FLAGS_demonyms_as_misc);
  mapping.max_examples = absl::GetFlag(FLAGS_show_misaligned);
  ae::Result r = ae::Evaluate(*kb, *docs, options, !predictions_path.empty(), mapping);
  double seconds = r.annotate_seconds;
  int64_t documents = r.documents, tokens = r.tokens;
  for (int i = 1; i < absl::GetFlag(FLAGS_repeat); ++i) {
    ae::Result again = ae::Evaluate(*kb, *docs, options, false, mapping);
    seconds += again.annotate_seconds;
    documents += again.documents;
    tokens += again.tokens;
  }

  std::printf("annotator: kb %s (%d entities), ner model: %s\n", kb->version().c_str(), kb->size(),
              model_path.empty() ? "none" : model_path.c_str());
  std::fputs(r.chunks.Report().c_str(), stdout);
  const ae::AlignmentStats& a = r.alignment;
  std::printf(
      "mentions: %lld non-date (%lld on token boundaries, %lld cutting a token, %lld across a sentence break, "
      "%lld on no token), %lld dropped as overlapping a longer one, %lld linked by demonym%s; %lld dates ignored\n",
      static_cast<long long>(a.mentions), static_cast<long long>(a.aligned), static_cast<long long>(a.misaligned),
      static_cast<long long>(a.cross_sentence), static_cast<long long>(a.no_token),
      static_cast<long long>(a.overlap_dropped), static_cast<long long>(a.demonyms),
      mapping.demonyms_as_misc ? " (scored as MISC)" : "", static_cast<long long>(a.dates));
  for (const std::string& example : a.misaligned_examples) std::printf("  cuts a token: %s\n", example.c_str());
  std::printf("annotation: %lld documents, %lld tokens in %.3f s = %.1f documents/s, %.0f tokens/s (one thread)\n",
              static_cast<long long>(documents), static_cast<long long>(tokens), seconds,
              seconds > 0 ? static_cast<double>(documents) / seconds : 0.0,
              seconds > 0 ? static_cast<double>(tokens) / seconds : 0.0);

  if (!predictions_path.empty()) {
    std::ofstream out(predictions_path, std::ios::binary | std::ios::trunc);
    size_t k = 0;
    for (const ner::ConllDocument& d : *docs) {
      for (const ner::ConllSentence& s : d.sentences) {
        const std::vector<std::string>& p = r.predicted[k++];
        for (size_t i = 0; i < s.tokens.size(); ++i) out << s.tokens[i] << ' ' << s.tags[i] << ' ' << p[i] << '\n';
        out << '\n';
      }
    }
    if (!out) {
      std::fprintf(stderr, "annotate-eval: cannot write %s\n", predictions_path.c_str());
      return 1;
    }
  }
  return 0;
}
