#ifndef DOSSIER_SERVICES_QUERY_TEST_DOCUMENTS_H_
#define DOSSIER_SERVICES_QUERY_TEST_DOCUMENTS_H_

// Hand-made annotated documents for the query service tests (test-only).
// The texts are written for these tests.

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "dossier/common/v1/common.pb.h"
#include "gtest/gtest.h"
#include "libs/common/pg_testing.h"
#include "libs/common/text.h"
#include "services/query/index_store.h"

namespace dossier::query::testing {

using common::v1::Document;
using common::v1::EntityType;

// Builds a document sentence by sentence; mentions are found by their text
// in the current sentence, so spans are always right (code points).
class DocBuilder {
 public:
  DocBuilder(std::string id, std::string title, int year, int month, int day,
             std::string source = "Test Daily") {
    doc_.set_id(std::move(id));
    doc_.set_title(std::move(title));
    doc_.set_source(std::move(source));
    doc_.set_language("en");
    doc_.set_state(common::v1::DOCUMENT_STATE_ANNOTATED);
    doc_.mutable_published()->set_year(year);
    doc_.mutable_published()->set_month(month);
    doc_.mutable_published()->set_day(day);
  }

  DocBuilder& Sentence(const std::string& text) {
    if (!body_.empty()) body_ += " ";
    sentence_begin_ = body_.size();
    body_ += text;
    sentences_.push_back({sentence_begin_, body_.size()});
    return *this;
  }

  DocBuilder& Entity(const std::string& surface, const std::string& entity_id, EntityType type,
                     const std::string& name) {
    common::v1::Mention* m = AddMention(surface, type);
    m->set_entity_id(entity_id);
    m->set_entity_name(name);
    m->set_confidence(0.9f);
    m->set_link_reason(common::v1::LINK_REASON_EXACT_ALIAS);
    bool listed = false;
    for (const auto& e : doc_.entities()) listed = listed || e.id() == entity_id;
    if (!listed) {
      common::v1::Entity* e = doc_.add_entities();
      e->set_id(entity_id);
      e->set_name(name);
      e->set_type(type);
    }
    return *this;
  }

  DocBuilder& Date(const std::string& surface, int year, int month, int day) {
    common::v1::Mention* m = AddMention(surface, common::v1::ENTITY_TYPE_DATE);
    m->mutable_date()->set_year(year);
    m->mutable_date()->set_month(month);
    m->mutable_date()->set_day(day);
    return *this;
  }

  Document Build() const {
    Document doc = doc_;
    doc.set_body(body_);
    const CodePointIndex index(body_);
    for (const auto& [b, e] : sentences_) {
      common::v1::Span* span = doc.add_sentences();
      span->set_begin(index.ToCodePoint(b));
      span->set_end(index.ToCodePoint(e));
    }
    for (size_t i = 0; i < mention_bytes_.size(); ++i) {
      doc.mutable_mentions(static_cast<int>(i))
          ->mutable_span()
          ->set_begin(index.ToCodePoint(mention_bytes_[i].first));
      doc.mutable_mentions(static_cast<int>(i))
          ->mutable_span()
          ->set_end(index.ToCodePoint(mention_bytes_[i].second));
    }
    return doc;
  }

 private:
  common::v1::Mention* AddMention(const std::string& surface, EntityType type) {
    const size_t at = body_.find(surface, sentence_begin_);
    EXPECT_NE(at, std::string::npos) << surface;
    // Skip occurrences already used by an earlier mention of this sentence.
    size_t pos = at;
    for (const auto& used : mention_bytes_) {
      if (used.first == pos) pos = body_.find(surface, pos + 1);
    }
    common::v1::Mention* m = doc_.add_mentions();
    m->set_text(surface);
    m->set_type(type);
    m->set_sentence(static_cast<int>(sentences_.size()) - 1);
    mention_bytes_.push_back({pos, pos + surface.size()});
    return m;
  }

