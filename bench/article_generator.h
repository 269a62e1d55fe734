#ifndef DOSSIER_BENCH_ARTICLE_GENERATOR_H_
#define DOSSIER_BENCH_ARTICLE_GENERATOR_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace dossier::bench {

// An interaction the generator wrote into an article, as it meant it.
struct GeneratedEvent {
  // "visit", "host", "telephone", "meet", "agree", "criticize", "accuse",
  // "threaten", "aid", "demand", "praise" or "reject".
  std::string kind;
  // Knowledge-base entity ids ("person:vladimir-putin", "country:CHN",
  // "org:UN").
  std::string source_id;
  std::string target_id;
  // When it happened as a reader of the text can tell: "YYYY-MM-DD",
  // "YYYY-MM", "YYYY" (the article's partial date), "--MM-DD" (a day the
  // text names without a year, in an article without a full date), or ""
  // when neither the text nor the article gives a date.
  std::string date;
  // True when other articles report the same event (same actors, kind and
  // date), so deduplication has something to merge.
  bool repeated = false;
};

// One generated article.
struct Article {
  // Headline, an optional dateline in one of several forms, paragraphs.
  std::string body;
  // The publication date the article carries: "YYYY-MM-DD", "YYYY-MM",
  // "YYYY", or "" for an undated article.
  std::string published;
  // True when the body does not show `published` in a form a reader can
  // parse (a wire dateline without the year, a partial date): send it with
  // the request then.
  bool send_published = false;
  // The publisher to send with the article, or "" to let ingest take the
  // URL's host.
  std::string source;
  std::string url;
  // "bench-<seed>-<position>": unique per seed and position in the stream.
  std::string external_id;
  // The interactions written into the body, main event first.
  std::vector<GeneratedEvent> events;
};

// Generates varied international-affairs articles, deterministically from a
// seed: the same seed gives the same stream of articles.
//
// The people are real heads of state, ministers and officials from the
// shipped knowledge base, each used only in the years the knowledge base
// gives them a government role (bench/generator_actors.inc, made by
// bench/make_actor_table.py); with the countries, capitals, organisations,
// publishers and topics they are drawn with Zipf-like popularity, so a few
// appear in thousands of documents and most in few. Dates span 1998-2023;
// some articles carry only a month or a year, some none. Each article
// reports one main interaction (a visit, a telephone call, a meeting, an
// agreement, criticism, an accusation, a threat, aid, a demand, praise or a
// refusal) in one of several wordings, with a date in the text ("on
// Monday", "yesterday", "on 17 September 2001", "on September 17") or none,
// then secondary interactions, sometimes an earlier dated one, and filler
// built from varied sentences. About one main event in eight is one that
// other articles report too. Bodies are about 2-3.5 KB. Not thread-safe.
class ArticleGenerator {
 public:
  explicit ArticleGenerator(uint64_t seed);
  Article Next();

  // Broad words and phrases worth searching for in the generated corpus.
  static std::vector<std::string> QueryWords();
  // The most often named entities: people first, then countries, then
  // organisations.
  static std::vector<std::string> EntityIds();
  // Pairs of often named people whose years in office overlap, so the
  // corpus has many interactions between them.
  static std::vector<std::pair<std::string, std::string>> EntityPairs();
  // Actor codes and prefixes the corpus's events should carry.
  static std::vector<std::string> ActorCodes();
  // The `source` values documents get: the publisher when the article sends
  // one, else the URL's host; most frequent first.
  static std::vector<std::string> Sources();

 private:
  struct PoolEvent {
    GeneratedEvent event;
    int year = 0, month = 0, day = 0;
    std::string place;
  };
  uint64_t Rand();
  int Below(int n) { return static_cast<int>(Rand() % static_cast<uint64_t>(n)); }
  bool Chance(double p) { return static_cast<double>(Rand() >> 11) * 0x1.0p-53 < p; }
  int Zipf(const std::vector<double>& cumulative);
  template <typename T>
  const T& Pick(const std::vector<T>& items) {
    return items[Below(static_cast<int>(items.size()))];
  }

  uint64_t seed_;
  uint64_t state_;
  uint64_t counter_ = 0;
  std::vector<PoolEvent> pool_;  // events that later articles may report again
};

}  // namespace dossier::bench

#endif  // DOSSIER_BENCH_ARTICLE_GENERATOR_H_
