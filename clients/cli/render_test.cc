#include "clients/cli/render.h"

#include <algorithm>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "clients/cli/format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace dossier::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

void SetDate(common::v1::DateValue* date, int y, int m, int d) {
  date->set_year(y);
  date->set_month(m);
  date->set_day(d);
}

query::v1::TimelineItem* AddItem(google::protobuf::RepeatedPtrField<query::v1::TimelineItem>* items, int y,
                                 int m, int d, bool from_text, const std::string& title,
                                 const std::string& text) {
  auto* item = items->Add();
  SetDate(item->mutable_date(), y, m, d);
  item->set_date_from_text(from_text);
  item->set_title(title);
  item->set_text(text);
  return item;
}

TEST(RenderTimelineTest, GroupsByDateMarksPublicationDatesAndListsUndated) {
  query::v1::TimelineResponse response;
  AddItem(response.mutable_items(), 2001, 7, 16, true, "Treaty signed", "Jiang and Putin signed the treaty.");
  AddItem(response.mutable_items(), 2001, 7, 16, true, "Second", "They met.");
  AddItem(response.mutable_items(), 2001, 9, 0, false, "T", "S");
  AddItem(response.mutable_undated(), 0, 0, 0, false, "U", "No date here.");
  response.set_next_page_token("abc");
  EXPECT_EQ(RenderTimeline(response, 100),
            "2001-07-16   Treaty signed \xE2\x80\x94 Jiang and Putin signed the treaty.\n"
            "             Second \xE2\x80\x94 They met.\n"
            "2001-09-??*  T \xE2\x80\x94 S\n"
            "\n"
            "Undated:\n"
            "  U \xE2\x80\x94 No date here.\n"
            "\n"
            "* the publication date: the sentence names no date of its own\n"
            "Next page: --page_token=abc\n");
}

TEST(RenderTimelineTest, WrapsLongSentencesUnderTheTextColumn) {
  query::v1::TimelineResponse response;
  AddItem(response.mutable_items(), 0, 9, 17, true, "Title",
          "a sentence long enough that it has to wrap onto a second line");
  std::string out = RenderTimeline(response, 40);
  EXPECT_EQ(out.substr(0, 13), "???\?-09-17   ");
  EXPECT_THAT(out, HasSubstr("\n             "));
  EXPECT_THAT(out, Not(HasSubstr("publication date")));
}

TEST(RenderTimelineTest, Empty) { EXPECT_EQ(RenderTimeline({}, 100), "Nothing found.\n"); }

common::v1::Event MakeEvent(const std::string& source, const std::string& source_code,
                            const std::string& code, const std::string& label, const std::string& target,
                            const std::string& target_code, int mentions) {
  common::v1::Event e;
  e.set_source_entity_id("x:" + source);
  e.mutable_source()->set_name(source);
  e.mutable_source()->set_code(source_code);
  e.set_target_entity_id("x:" + target);
  e.mutable_target()->set_name(target);
  e.mutable_target()->set_code(target_code);
  e.set_cameo_code(code);
  e.set_label(label);
  e.set_num_mentions(mentions);
  return e;
}

TEST(RenderTimelineTest, DaysListEventsFirstThenSentences) {
  query::v1::TimelineResponse response;
  auto* call = AddItem(response.mutable_items(), 2001, 9, 18, true, "Call", "A Leader phoned B Leader.");
  *call->mutable_event() =
      MakeEvent("A Leader", "CHNGOV", "041", "Discuss by telephone", "B Leader", "RUSGOV", 3);
  AddItem(response.mutable_items(), 2001, 9, 18, true, "Call", "They talked about terrorism.");
  AddItem(response.mutable_items(), 2001, 9, 19, false, "Later", "B Leader spoke again.");
  auto* undated = AddItem(response.mutable_undated(), 0, 0, 0, false, "U", "They met.");
  *undated->mutable_event() = MakeEvent("A Leader", "", "040", "Consult", "B Leader", "", 1);
  // The days hold the same items, events first.
  auto* day = response.add_days();
  SetDate(day->mutable_date(), 2001, 9, 18);
  *day->add_items() = response.items(0);
  *day->add_items() = response.items(1);
  auto* next_day = response.add_days();
  SetDate(next_day->mutable_date(), 2001, 9, 19);
  *next_day->add_items() = response.items(2);
  EXPECT_EQ(RenderTimeline(response, 100),
            "2001-09-18   A Leader [041 Discuss by telephone] B Leader (3 mentions)\n"
            "             Call \xE2\x80\x94 They talked about terrorism.\n"
            "2001-09-19*  Later \xE2\x80\x94 B Leader spoke again.\n"
            "\n"
            "Undated:\n"
            "  A Leader [040 Consult] B Leader\n"
            "\n"
            "* the publication date: the sentence names no date of its own\n");
}