  Document doc_;
  std::string body_;
  size_t sentence_begin_ = 0;
  std::vector<std::pair<size_t, size_t>> sentences_;
  std::vector<std::pair<size_t, size_t>> mention_bytes_;
};

inline constexpr EntityType kPerson = common::v1::ENTITY_TYPE_PERSON;
inline constexpr EntityType kOrg = common::v1::ENTITY_TYPE_ORGANIZATION;
inline constexpr EntityType kLocation = common::v1::ENTITY_TYPE_LOCATION;

inline constexpr char kJiang[] = "person:jiang-zemin";
inline constexpr char kPutin[] = "person:vladimir-putin";
inline constexpr char kChina[] = "country:CHN";
inline constexpr char kRussia[] = "country:RUS";
inline constexpr char kSco[] = "org:SCO";
inline constexpr char kUnsc[] = "org:UNSC";
inline constexpr char kShanghai[] = "place:shanghai";
inline constexpr char kMoscow[] = "place:moscow";
inline constexpr char kZurich[] = "place:zurich";

// d-call: phone call, published 2001-09-19; the call itself dated in the text.
inline Document PhoneCallDocument() {
  DocBuilder b("d-call", "Jiang and Putin discuss terrorism by phone", 2001, 9, 19, "People's Daily");
  b.Sentence(
       "On the evening of 18th September, President Jiang had a phone conversation with Russian President "
       "Putin.")
      .Date("the evening of 18th September", 2001, 9, 18)
      .Entity("Jiang", kJiang, kPerson, "Jiang Zemin")
      .Entity("Russian", kRussia, kLocation, "Russia")
      .Entity("Putin", kPutin, kPerson, "Vladimir Putin");
  b.Sentence("The two leaders discussed the fight against terrorism and the role of the UN Security Council.")
      .Entity("UN Security Council", kUnsc, kOrg, "UN Security Council");
  b.Sentence("Jiang said China and Russia would cooperate within the Shanghai Cooperation Organization.")
      .Entity("Jiang", kJiang, kPerson, "Jiang Zemin")
      .Entity("China", kChina, kLocation, "China")
      .Entity("Russia", kRussia, kLocation, "Russia")
      .Entity("Shanghai Cooperation Organization", kSco, kOrg, "Shanghai Cooperation Organization");
  b.Sentence("Putin thanked Jiang for his condolences.")
      .Entity("Putin", kPutin, kPerson, "Vladimir Putin")
      .Entity("Jiang", kJiang, kPerson, "Jiang Zemin");
  return b.Build();
}

// d-summit: SCO founding summit, published 2001-06-15.
inline Document SummitDocument() {
  DocBuilder b("d-summit", "SCO summit opens in Shanghai", 2001, 6, 15, "Xinhua");
  b.Sentence("The Shanghai Cooperation Organization was founded in Shanghai on 15 June 2001.")
      .Entity("Shanghai Cooperation Organization", kSco, kOrg, "Shanghai Cooperation Organization")
      .Entity("Shanghai", kShanghai, kLocation, "Shanghai")
      .Date("15 June 2001", 2001, 6, 15);
  b.Sentence("President Jiang Zemin welcomed President Vladimir Putin to the summit.")
      .Entity("Jiang Zemin", kJiang, kPerson, "Jiang Zemin")
      .Entity("Vladimir Putin", kPutin, kPerson, "Vladimir Putin");
  b.Sentence("The SCO leaders signed a convention on combating terrorism.")
      .Entity("SCO", kSco, kOrg, "Shanghai Cooperation Organization");
  b.Sentence("A treaty was not on the agenda.");
  return b.Build();
}

// d-treaty: friendship treaty, published in July 2001 (day unknown).
inline Document TreatyDocument() {
  DocBuilder b("d-treaty", "Russia and China sign friendship treaty", 2001, 7, 0, "Itar-Tass");
  b.Sentence("Jiang Zemin and Putin signed the treaty in Moscow on 16 July 2001.")
      .Entity("Jiang Zemin", kJiang, kPerson, "Jiang Zemin")
      .Entity("Putin", kPutin, kPerson, "Vladimir Putin")
      .Entity("Moscow", kMoscow, kLocation, "Moscow")
      .Date("16 July 2001", 2001, 7, 16);
  b.Sentence("China and Russia pledged good-neighbourly relations under the treaty.")
      .Entity("China", kChina, kLocation, "China")
      .Entity("Russia", kRussia, kLocation, "Russia");
  b.Sentence("The treaty was first discussed on 17 September, officials said, as Jiang recalled.")
      .Date("17 September", 0, 9, 17)
      .Entity("Jiang", kJiang, kPerson, "Jiang Zemin");
  return b.Build();
}

// d-cafe: no publication date; diacritics.
inline Document CafeDocument() {
  DocBuilder b("d-cafe", "Café owners in Zürich protest", 0, 0, 0, "Tagblatt");
  b.Sentence("Café owners in Zürich protested against new rules.")
      .Entity("Zürich", kZurich, kLocation, "Zürich");
  b.Sentence("Putin was not mentioned by the protesters, but Jiang was.")
      .Entity("Putin", kPutin, kPerson, "Vladimir Putin")
      .Entity("Jiang", kJiang, kPerson, "Jiang Zemin");
  return b.Build();
}

// d-phones: no mentions at all; "phone" twice in the body, not in the title.
inline Document PhonesDocument() {
  DocBuilder b("d-phones", "Telecom networks expand", 2002, 3, 1, "Tech Weekly");
  b.Sentence("Mobile phone networks grew quickly last year.");
  b.Sentence("A phone call now costs less than a newspaper.");
  return b.Build();
}

inline std::vector<Document> Corpus() {
  return {PhoneCallDocument(), SummitDocument(), TreatyDocument(), CafeDocument(), PhonesDocument()};
}

// ---- Events ----

inline constexpr char kBeijing[] = "place:beijing";

struct ActorSpec {
  std::string entity_id;
  std::string name;
  std::string code;
};
inline ActorSpec JiangActor() { return {kJiang, "Jiang Zemin", "CHNGOV"}; }
inline ActorSpec PutinActor() { return {kPutin, "Vladimir Putin", "RUSGOV"}; }
inline ActorSpec ChinaActor(std::string code = "CHN") { return {kChina, "China", std::move(code)}; }
inline ActorSpec RussiaActor() { return {kRussia, "Russia", "RUS"}; }

// Adds to `doc` the event `id` reported in `sentences` (index, confidence),
// with the sentences' spans and texts as mentions.
inline common::v1::Event* AddEvent(Document* doc, const std::string& id, const ActorSpec& source,
                                   const ActorSpec& target, const std::string& code, int quad_class,
                                   int year, int month, int day, bool date_from_text,
                                   const std::vector<std::pair<int, float>>& sentences,
                                   const std::string& trigger = "") {
  common::v1::Event* e = doc->add_events();
  e->set_id(id);
  e->set_source_entity_id(source.entity_id);
  e->set_target_entity_id(target.entity_id);
  for (auto [actor, spec] : {std::pair{e->mutable_source(), &source}, std::pair{e->mutable_target(), &target}}) {
    actor->set_entity_id(spec->entity_id);
    actor->set_name(spec->name);
    actor->set_code(spec->code);
    actor->set_text(spec->name);
    actor->set_type(spec->entity_id.rfind("person:", 0) == 0 ? kPerson : kLocation);
  }
  e->set_cameo_code(code);
  e->set_label("label " + code);
  e->set_root_code(code.substr(0, 2));
  e->set_quad_class(quad_class);
  e->set_goldstein(quad_class <= 2 ? 3.5 : -4.0);
  e->mutable_date()->set_year(year);
  e->mutable_date()->set_month(month);
  e->mutable_date()->set_day(day);
  e->set_date_from_text(date_from_text);
  const CodePointIndex index(doc->body());
  float best = 0;
  for (const auto& [sentence, confidence] : sentences) {
    common::v1::EventMention* m = e->add_mentions();
    m->set_document_id(doc->id());
    m->set_sentence(sentence);
    const common::v1::Span& span = doc->sentences(sentence);
    *m->mutable_span() = span;
    const size_t b = index.ToByte(span.begin());
    m->set_evidence(doc->body().substr(b, index.ToByte(span.end()) - b));
    m->set_trigger(trigger);
    m->set_confidence(confidence);
    *m->mutable_date() = e->date();
    m->set_date_from_text(date_from_text);
    *m->mutable_published() = doc->published();
    best = std::max(best, confidence);
  }
  e->set_confidence(best);
  if (e->mentions_size() > 0) {
    e->set_evidence(e->mentions(0).evidence());
    *e->mutable_span() = e->mentions(0).span();
  }
  return e;
}

// e-call (2001-09-19): Jiang telephoned Putin on 18 September (two
// sentences report it); Russia and China agree to talks.
inline Document CallEventsDocument() {
  DocBuilder b("e-call", "Jiang telephones Putin", 2001, 9, 19, "People's Daily");
  b.Sentence("On 18 September President Jiang telephoned President Putin.")
      .Date("18 September", 2001, 9, 18)
      .Entity("Jiang", kJiang, kPerson, "Jiang Zemin")
      .Entity("Putin", kPutin, kPerson, "Vladimir Putin");
  b.Sentence("Putin thanked Jiang for the call.")
      .Entity("Putin", kPutin, kPerson, "Vladimir Putin")
      .Entity("Jiang", kJiang, kPerson, "Jiang Zemin");
  b.Sentence("Russia and China agreed to hold talks in Moscow.")
      .Entity("Russia", kRussia, kLocation, "Russia")
      .Entity("China", kChina, kLocation, "China")
      .Entity("Moscow", kMoscow, kLocation, "Moscow");
  Document doc = b.Build();
  AddEvent(&doc, "ev-call", JiangActor(), PutinActor(), "041", 1, 2001, 9, 18, true, {{0, 0.8f}, {1, 0.6f}},
           "telephoned");
  AddEvent(&doc, "ev-talks", RussiaActor(), ChinaActor(), "036", 1, 2001, 9, 19, false, {{2, 0.7f}},
           "agreed to hold talks");
  return doc;
}

// e-echo (2001-09-20): the same call, reported again; a Chinese military
// exercise near Russia.
inline Document EchoEventsDocument() {
  DocBuilder b("e-echo", "Leaders spoke by phone", 2001, 9, 20, "Xinhua");
  b.Sentence("Jiang Zemin spoke with Vladimir Putin by telephone on 18 September.")
      .Entity("Jiang Zemin", kJiang, kPerson, "Jiang Zemin")
      .Entity("Vladimir Putin", kPutin, kPerson, "Vladimir Putin")
      .Date("18 September", 2001, 9, 18);
  b.Sentence("Chinese troops held exercises near the Russian border.")
      .Entity("Chinese", kChina, kLocation, "China")
      .Entity("Russian", kRussia, kLocation, "Russia");
  Document doc = b.Build();
  AddEvent(&doc, "ev-call", JiangActor(), PutinActor(), "041", 1, 2001, 9, 18, true, {{0, 0.9f}}, "spoke with");
  AddEvent(&doc, "ev-exercise", ChinaActor("CHNMIL"), RussiaActor(), "150", 4, 2001, 9, 20, false, {{1, 0.5f}},
           "held exercises");
  return doc;
}

// e-visit (May 2002, day unknown): a visit (042 for the visitor, 043 for
// the host) and an agreement signed (057), dated by publication.
inline Document VisitEventsDocument() {
  DocBuilder b("e-visit", "Putin in Beijing", 2002, 5, 0, "Itar-Tass");
  b.Sentence("Putin visited Beijing, where Jiang hosted him.")
      .Entity("Putin", kPutin, kPerson, "Vladimir Putin")
      .Entity("Beijing", kBeijing, kLocation, "Beijing")
      .Entity("Jiang", kJiang, kPerson, "Jiang Zemin");
  b.Sentence("Jiang and Putin signed a border agreement.")
      .Entity("Jiang", kJiang, kPerson, "Jiang Zemin")
      .Entity("Putin", kPutin, kPerson, "Vladimir Putin");
  Document doc = b.Build();
  common::v1::Event* visit =
      AddEvent(&doc, "ev-visit", PutinActor(), JiangActor(), "042", 1, 2002, 5, 0, false, {{0, 0.7f}}, "visited");
  visit->set_location_entity_id(kBeijing);
  visit->set_location_name("Beijing");
  AddEvent(&doc, "ev-host", JiangActor(), PutinActor(), "043", 1, 2002, 5, 0, false, {{0, 0.7f}}, "hosted");
  AddEvent(&doc, "ev-sign", JiangActor(), PutinActor(), "057", 1, 2002, 5, 0, false, {{1, 0.8f}}, "signed");
  return doc;
}

// e-undated (no publication date): a criticism on "17 September", year
// unknown.
inline Document UndatedEventsDocument() {
  DocBuilder b("e-undated", "Words between leaders", 0, 0, 0, "Tagblatt");
  b.Sentence("On 17 September Jiang criticised Putin.")
      .Date("17 September", 0, 9, 17)
      .Entity("Jiang", kJiang, kPerson, "Jiang Zemin")
      .Entity("Putin", kPutin, kPerson, "Vladimir Putin");
  Document doc = b.Build();
  AddEvent(&doc, "ev-criticise", JiangActor(), PutinActor(), "111", 3, 0, 9, 17, true, {{0, 0.6f}}, "criticised");
  return doc;
}

// Indexed in this order (so e-call is the first document of ev-call).
inline std::vector<Document> EventCorpus() {
  return {CallEventsDocument(), EchoEventsDocument(), VisitEventsDocument(), UndatedEventsDocument()};
}

// Directories made by FreshDbPath, removed when the test binary exits.
struct CreatedDirs {
  std::vector<std::filesystem::path> dirs;
  ~CreatedDirs() {
    for (const auto& dir : dirs) {
      std::error_code ec;
      std::filesystem::remove_all(dir, ec);
    }
  }
};
inline CreatedDirs& TestDirs() {
  static CreatedDirs dirs;
  return dirs;
}

// A database path in a fresh directory for one test.
inline std::string FreshDbPath() {
  static std::atomic<int> counter{0};
  const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::filesystem::path dir = std::filesystem::path(::testing::TempDir()) /
                              ("dossier-query-" + std::to_string(getpid()) + "-" + std::to_string(counter++) +
                               "-" + (info ? std::string(info->name()) : std::string("x")));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  TestDirs().dirs.push_back(dir);
  return (dir / "query.db").string();
}

using ::dossier::testing::Backend;

// A fresh place for one test's store on `backend`: a new SQLite file path, or
// the URL of a new PostgreSQL database. Tests skip the PostgreSQL run before
// calling this when TestPostgresUrl() is empty.
inline std::string FreshLocation(Backend backend) {
  if (backend == Backend::kSqlite) return FreshDbPath();
  const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
  auto url = ::dossier::testing::CreateTestDatabase(info ? info->name() : "query");
  EXPECT_TRUE(url.ok()) << url.status();
  return url.ok() ? *url : std::string();
}

// Opens the store at `location` (see FreshLocation).
inline absl::StatusOr<std::unique_ptr<IndexStore>> OpenStoreAt(Backend backend, const std::string& location,
                                                               const IndexStoreOptions& options = {}) {
  return backend == Backend::kSqlite ? IndexStore::Open(location, options)
                                     : IndexStore::OpenPostgres(location, options);
}

// For INSTANTIATE_TEST_SUITE_P: "sqlite" / "postgresql".
inline std::string BackendTestName(const ::testing::TestParamInfo<Backend>& info) {
  return ::dossier::testing::BackendName(info.param);
}

}  // namespace dossier::query::testing

// Skips the PostgreSQL instance of a parameterized test without a test server.
#define SKIP_WITHOUT_POSTGRES(backend)                                                                      \
  if ((backend) == ::dossier::testing::Backend::kPostgres && ::dossier::testing::TestPostgresUrl().empty()) \
  GTEST_SKIP() << ::dossier::testing::kNoPostgresMessage

#endif  // DOSSIER_SERVICES_QUERY_TEST_DOCUMENTS_H_
