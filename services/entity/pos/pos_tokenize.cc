#include "services/entity/pos/pos_tokenize.h"

#include "services/entity/tokenizer.h"

namespace dossier::entity::pos {

SpanTokenizer EntityTokenizer() {
  return [](std::string_view text) {
    const TokenizedText tokens = Tokenize(text);
    std::vector<std::pair<uint32_t, uint32_t>> spans;
    spans.reserve(tokens.tokens.size());
    for (const Token& t : tokens.tokens) spans.emplace_back(t.begin, t.end);
    return spans;
  };
}

std::vector<std::string> TokenizeForTagging(std::string_view text) {
  const TokenizedText tokens = Tokenize(text);
  std::vector<std::string> out;
  out.reserve(tokens.tokens.size());
  for (int i = 0; i < tokens.size(); ++i) out.emplace_back(tokens.text(i, text));
  return out;
}

}  // namespace dossier::entity::pos
