#include "clients/cli/render.h"

#include "absl/strings/str_cat.h"
#include "clients/cli/format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace dossier::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

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

}  // namespace
}  // namespace dossier::cli
