// Annotates the seed articles (/work/shared/corpus/seeds, next to the repo)
// with the real knowledge base (data/kb) and checks a few key facts. Skipped
// when either is missing. Set DOSSIER_ENTITY_DUMP=1 to print every mention.

#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "gtest/gtest.h"
#include "services/entity/annotator.h"
#include "services/entity/events/document_events.h"
#include "services/entity/kb_index.h"
#include "services/entity/kb_store.h"
#include "services/entity/test_paths.h"

namespace dossier::entity {
namespace {

bool Exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const char* ReasonName(LinkReason r) {
  switch (r) {
    case LinkReason::kExactAlias:
      return "EXACT";
    case LinkReason::kAcronym:
      return "ACRONYM";
    case LinkReason::kDemonym:
      return "DEMONYM";
    case LinkReason::kCoreference:
      return "COREF";
    case LinkReason::kFuzzy:
      return "FUZZY";
    case LinkReason::kRole:
      return "ROLE";
    case LinkReason::kNewEntity:
      return "NEW";
    default:
      return "-";
  }
}

class SeedsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const std::string source = SourceDir();
    seeds_dir_ = new std::string(source + "/../shared/corpus/seeds");
    const std::string kb_dir = source + "/data/kb";
    if (!Exists(*seeds_dir_) || !Exists(kb_dir + "/entities.tsv")) return;
    absl::StatusOr<KbData> data = ReadShippedKb(kb_dir);
    if (!data.ok()) return;
    index_ = new std::shared_ptr<const KbIndex>(KbIndex::Build(std::move(*data)));
    // The service's named-entity model, as the service runs.
    absl::StatusOr<ner::NerModel> model = ner::NerModel::Load(source + "/data/models/ner-en.model");
    if (model.ok()) model_ = new ner::NerModel(*std::move(model));
    auto events = events::EventModels::Load(source + "/data/cameo", source + "/data/models/pos-en.model");
    if (events.ok()) events_ = events->release();
  }
  static void TearDownTestSuite() {
    delete index_;
    index_ = nullptr;
    delete model_;
    model_ = nullptr;
    delete events_;
    events_ = nullptr;
    delete seeds_dir_;
    seeds_dir_ = nullptr;
  }

  void SetUp() override {
    if (!Exists(*seeds_dir_)) GTEST_SKIP() << "no seed articles at " << *seeds_dir_;
    if (index_ == nullptr)
      GTEST_SKIP() << "no knowledge base at DOSSIER_SOURCE_DIR/data/kb (run tools/kb_build.py)";
  }

  // Annotates the seed whose file name starts with `prefix`.
  Annotation AnnotateSeed(const std::string& file, DateParts published) {
    const std::string text = ReadAll(*seeds_dir_ + "/" + file);
    AnnotateOptions options;
    options.published = published;
    options.ner = model_;
    Annotation a = Annotate(**index_, text, options);
    if (std::getenv("DOSSIER_ENTITY_DUMP") != nullptr) {
      std::cout << "=== " << file << "\n";
      for (const AnnotatedMention& m : a.mentions) {
        std::cout << "  [" << m.sentence << "] " << m.text << "  ->  ";
        if (m.type == EntityType::kDate) {
          std::cout << "DATE " << m.timex;
        } else {
          std::cout << EntityTypeName(m.type) << " " << (m.entity_id.empty() ? "(unresolved)" : m.entity_id)
                    << " " << ReasonName(m.reason) << " " << m.confidence;
        }
        std::cout << "\n";
      }
      std::cout << "  entities:";
      for (const AnnotatedEntity& e : a.entities) std::cout << " " << e.id;
      std::cout << "\n";
    }
    return a;
  }

  // The events of the seed, as the service extracts them.
  std::vector<events::DocumentEvent> SeedEvents(const std::string& file, DateParts published) {
    if (events_ == nullptr) return {};
    const std::string text = ReadAll(*seeds_dir_ + "/" + file);
    const Annotation a = AnnotateSeed(file, published);
    std::vector<events::DocumentEvent> found = events::ExtractEvents(**index_, text, a, published, events_->resources());
    if (std::getenv("DOSSIER_ENTITY_DUMP") != nullptr) {
      for (const events::DocumentEvent& e : found) {
        std::cout << "  EVENT " << FormatIsoDate(e.date) << (e.date_from_text ? "" : "*") << " " << e.source.entity_id
                  << " (" << e.source.code << ") " << e.code << " " << e.label << " " << e.target.entity_id << " ("
                  << e.target.code << ") @" << e.location_id << " x" << e.reports.size() << " conf "
                  << e.confidence << " | " << e.reports[0].trigger << " | [" << e.source.text << "] -> ["
                  << e.target.text << "]\n";
      }
    }
    return found;
  }

  // The events from `source` to `target` with a code starting with `prefix`.
  static std::vector<events::DocumentEvent> Between(const std::vector<events::DocumentEvent>& all,
                                                    const std::string& source, const std::string& target,
                                                    const std::string& prefix) {
    std::vector<events::DocumentEvent> out;
    for (const events::DocumentEvent& e : all) {
      if (e.source.entity_id == source && e.target.entity_id == target && e.code.rfind(prefix, 0) == 0)
        out.push_back(e);
    }
    return out;
  }

  static std::set<std::string> Ids(const Annotation& a) {
    std::set<std::string> ids;
    for (const AnnotatedEntity& e : a.entities) ids.insert(e.id);
    return ids;
  }
  static std::set<std::string> Timexes(const Annotation& a) {
    std::set<std::string> t;
    for (const AnnotatedMention& m : a.mentions) {
      if (m.type == EntityType::kDate) t.insert(m.timex);
    }
    return t;
  }

