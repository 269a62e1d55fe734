#include "services/entity/ner/ner_trainer.h"

#include <chrono>
#include <random>
#include <string_view>

namespace dossier::entity::ner {
namespace {

struct TrainSentence {
  size_t token_begin;  // index into the flat token arrays
  int num_tokens;
};

}  // namespace

NerModel Train(const std::vector<ConllDocument>& documents, const Gazetteer& gazetteer, const TrainOptions& options) {
  // Features are fixed for a sentence, so they are extracted once.
  std::vector<TrainSentence> sentences;
  std::vector<uint32_t> feature_begin{0};  // per token, into features
  std::vector<uint32_t> features;
  std::vector<uint8_t> gold;
  NerWorkspace ws;
  std::vector<std::string_view> tokens;
  for (const ConllDocument& document : documents) {
    DocumentContext doc;
    for (const ConllSentence& s : document.sentences) {
      tokens.assign(s.tokens.begin(), s.tokens.end());
      doc.AddSentence(tokens);
    }
    for (const ConllSentence& s : document.sentences) {
      tokens.assign(s.tokens.begin(), s.tokens.end());
      const int n = static_cast<int>(tokens.size());
      ExtractFeatures(tokens, gazetteer, &doc, options.hash_bits, &ws);
      sentences.push_back({gold.size(), n});
      std::vector<uint8_t> g = BilouFromSpans(SpansFromTags(s.tags), n);
      gold.insert(gold.end(), g.begin(), g.end());
      for (int i = 0; i < n; ++i) {
        const uint32_t* f = &ws.features[static_cast<size_t>(i) * kMaxFeatures];
        features.insert(features.end(), f, f + ws.num_features[i]);
        feature_begin.push_back(static_cast<uint32_t>(features.size()));
      }
    }
  }

  const size_t num_weights = (size_t{1} << options.hash_bits) * kNumTags;
  const size_t num_transitions = (kNumTags + 1) * kNumTags;
  std::vector<float> w(num_weights, 0.0f);
  std::vector<double> u(num_weights, 0.0);  // sum of c * update, for averaging
  std::vector<float> tw(num_transitions, 0.0f);
  std::vector<double> tu(num_transitions, 0.0);
  double c = 1;

  std::vector<float> avg(num_weights);
  std::vector<float> tavg(num_transitions);
  auto average = [&] {
    for (size_t i = 0; i < num_weights; ++i) avg[i] = static_cast<float>(w[i] - u[i] / c);
    for (size_t i = 0; i < num_transitions; ++i) tavg[i] = static_cast<float>(tw[i] - tu[i] / c);
  };

  std::mt19937_64 rng(options.seed);
  std::vector<uint32_t> order(sentences.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<uint32_t>(i);
  std::vector<uint8_t> predicted;
  for (int epoch = 1; epoch <= options.epochs; ++epoch) {
    // Fisher-Yates with our own index draws: the same on every platform.
    for (size_t i = order.size(); i > 1; --i) {
      size_t j = static_cast<size_t>(rng() % i);
      std::swap(order[i - 1], order[j]);
    }
    for (uint32_t si : order) {
      const TrainSentence& s = sentences[si];
      const int n = s.num_tokens;
      if (n == 0) continue;
      ws.scores.assign(static_cast<size_t>(n) * kNumTags, 0.0f);
      for (int i = 0; i < n; ++i) {
        float* acc = &ws.scores[static_cast<size_t>(i) * kNumTags];
        for (uint32_t k = feature_begin[s.token_begin + i]; k < feature_begin[s.token_begin + i + 1]; ++k) {
          const float* row = &w[static_cast<size_t>(features[k]) * kNumTags];
          for (int t = 0; t < kNumTags; ++t) acc[t] += row[t];
        }
      }
      predicted.resize(n);
      ViterbiDecode(n, tw.data(), &ws, predicted.data());
      const uint8_t* g = &gold[s.token_begin];
      for (int i = 0; i < n; ++i) {
        const int gp = i == 0 ? -1 : g[i - 1];
        const int pp = i == 0 ? -1 : predicted[i - 1];
        if (g[i] != predicted[i]) {
          for (uint32_t k = feature_begin[s.token_begin + i]; k < feature_begin[s.token_begin + i + 1]; ++k) {
            const size_t base = static_cast<size_t>(features[k]) * kNumTags;
            w[base + g[i]] += 1;
            u[base + g[i]] += c;
            w[base + predicted[i]] -= 1;
            u[base + predicted[i]] -= c;
          }
        }
        if (g[i] != predicted[i] || gp != pp) {
          const size_t gt = static_cast<size_t>(gp + 1) * kNumTags + g[i];
          const size_t pt = static_cast<size_t>(pp + 1) * kNumTags + predicted[i];
          tw[gt] += 1;
          tu[gt] += c;
          tw[pt] -= 1;
          tu[pt] -= c;
        }
      }
      c += 1;
    }
    if (options.on_epoch) {
      average();
      options.on_epoch(epoch, NerModel::FromDense(options.hash_bits, gazetteer, avg, tavg, options.prune));
    }
  }
  average();
  w = {};
  u = {};
  return NerModel::FromDense(options.hash_bits, gazetteer, avg, tavg, options.prune);
}

Evaluation Evaluate(const NerModel& model, const std::vector<ConllDocument>& documents, bool keep_predictions) {
  Evaluation result;
  NerWorkspace ws;
  std::vector<std::vector<std::string_view>> sentences;
  std::vector<std::vector<uint8_t>> tags;
  const TagScheme scheme = DetectScheme(documents);
  for (const ConllDocument& document : documents) {
    sentences.clear();
    for (const ConllSentence& s : document.sentences) sentences.emplace_back(s.tokens.begin(), s.tokens.end());
    tags.resize(sentences.size());
    auto start = std::chrono::steady_clock::now();
    DocumentContext doc;
    for (const auto& s : sentences) doc.AddSentence(s);
    for (size_t i = 0; i < sentences.size(); ++i) model.Tag(sentences[i], &doc, &ws, &tags[i]);
    result.tag_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    for (size_t i = 0; i < sentences.size(); ++i) {
      const int n = static_cast<int>(sentences[i].size());
      result.tokens += n;
      std::vector<std::string> predicted = TagsFromSpans(SpansFromBilou(tags[i]), n, scheme);
      result.chunks.Add(document.sentences[i].tags, predicted);
      if (keep_predictions) result.predicted.push_back(std::move(predicted));
    }
  }
  return result;
}

}  // namespace dossier::entity::ner
