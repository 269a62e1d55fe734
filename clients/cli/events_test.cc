#include "clients/cli/events.h"

#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace dossier::cli {
namespace {

using ::testing::HasSubstr;

common::v1::DateValue Date(int y, int m, int d) {
  common::v1::DateValue date;
  date.set_year(y);
  date.set_month(m);
  date.set_day(d);
  return date;
}

// A phone call between two leaders, reported twice in one document; with
// characters a TSV field must not carry.
common::v1::Event PhoneCall() {
  common::v1::Event e;
  e.set_id("ev-1a2b");
  *e.mutable_date() = Date(2001, 9, 18);
  e.set_date_from_text(true);
  e.set_source_entity_id("person:a-leader");
  e.mutable_source()->set_entity_id("person:a-leader");
  e.mutable_source()->set_name("A Leader");
  e.mutable_source()->set_code("CHNGOV");
  e.set_target_entity_id("person:b-leader");
  e.mutable_target()->set_entity_id("person:b-leader");
  e.mutable_target()->set_name("B\tLeader");
  e.mutable_target()->set_code("RUSGOV");
  e.set_cameo_code("041");
  e.set_root_code("04");
  e.set_label("Discuss by telephone");
  e.set_quad_class(1);
  e.set_goldstein(1.0);
  e.set_num_mentions(2);
  e.set_num_documents(1);
  e.set_location_entity_id("city:moscow");
  e.set_location_name("Moscow");
  e.set_confidence(0.87f);
  e.set_evidence("A Leader phoned\nB Leader\ton Tuesday.");
  auto* m = e.add_mentions();
  m->set_document_id("d-0001");
  m->set_sentence(3);
  e.add_mentions()->set_document_id("d-0002");
  return e;
}

EventsFlags NoFlags() { return {}; }

TEST(BuildListEventsRequestTest, ActorsFlagsAndDates) {
  EventsFlags flags;
  flags.side = "Source";
  flags.code = "042";
  flags.quad = "1";
  flags.from = "2001";
  flags.to = "2001-12";
  flags.doc = "d-1";
  auto request = BuildListEventsRequest({"chngov", "person:vladimir-putin"}, flags);
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(request->actor(), "CHNGOV");                       // codes are upper-cased
  EXPECT_EQ(request->other_actor(), "person:vladimir-putin");  // ids are kept as given
  EXPECT_EQ(request->side(), query::v1::ACTOR_SIDE_SOURCE);
  EXPECT_EQ(request->cameo_prefix(), "042");
  EXPECT_EQ(request->quad_class(), 1);
  EXPECT_EQ(request->date_from().year(), 2001);
  EXPECT_EQ(request->date_from().month(), 0);
  EXPECT_EQ(request->date_to().month(), 12);
  EXPECT_EQ(request->document_id(), "d-1");
  EXPECT_EQ(request->page_size(), 0);

  auto none = BuildListEventsRequest({}, NoFlags());
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->actor(), "");
  EXPECT_EQ(none->side(), query::v1::ACTOR_SIDE_UNSPECIFIED);
  EXPECT_EQ(none->quad_class(), 0);
  EXPECT_FALSE(none->has_date_from());
}

TEST(BuildListEventsRequestTest, RejectsBadFlagsWithTheReason) {
  struct Case {
    std::vector<std::string> actors;
    EventsFlags flags;
    std::string reason;
  };
  auto with = [](auto set) {
    EventsFlags f;
    set(f);
    return f;
  };
  const std::vector<Case> cases = {
      {{"CHN"},
       with([](EventsFlags& f) { f.quad = "5"; }),
       "--quad=5 is not a QuadClass: 1 verbal cooperation"},
      {{"CHN"}, with([](EventsFlags& f) { f.quad = "0"; }), "--quad=0 is not a QuadClass"},
      {{"CHN"}, with([](EventsFlags& f) { f.quad = "two"; }), "--quad=two is not a QuadClass"},
      {{"CHN"}, with([](EventsFlags& f) { f.code = "4x"; }), "--code=4x is not a CAMEO code prefix"},
      {{"CHN"}, with([](EventsFlags& f) { f.code = "4"; }), "--code=4 is not a CAMEO code prefix"},
      {{"CHN"}, with([](EventsFlags& f) { f.code = "21"; }), "root code 01-20"},
      {{"CHN"}, with([](EventsFlags& f) { f.code = "00"; }), "--code=00"},
      {{"CHN"}, with([](EventsFlags& f) { f.code = "04211"; }), "2 to 4 digits"},
      {{"CHN"},
       with([](EventsFlags& f) { f.side = "left"; }),
       "--side=left is not one of source, target, any"},
      {{}, with([](EventsFlags& f) { f.side = "source"; }), "--side says which side ACTOR is on"},
      {{"CHN"}, with([](EventsFlags& f) { f.from = "2001-13"; }), "--from: bad date \"2001-13\""},
      {{"CHN"},
       with([](EventsFlags& f) {
         f.from = "2003";
         f.to = "2002";
       }),
       "is after --to"},
      {{"Jiang Zemin"}, NoFlags(), "ACTOR \"Jiang Zemin\" is neither an entity id"},
      {{"CHN", "RUS-GOV"}, NoFlags(), "OTHER \"RUS-GOV\" is neither"},
      {{"person:"}, NoFlags(), "is not an entity id"},
      {{"A", "B", "C"}, NoFlags(), "at most two actors"},
  };
  for (const auto& c : cases) {
    auto request = BuildListEventsRequest(c.actors, c.flags);
    ASSERT_FALSE(request.ok()) << c.reason;
    EXPECT_EQ(request.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(request.status().message(), HasSubstr(c.reason));
  }
  // The boundaries that are fine.
  for (const std::string code : {"01", "20", "0211", "199"}) {
    EventsFlags f;
    f.code = code;
    EXPECT_TRUE(BuildListEventsRequest({}, f).ok()) << code;
  }
}

TEST(ParseEventsFormatTest, ThreeFormats) {
  EXPECT_EQ(*ParseEventsFormat("table"), EventsFormat::kTable);
  EXPECT_EQ(*ParseEventsFormat("JSONL"), EventsFormat::kJsonl);
  EXPECT_EQ(*ParseEventsFormat("tsv"), EventsFormat::kTsv);
  auto bad = ParseEventsFormat("csv");
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.status().message(), "--format=csv is not one of table, jsonl, tsv");
}