  static std::string* seeds_dir_;
  static std::shared_ptr<const KbIndex>* index_;
  static ner::NerModel* model_;
  static events::EventModels* events_;
};

std::string* SeedsTest::seeds_dir_ = nullptr;
std::shared_ptr<const KbIndex>* SeedsTest::index_ = nullptr;
ner::NerModel* SeedsTest::model_ = nullptr;
events::EventModels* SeedsTest::events_ = nullptr;

TEST_F(SeedsTest, JiangPutinPhoneCall) {
  Annotation a = AnnotateSeed("000_7f4482e5a54a9397.txt", DateParts{2001, 9, 19});
  const auto ids = Ids(a);
  for (const char* id : {"person:jiang-zemin", "person:vladimir-putin", "person:zhu-rongji", "country:CHN",
                         "country:RUS", "country:USA", "org:UNSC", "org:SCO"}) {
    EXPECT_TRUE(ids.count(id)) << id;
  }
  EXPECT_TRUE(Timexes(a).count("2001-09-18"));
  // "President Jiang" is resolved by role; "Sino-Russian" gives both countries.
  bool role = false, sino = false;
  for (const AnnotatedMention& m : a.mentions) {
    if (m.text == "Jiang" && m.entity_id == "person:jiang-zemin" && m.reason == LinkReason::kRole)
      role = true;
    if (m.text == "Sino" && m.entity_id == "country:CHN" && m.reason == LinkReason::kDemonym) sino = true;
  }
  EXPECT_TRUE(role);
  EXPECT_TRUE(sino);
}

TEST_F(SeedsTest, JiangMeetsPutin) {
  Annotation a = AnnotateSeed("001_efc4d15bb2d043cd.txt", DateParts{2001, 6, 14});
  const auto ids = Ids(a);
  for (const char* id : {"person:jiang-zemin", "person:vladimir-putin", "org:SCO", "country:KAZ",
                         "country:TJK", "place:shanghai"}) {
    EXPECT_TRUE(ids.count(id)) << id;
  }
  const auto t = Timexes(a);
  EXPECT_TRUE(t.count("2001-06-14"));
  EXPECT_TRUE(t.count("2001-06-15"));  // "tomorrow"
  EXPECT_TRUE(t.count("2001-07"));     // "July this year", "next month"
}

TEST_F(SeedsTest, SecurityCooperation) {
  Annotation a = AnnotateSeed("002_c1ca14e272ef07c8.txt", DateParts{2002, 7, 18});
  const auto ids = Ids(a);
  for (const char* id : {"person:qian-qichen", "person:jiang-zemin", "person:vladimir-putin", "org:SCO",
                         "country:TJK", "place:saint-petersburg"}) {
    EXPECT_TRUE(ids.count(id)) << id;
  }
  const auto t = Timexes(a);
  EXPECT_TRUE(t.count("2002-07-17"));  // "on 17th"
  EXPECT_TRUE(t.count("2002-06"));     // "last June"
  EXPECT_TRUE(t.count("2001"));        // "Last year"
}

TEST_F(SeedsTest, GoodPartnersWithoutPublicationDate) {
  Annotation a = AnnotateSeed("003_710ad9a313bb0033.txt", DateParts{});
  const auto ids = Ids(a);
  for (const char* id : {"person:jiang-zemin", "person:vladimir-putin", "person:boris-yeltsin", "org:UNSC"}) {
    EXPECT_TRUE(ids.count(id)) << id;
  }
  EXPECT_TRUE(Timexes(a).count("XXXX-07-18"));
}

TEST_F(SeedsTest, XiTelephonedPutin) {
  Annotation a = AnnotateSeed("004_7b57ee26895c35c0.txt", DateParts{2021, 8, 26});
  const auto ids = Ids(a);
  for (const char* id : {"person:xi-jinping", "person:vladimir-putin", "org:SCO", "country:AFG"}) {
    EXPECT_TRUE(ids.count(id)) << id;
  }
  EXPECT_TRUE(Timexes(a).count("2021-08-25"));
}

// The phone calls, meetings and visits a reader sees in the seeds, with
// their dates.
TEST_F(SeedsTest, EventsAReaderSees) {
  if (events_ == nullptr) GTEST_SKIP() << "no event models in data/cameo and data/models";
  const std::string jiang = "person:jiang-zemin", putin = "person:vladimir-putin", xi = "person:xi-jinping";

  auto e000 = SeedEvents("000_7f4482e5a54a9397.txt", DateParts{2001, 9, 19});
  auto calls = Between(e000, jiang, putin, "041");
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].date, (DateParts{2001, 9, 18}));
  EXPECT_EQ(calls[0].source.code, "CHNGOV");
  EXPECT_EQ(calls[0].target.code, "RUSGOV");
  EXPECT_EQ(Between(e000, putin, jiang, "041").size(), 1u);

  auto e001 = SeedEvents("001_efc4d15bb2d043cd.txt", DateParts{2001, 6, 14});
  auto meetings = Between(e001, jiang, putin, "04");
  ASSERT_FALSE(meetings.empty());
  EXPECT_EQ(meetings[0].date, (DateParts{2001, 6, 14}));

  // No publication date: the dateline's "July 18" dates the talks, without a year.
  auto e003 = SeedEvents("003_710ad9a313bb0033.txt", DateParts{});
  auto talks = Between(e003, putin, jiang, "04");
  ASSERT_FALSE(talks.empty());
  EXPECT_EQ(talks[0].date, (DateParts{0, 7, 18}));

  auto e004 = SeedEvents("004_7b57ee26895c35c0.txt", DateParts{2021, 8, 26});
  calls = Between(e004, xi, putin, "041");
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].date, (DateParts{2021, 8, 25}));
  EXPECT_EQ(calls[0].source.code, "CHNGOV");
}

}  // namespace
}  // namespace dossier::entity
