#ifndef DOSSIER_SERVICES_ENTITY_POS_POS_TOKENIZE_H_
#define DOSSIER_SERVICES_ENTITY_POS_POS_TOKENIZE_H_

#include <string>
#include <string_view>
#include <vector>

#include "services/entity/pos/pos_trainer.h"

// The entity service's tokenizer (services/entity/tokenizer.h) for the POS
// tools and tests: as a SpanTokenizer for Retokenize, and as token strings.
// In a library of its own so that the tagger itself does not depend on the
// entity library.

namespace dossier::entity::pos {

SpanTokenizer EntityTokenizer();

// The tokens of `text` as the entity service splits them (no sentence split).
std::vector<std::string> TokenizeForTagging(std::string_view text);

}  // namespace dossier::entity::pos

#endif  // DOSSIER_SERVICES_ENTITY_POS_POS_TOKENIZE_H_