TEST(RenderTimelineTest, WithoutDaysGroupsItemsByDateWithEventsFirst) {
  query::v1::TimelineResponse response;
  AddItem(response.mutable_items(), 2001, 7, 16, true, "Treaty", "They signed the treaty.");
  auto* signing = AddItem(response.mutable_items(), 2001, 7, 16, true, "Treaty", "They signed the treaty.");
  *signing->mutable_event() = MakeEvent("China", "CHN", "057", "Sign formal agreement", "Russia", "RUS", 2);
  AddItem(response.mutable_items(), 2001, 7, 17, true, "Next", "Comments followed.");
  EXPECT_EQ(RenderTimeline(response, 100),
            "2001-07-16   China [057 Sign formal agreement] Russia (2 mentions)\n"
            "             Treaty \xE2\x80\x94 They signed the treaty.\n"
            "2001-07-17   Next \xE2\x80\x94 Comments followed.\n");
}

TEST(RenderEventsTest, TableWithEvidenceUnderEachRowAndFooter) {
  query::v1::ListEventsResponse response;
  auto* call = response.add_events();
  *call = MakeEvent("A Leader", "CHNGOV", "041", "Discuss by telephone", "B Leader", "RUSGOV", 2);
  SetDate(call->mutable_date(), 2001, 9, 18);
  call->set_date_from_text(true);
  call->set_evidence("A Leader phoned\nB Leader on Tuesday.");
  auto* treaty = response.add_events();
  *treaty = MakeEvent("China", "CHN", "057", "Sign formal agreement", "Russia", "", 1);
  SetDate(treaty->mutable_date(), 2001, 9, 0);
  response.set_total_size(7);
  response.set_next_page_token("e2");
  EXPECT_EQ(RenderEvents(response, 100),
            "DATE         SOURCE             EVENT                      TARGET             MENTIONS\n"
            "2001-09-18   A Leader (CHNGOV)  041 Discuss by telephone   B Leader (RUSGOV)         2\n"
            "             A Leader phoned B Leader on Tuesday.\n"
            "2001-09-??*  China (CHN)        057 Sign formal agreement  Russia                    1\n"
            "\n"
            "* the publication date: the sentence names no date of its own\n"
            "\n"
            "Showing 2 of 7 events.\n"
            "Next page: --page_token=e2\n");
  // The whole export: a plain count.
  response.clear_next_page_token();
  EXPECT_THAT(RenderEvents(response, 100, true), HasSubstr("\n2 events.\n"));
  EXPECT_THAT(RenderEvents(response, 100, true), Not(HasSubstr("Showing")));
  EXPECT_EQ(RenderEvents({}, 100), "No events match.\n");
}

TEST(RenderEventsTest, FitsANarrowTerminal) {
  query::v1::ListEventsResponse response;
  for (int i = 0; i < 3; ++i) {
    auto* e = response.add_events();
    *e = MakeEvent("Shanghai Cooperation Organization", "IGOSCO", "0431",
                   "Host a visit of a foreign delegation", "Vladimir Vladimirovich Putin", "RUSGOV", 12);
    SetDate(e->mutable_date(), 2001, 6, 15);
    e->set_date_from_text(true);
    e->set_evidence(std::string(300, 'x'));
  }
  response.set_total_size(3);
  const std::string out = RenderEvents(response, 60);
  for (const std::string& line : std::vector<std::string>(absl::StrSplit(out, '\n'))) {
    EXPECT_LE(DisplayWidth(line), 60) << line;
  }
  EXPECT_THAT(out, HasSubstr("2001-06-15"));  // the date is never cut
  EXPECT_THAT(out, HasSubstr("xxx\xE2\x80\xA6\n"));
}

