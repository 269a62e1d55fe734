#ifndef DOSSIER_SERVICES_ENTITY_NER_NER_TRAINER_H_
#define DOSSIER_SERVICES_ENTITY_NER_NER_TRAINER_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "services/entity/ner/conll.h"
#include "services/entity/ner/ner_model.h"

// Training (averaged structured perceptron) and evaluation of NerModel.

namespace dossier::entity::ner {

struct TrainOptions {
  int epochs = 10;
  uint64_t seed = 1;  // order in which sentences are visited each epoch
  int hash_bits = kDefaultHashBits;
  float prune = 0;  // averaged weights with |w| below this are dropped from the model
  // Called after each epoch with the averaged model so far (e.g. to score a
  // development set). Optional.
  std::function<void(int epoch, const NerModel& model)> on_epoch;
};

// Trains on CoNLL documents (entity types other than PER, ORG, LOC and MISC
// are read as O). Single-threaded and deterministic: the same documents,
// gazetteer and options give a byte-identical model file.
NerModel Train(const std::vector<ConllDocument>& documents, const Gazetteer& gazetteer, const TrainOptions& options);

struct Evaluation {
  ChunkEvaluator chunks;
  double tag_seconds = 0;  // time spent tagging (document context, features, decoding)
  int64_t tokens = 0;
  // Predicted tags in the scheme of the gold tags (IOB1 or IOB2, see
  // DetectScheme), one vector per sentence in file order (filled only when
  // requested).
  std::vector<std::vector<std::string>> predicted;
};

// Tags every document (sentences with their document context) and scores
// the result against the gold tags.
Evaluation Evaluate(const NerModel& model, const std::vector<ConllDocument>& documents, bool keep_predictions);

}  // namespace dossier::entity::ner

#endif  // DOSSIER_SERVICES_ENTITY_NER_NER_TRAINER_H_
