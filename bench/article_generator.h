#ifndef DOSSIER_BENCH_ARTICLE_GENERATOR_H_
#define DOSSIER_BENCH_ARTICLE_GENERATOR_H_

#include <cstdint>
#include <string>
#include <vector>

namespace dossier::bench {

// One generated article.
struct Article {
  std::string body;       // text with a headline, a dateline in one of several forms, paragraphs
  std::string published;  // the date the dateline says, YYYY-MM-DD
};

// Generates varied international-affairs articles from a template set:
// leaders, countries, organisations, actions, dates and filler paragraphs are
// drawn with a seeded generator, so the same seed gives the same articles.
// Bodies are about 2-3.5 KB, like the seed articles.
class ArticleGenerator {
 public:
  explicit ArticleGenerator(uint64_t seed);
  Article Next();
  // Entity ids and words worth querying for in the generated corpus.
  static std::vector<std::string> QueryWords();
  static std::vector<std::string> EntityIds();

 private:
  uint64_t Rand();
  template <typename T>
  const T& Pick(const std::vector<T>& items) {
    return items[Rand() % items.size()];
  }
  uint64_t state_;
  uint64_t counter_ = 0;
};

}  // namespace dossier::bench

#endif  // DOSSIER_BENCH_ARTICLE_GENERATOR_H_