TEST(GdeltDateTest, ZerosForUnknownParts) {
  EXPECT_EQ(GdeltDate(Date(2001, 9, 18)), "20010918");
  EXPECT_EQ(GdeltDate(Date(2001, 9, 0)), "20010900");
  EXPECT_EQ(GdeltDate(Date(2001, 0, 0)), "20010000");
  EXPECT_EQ(GdeltDate(Date(0, 9, 17)), "00000917");
  EXPECT_EQ(GdeltDate(Date(0, 0, 0)), "00000000");
}

TEST(EventTsvTest, HeaderAndRowHaveTheSameNineteenColumns) {
  std::vector<std::string> header = absl::StrSplit(EventTsvHeader(), '\t');
  ASSERT_EQ(header.size(), 19u);
  EXPECT_EQ(header.front(), "id");
  EXPECT_EQ(header.back(), "evidence\n");

  const std::string row = EventTsvRow(PhoneCall());
  ASSERT_EQ(row.back(), '\n');
  EXPECT_EQ(row.find('\n'), row.size() - 1);  // one line, whatever the fields hold
  std::vector<std::string> fields = absl::StrSplit(row.substr(0, row.size() - 1), '\t');
  ASSERT_EQ(fields.size(), 19u) << row;
  EXPECT_EQ(fields, (std::vector<std::string>{"ev-1a2b", "20010918", "person:a-leader", "A Leader", "CHNGOV",
                                              "person:b-leader", "B Leader", "RUSGOV", "041", "04", "1",
                                              "1.0", "2", "1", "city:moscow", "Moscow", "0.87", "d-0001",
                                              "A Leader phoned B Leader on Tuesday."}));
}

TEST(EventTsvTest, MissingPartsStayEmptyColumns) {
  common::v1::Event e;
  e.set_source_entity_id("country:CHN");  // no Actor message: the id still comes through
  e.set_cameo_code("173");
  e.set_goldstein(-5);
  *e.mutable_date() = Date(0, 9, 17);
  std::vector<std::string> fields = absl::StrSplit(EventTsvRow(e), '\t');
  ASSERT_EQ(fields.size(), 19u);
  EXPECT_EQ(fields[1], "00000917");
  EXPECT_EQ(fields[2], "country:CHN");
  EXPECT_EQ(fields[3], "");
  EXPECT_EQ(fields[11], "-5.0");
  EXPECT_EQ(fields[17], "");  // no mentions: no first document
  EXPECT_EQ(fields[18], "\n");
}

TEST(EventJsonLineTest, OneLineOfProtoJson) {
  const std::string line = EventJsonLine(PhoneCall());
  EXPECT_EQ(line.find('\n'), line.size() - 1);
  EXPECT_THAT(line, HasSubstr("\"source_entity_id\":\"person:a-leader\""));
  EXPECT_THAT(line, HasSubstr("\"cameo_code\":\"041\""));
  EXPECT_THAT(line, HasSubstr("\"date\":{\"year\":2001,\"month\":9,\"day\":18}"));
  EXPECT_THAT(line, HasSubstr("\"evidence\":\"A Leader phoned\\nB Leader\\ton Tuesday.\""));
  EXPECT_THAT(line, HasSubstr("\"mentions\":[{\"document_id\":\"d-0001\",\"sentence\":3"));
}

TEST(ActorLabelTest, NameAndCode) {
  common::v1::Actor actor;
  actor.set_name("A Leader");
  actor.set_code("CHNGOV");
  EXPECT_EQ(ActorLabel(actor, "person:a"), "A Leader (CHNGOV)");
  actor.clear_code();
  EXPECT_EQ(ActorLabel(actor, "person:a"), "A Leader");
  EXPECT_EQ(ActorLabel(common::v1::Actor(), "person:a"), "person:a");
  EXPECT_EQ(ActorLabel(common::v1::Actor(), ""), "?");
}

}  // namespace
}  // namespace dossier::cli