TEST(RenderFacetsTest, CompactBlocksWrappedUnderTheFirstValue) {
  google::protobuf::RepeatedPtrField<query::v1::Facet> facets;
  auto* entity = facets.Add();
  entity->set_field(query::v1::FACET_FIELD_ENTITY);
  for (const auto& [id, name, count] : std::vector<std::tuple<std::string, std::string, int>>{
           {"person:a", "A Leader", 12}, {"person:b", "B Leader", 9}, {"country:RUS", "Russia", 7}}) {
    auto* v = entity->add_values();
    v->set_value(id);
    v->set_label(name);
    v->set_count(count);
  }
  auto* type = facets.Add();
  type->set_field(query::v1::FACET_FIELD_ENTITY_TYPE);
  auto* person = type->add_values();
  person->set_value("PERSON");
  person->set_count(14);
  auto* month = facets.Add();
  month->set_field(query::v1::FACET_FIELD_MONTH);
  auto* july = month->add_values();
  july->set_value("2001-07");
  july->set_label("2001-07");
  july->set_count(3);
  facets.Add()->set_field(query::v1::FACET_FIELD_SOURCE);
  EXPECT_EQ(RenderFacets(facets, 100),
            "Entities:  A Leader (12) \xC2\xB7 B Leader (9) \xC2\xB7 Russia (7)\n"
            "Types:     person (14)\n"
            "Months:    2001-07 (3)\n"
            "Sources:   (none)\n");
  // Narrow: one value per line, each under the first.
  EXPECT_THAT(RenderFacets(facets, 40), StartsWith("Entities:  A Leader (12) \xC2\xB7 B Leader (9)\n"
                                                   "           Russia (7)\n"
                                                   "Types:     person (14)\n"));
  EXPECT_EQ(RenderFacets({}, 100), "");
}

TEST(RenderSearchHitsTest, FacetsFollowTheHits) {
  query::v1::SearchResponse response;
  auto* hit = response.add_hits();
  hit->set_document_id("d-9");
  hit->set_title("T");
  response.set_total_size(1);
  auto* facet = response.add_facets();
  facet->set_field(query::v1::FACET_FIELD_SOURCE);
  auto* v = facet->add_values();
  v->set_value("Xinhua");
  v->set_count(1);
  EXPECT_EQ(RenderSearchHits(response, 100, false),
            "unknown  d-9  T\n"
            "\nShowing 1 of 1 matching documents.\n"
            "\nSources:  Xinhua (1)\n");
}

TEST(RenderRelatedTest, CountsPmiScoreAndEventsEachWay) {
  query::v1::RelatedResponse response;
  auto* r = response.add_related();
  r->set_entity_id("person:b-leader");
  r->set_name("B Leader");
  r->set_type(common::v1::ENTITY_TYPE_PERSON);
  r->set_document_count(4);
  r->set_sentence_count(6);
  r->set_pmi(1.5);
  r->set_score(7);
  r->set_events_as_source(3);
  r->set_events_as_target(1);
  response.set_next_page_token("r2");
  EXPECT_EQ(RenderRelated(response, 100),
            "NAME      TYPE    DOCS  SENTENCES   PMI  SCORE  EVENTS \xE2\x86\x92/\xE2\x86\x90  ID\n"
            "B Leader  person     4          6  1.50   7.00         3/1  person:b-leader\n"
            "Next page: --page_token=r2\n");
}

common::v1::Document SampleDocument(int body_lines) {
  common::v1::Document doc;
  doc.set_id("d-1");
  doc.set_title("Jiang talks to Putin");
  doc.set_source("People's Daily");
  SetDate(doc.mutable_published(), 2001, 9, 19);
  doc.set_state(common::v1::DOCUMENT_STATE_INDEXED);
  std::string body;
  for (int i = 1; i <= body_lines; ++i) absl::StrAppend(&body, "line ", i, "\n");
  doc.set_body(body);
  auto* person = doc.add_mentions();
  person->set_text("President Jiang");
  person->set_type(common::v1::ENTITY_TYPE_PERSON);
  person->set_entity_id("person:jiang-zemin");
  person->set_link_reason(common::v1::LINK_REASON_ROLE);
  person->set_confidence(0.95f);
  auto* date = doc.add_mentions();
  date->set_text("the evening of 18th September");
  date->set_type(common::v1::ENTITY_TYPE_DATE);
  date->set_timex("2001-09-18");
  date->set_confidence(0.9f);
  return doc;
}

