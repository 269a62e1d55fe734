#include "tools/ner/annotate_eval_lib.h"

#include <algorithm>
#include <chrono>
#include <utility>

namespace dossier::entity::annotate_eval {

DocumentText BuildDocumentText(const ner::ConllDocument& document) {
  DocumentText d;
  d.token_begin.resize(document.sentences.size());
  d.token_end.resize(document.sentences.size());
  for (size_t s = 0; s < document.sentences.size(); ++s) {
    if (s > 0) d.text += '\n';
    const ner::ConllSentence& sentence = document.sentences[s];
    for (size_t i = 0; i < sentence.tokens.size(); ++i) {
      if (i > 0) d.text += ' ';
      d.token_begin[s].push_back(static_cast<uint32_t>(d.text.size()));
      d.text += sentence.tokens[i];
      d.token_end[s].push_back(static_cast<uint32_t>(d.text.size()));
    }
    d.num_tokens += static_cast<int64_t>(sentence.tokens.size());
  }
  return d;
}

std::optional<std::string> ConllType(EntityType type) {
  switch (type) {
    case EntityType::kPerson:
      return "PER";
    case EntityType::kOrganization:
      return "ORG";
    case EntityType::kLocation:
      return "LOC";
    case EntityType::kMisc:
      return "MISC";
    case EntityType::kDate:
    case EntityType::kUnspecified:
      break;
  }
  return std::nullopt;
}

namespace {

struct Candidate {
  int sentence = 0;
  ner::Span span;
  uint32_t bytes = 0;
  size_t order = 0;
};

}  // namespace

std::vector<std::vector<ner::Span>> SpansFromMentions(const DocumentText& doc,
                                                      const std::vector<AnnotatedMention>& mentions,
                                                      AlignmentStats* stats, const MappingOptions& mapping) {
  AlignmentStats local;
  AlignmentStats& st = stats != nullptr ? *stats : local;
  const size_t num_sentences = doc.token_begin.size();
  std::vector<std::vector<ner::Span>> out(num_sentences);

  // Sentence of a byte offset: the last sentence starting at or before it
  // (empty sentences have no tokens and are skipped).
  std::vector<std::pair<uint32_t, int>> starts;  // (first byte, sentence)
  for (size_t s = 0; s < num_sentences; ++s) {
    if (!doc.token_begin[s].empty()) starts.emplace_back(doc.token_begin[s].front(), static_cast<int>(s));
  }

  std::vector<Candidate> candidates;
  for (size_t m = 0; m < mentions.size(); ++m) {
    const AnnotatedMention& mention = mentions[m];
    std::optional<std::string> type = ConllType(mention.type);
    if (!type) {
      if (mention.type == EntityType::kDate) ++st.dates;
      continue;
    }
    ++st.mentions;
    if (mention.reason == LinkReason::kDemonym) {
      ++st.demonyms;
      if (mapping.demonyms_as_misc) type = "MISC";
    }
    const uint32_t b = mention.begin;
    const uint32_t e = mention.end;
    // First sentence that may hold a token ending after b.
    auto it = std::upper_bound(starts.begin(), starts.end(), b,
                               [](uint32_t v, const std::pair<uint32_t, int>& p) { return v < p.first; });
    size_t k = it == starts.begin() ? 0 : static_cast<size_t>(it - starts.begin() - 1);
    int sentence = -1;
    int first = -1, last = -1;
    bool crossed = false;
    for (; k < starts.size(); ++k) {
      const int s = starts[k].second;
      const std::vector<uint32_t>& tb = doc.token_begin[s];
      const std::vector<uint32_t>& te = doc.token_end[s];
      if (tb.front() >= e) break;
      // Tokens of s intersecting [b, e).
      auto lo = std::upper_bound(te.begin(), te.end(), b);  // first token with end > b
      int i = static_cast<int>(lo - te.begin());
      int j = i;
      while (j < static_cast<int>(tb.size()) && tb[j] < e) ++j;
      if (i >= j) continue;
      if (sentence < 0) {
        sentence = s;
        first = i;
        last = j - 1;
      } else {
        crossed = true;  // keep the part in the first sentence
      }
    }
    if (sentence < 0) {
      ++st.no_token;
      continue;
    }
    if (crossed) ++st.cross_sentence;
    const bool aligned = doc.token_begin[sentence][first] == b && doc.token_end[sentence][last] == e && !crossed;
    if (aligned) {
      ++st.aligned;
    } else if (!crossed) {
      ++st.misaligned;
      if (static_cast<int>(st.misaligned_examples.size()) < mapping.max_examples) {
        const uint32_t tb = doc.token_begin[sentence][first], te = doc.token_end[sentence][last];
        st.misaligned_examples.push_back(doc.text.substr(b, e - b) + " [" + *type + "] -> " +
                                         doc.text.substr(tb, te - tb));
      }
    }
    Candidate c;
    c.sentence = sentence;
    c.span = ner::Span{first, last + 1, *type};
    c.bytes = e - b;
    c.order = m;
    candidates.push_back(std::move(c));
  }

  // Longest first; a candidate overlapping an accepted one is dropped.
  std::stable_sort(candidates.begin(), candidates.end(), [](const Candidate& x, const Candidate& y) {
    const int lx = x.span.end - x.span.begin, ly = y.span.end - y.span.begin;
    if (lx != ly) return lx > ly;
    if (x.bytes != y.bytes) return x.bytes > y.bytes;
    return x.order < y.order;
  });
  std::vector<std::vector<bool>> taken(num_sentences);
  for (size_t s = 0; s < num_sentences; ++s) taken[s].assign(doc.token_begin[s].size(), false);
  for (const Candidate& c : candidates) {
    std::vector<bool>& t = taken[c.sentence];
    bool free = true;
    for (int i = c.span.begin; i < c.span.end && free; ++i) free = !t[i];
    if (!free) {
      ++st.overlap_dropped;
      continue;
    }
    for (int i = c.span.begin; i < c.span.end; ++i) t[i] = true;
    out[c.sentence].push_back(c.span);
  }
  for (std::vector<ner::Span>& spans : out) {
    std::sort(spans.begin(), spans.end(), [](const ner::Span& x, const ner::Span& y) { return x.begin < y.begin; });
  }
  return out;
}

Result Evaluate(const KbIndex& kb, const std::vector<ner::ConllDocument>& documents,
                const AnnotateOptions& options, bool keep_predictions, const MappingOptions& mapping) {
  Result r;
  const ner::TagScheme scheme = ner::DetectScheme(documents);
  for (const ner::ConllDocument& document : documents) {
    DocumentText doc = BuildDocumentText(document);
    const auto start = std::chrono::steady_clock::now();
    Annotation annotation = Annotate(kb, doc.text, options);
    r.annotate_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    ++r.documents;
    r.tokens += doc.num_tokens;
    r.bytes += static_cast<int64_t>(doc.text.size());
    std::vector<std::vector<ner::Span>> spans = SpansFromMentions(doc, annotation.mentions, &r.alignment, mapping);
    for (size_t s = 0; s < document.sentences.size(); ++s) {
      const ner::ConllSentence& sentence = document.sentences[s];
      std::vector<std::string> predicted =
          ner::TagsFromSpans(spans[s], static_cast<int>(sentence.tokens.size()), scheme);
      r.chunks.Add(sentence.tags, predicted);
      if (keep_predictions) r.predicted.push_back(std::move(predicted));
    }
  }
  return r;
}

}  // namespace dossier::entity::annotate_eval