TEST(RenderDocumentTest, HeaderBodyPreviewAndMentions) {
  std::string out = RenderDocument(SampleDocument(25), {100, false, "query"});
  EXPECT_EQ(out.substr(0, out.find('\n')), "Jiang talks to Putin");
  EXPECT_THAT(out, HasSubstr("published  2001-09-19\n"));
  EXPECT_THAT(out, HasSubstr("source     People's Daily\n"));
  EXPECT_THAT(out, HasSubstr("state      indexed (as stored by the query service)\n"));
  EXPECT_THAT(out, HasSubstr("line 20\n\xE2\x80\xA6 5 more lines (--full shows the whole body)\n"));
  EXPECT_THAT(out, Not(HasSubstr("line 21")));
  EXPECT_THAT(out, HasSubstr("Mentions (2):\n"));
  EXPECT_THAT(out,
              HasSubstr("TEXT                           TYPE    ENTITY              REASON  CONFIDENCE\n"));
  EXPECT_THAT(out,
              HasSubstr("President Jiang                person  person:jiang-zemin  role          0.95\n"));
  EXPECT_THAT(out,
              HasSubstr("the evening of 18th September  date    2001-09-18                        0.90\n"));
}

TEST(RenderDocumentTest, FullShowsTheWholeBody) {
  std::string out = RenderDocument(SampleDocument(25), {100, true, "ingest"});
  EXPECT_THAT(out, HasSubstr("line 25\n"));
  EXPECT_THAT(out, Not(HasSubstr("more lines")));
}

TEST(RenderDocumentListTest, TableCountAndNextPage) {
  ingest::v1::ListDocumentsResponse response;
  auto* a = response.add_documents();
  a->set_id("d-1");
  a->set_state(common::v1::DOCUMENT_STATE_INDEXED);
  SetDate(a->mutable_published(), 2001, 9, 19);
  a->set_title("First");
  auto* b = response.add_documents();
  b->set_id("d-2");
  b->set_state(common::v1::DOCUMENT_STATE_FAILED);
  b->set_title("Second");
  b->set_error("entity service said INVALID_ARGUMENT");
  auto* c = response.add_documents();
  c->set_id("d-3");
  c->set_state(common::v1::DOCUMENT_STATE_RECEIVED);
  c->set_title("Third");
  c->set_error("annotate: connection refused");  // a retry's error: not shown
  response.set_total_size(7);
  response.set_next_page_token("p2");
  EXPECT_EQ(RenderDocumentList(response, 100),
            "ID   STATE     PUBLISHED   TITLE   ERROR\n"
            "d-1  indexed   2001-09-19  First\n"
            "d-2  failed    unknown     Second  entity service said INVALID_ARGUMENT\n"
            "d-3  received  unknown     Third\n"
            "\nShowing 3 of 7 documents.\n"
            "Next page: --page_token=p2\n");
}

TEST(RenderSearchHitsTest, HitsWithSnippetsAndFooter) {
  query::v1::SearchResponse response;
  auto* hit = response.add_hits();
  hit->set_document_id("d-9");
  hit->set_title("Founding of the SCO");
  hit->set_source("Xinhua");
  SetDate(hit->mutable_published(), 2001, 6, 15);
  hit->set_snippet("the [Shanghai] [Cooperation] [Organization] was founded");
  response.set_total_size(12);
  response.set_next_page_token("t2");
  EXPECT_EQ(RenderSearchHits(response, 100, false),
            "2001-06-15  d-9  Founding of the SCO \xE2\x80\x94 Xinhua\n"
            "            the [Shanghai] [Cooperation] [Organization] was founded\n"
            "\nShowing 1 of 12 matching documents.\n"
            "Next page: --page_token=t2\n");
  EXPECT_THAT(RenderSearchHits(response, 100, true), HasSubstr("the \033[1mShanghai\033[0m"));
  EXPECT_EQ(RenderSearchHits({}, 100, false), "No documents match.\n");
}

TEST(RenderEntityDetailsTest, KnowledgeBaseOnlyWithRoles) {
  common::v1::Entity kb;
  kb.set_id("person:jiang-zemin");
  kb.set_name("Jiang Zemin");
  kb.set_type(common::v1::ENTITY_TYPE_PERSON);
  kb.set_kind("person");
  kb.add_aliases("Jiang");
  kb.add_aliases("President Jiang");
  auto* role = kb.add_roles();
  role->set_code("CHNGOV");
  role->set_label("China, government");
  SetDate(role->mutable_start(), 1993, 3, 27);
  SetDate(role->mutable_end(), 2003, 3, 15);
  auto* open = kb.add_roles();
  open->set_code("CHNELI");
  open->set_label("China, elite");
  std::string out = RenderEntityDetails(&kb, nullptr, 100);
  EXPECT_THAT(out, HasSubstr("Jiang Zemin (person:jiang-zemin)\n"));
  EXPECT_THAT(out, HasSubstr("type      person\n"));
  EXPECT_THAT(out, HasSubstr("mentions  none in indexed documents\n"));
  EXPECT_THAT(out, HasSubstr("aliases   Jiang, President Jiang\n"));
  EXPECT_THAT(out, HasSubstr("  CHNGOV  China, government  1993-03-27  2003-03-15\n"));
  EXPECT_THAT(out, HasSubstr("  CHNELI  China, elite       -           present\n"));
}

TEST(RenderEntityDetailsTest, ProfileOnly) {
  query::v1::EntityProfile profile;
  profile.set_entity_id("person:x-vladimir-rushailo");
  profile.set_name("Vladimir Rushailo");
  profile.set_type(common::v1::ENTITY_TYPE_PERSON);
  profile.add_aliases("Rushailo");
  profile.set_mention_count(3);
  profile.set_document_count(1);
  SetDate(profile.mutable_first_seen(), 2001, 9, 0);
  SetDate(profile.mutable_last_seen(), 2001, 9, 0);
  auto* related = profile.add_related();
  related->set_entity_id("country:RUS");
  related->set_name("Russia");
  related->set_type(common::v1::ENTITY_TYPE_LOCATION);
  related->set_document_count(1);
  related->set_sentence_count(2);
  std::string out = RenderEntityDetails(nullptr, &profile, 100);
  EXPECT_THAT(out, HasSubstr("Vladimir Rushailo (person:x-vladimir-rushailo)\n"));
  EXPECT_THAT(out, HasSubstr("mentions        3 in 1 document\n"));
  EXPECT_THAT(out, HasSubstr("seen            2001-09-?? to 2001-09-??\n"));
  EXPECT_THAT(out, HasSubstr("knowledge base  no entry\n"));
  EXPECT_THAT(out, HasSubstr("  Russia  location     1          2  country:RUS\n"));
}

TEST(RenderCandidatesTest, RankedTable) {
  entity::v1::ResolveNameResponse response;
  auto* c = response.add_candidates();
  c->mutable_entity()->set_id("person:vladimir-putin");
  c->mutable_entity()->set_name("Vladimir Putin");
  c->mutable_entity()->set_type(common::v1::ENTITY_TYPE_PERSON);
  c->set_score(0.9f);
  c->set_reason(common::v1::LINK_REASON_EXACT_ALIAS);
  c->set_matched_alias("Putin");
  EXPECT_EQ(RenderCandidates(response, 100),
            "#  ID                     NAME            TYPE    SCORE  REASON       MATCHED\n"
            "1  person:vladimir-putin  Vladimir Putin  person   0.90  exact_alias  Putin\n");
}

TEST(RenderDocumentTest, EventsAreListedShortUnlessFull) {
  common::v1::Document doc = SampleDocument(1);
  for (int i = 0; i < kEventPreviewRows + 2; ++i) {
    auto* e = doc.add_events();
    *e = MakeEvent("A Leader", "CHNGOV", "041", "Discuss by telephone", "B Leader", "RUSGOV", 1);
    SetDate(e->mutable_date(), 2001, 9, 18);
    e->set_date_from_text(true);
  }
  std::string out = RenderDocument(doc, {100, false, "query"});
  EXPECT_THAT(out, HasSubstr("Events (12):\n"
                             "DATE        SOURCE             EVENT                     TARGET\n"
                             "2001-09-18  A Leader (CHNGOV)  041 Discuss by telephone  B Leader (RUSGOV)\n"));
  size_t rows = 0;
  for (size_t pos = out.find("2001-09-18  A Leader"); pos != std::string::npos;
       pos = out.find("2001-09-18  A Leader", pos + 1)) {
    ++rows;
  }
  EXPECT_EQ(rows, static_cast<size_t>(kEventPreviewRows));
  EXPECT_THAT(out,
              HasSubstr("\xE2\x80\xA6 2 more (--full lists them all; so does `dossier events --doc d-1`)\n"));
  std::string full = RenderDocument(doc, {100, true, "query"});
  EXPECT_THAT(full, Not(HasSubstr("more (--full")));
  EXPECT_THAT(full, HasSubstr("Events (12):\n"));
}

}  // namespace
}  // namespace dossier::cli
