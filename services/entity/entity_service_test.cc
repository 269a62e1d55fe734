#include "services/entity/entity_service.h"

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "services/entity/test_backends.h"
#include "services/entity/test_paths.h"

namespace dossier::entity {
namespace {

using common::v1::ENTITY_TYPE_LOCATION;
using common::v1::ENTITY_TYPE_PERSON;

// An in-process server over a fresh store, once per backend.
class EntityServiceTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped()) return;
    std::unique_ptr<KbStore> store = OpenStore(NewDb());
    ASSERT_NE(store, nullptr);
    auto kb = KnowledgeBase::Open(std::move(store), FixtureKbDir(), KnowledgeBase::Options{});
    ASSERT_TRUE(kb.ok()) << kb.status();
    kb_ = std::move(*kb);
    EntityServiceImpl::Options options;
    options.max_text_bytes = 4096;
    service_ = std::make_unique<EntityServiceImpl>(kb_.get(), options);
    grpc::ServerBuilder builder;
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    stub_ = v1::EntityService::NewStub(server_->InProcessChannel(grpc::ChannelArguments()));
  }
  void TearDown() override {
    if (server_) server_->Shutdown();
  }

  grpc::Status Annotate(const std::string& text, v1::AnnotateResponse* out, const std::string& language = "",
                        common::v1::DateValue published = {}) {
    v1::AnnotateRequest req;
    req.set_text(text);
    req.set_language(language);
    *req.mutable_published() = published;
    grpc::ClientContext ctx;
    return stub_->Annotate(&ctx, req, out);
  }
  grpc::Status GetEntity(const std::string& id, common::v1::Entity* out) {
    v1::GetEntityRequest req;
    req.set_entity_id(id);
    grpc::ClientContext ctx;
    return stub_->GetEntity(&ctx, req, out);
  }
  grpc::Status Search(const std::string& prefix, int page_size, const std::string& token,
                      v1::SearchEntitiesResponse* out) {
    v1::SearchEntitiesRequest req;
    req.set_prefix(prefix);
    req.set_page_size(page_size);
    req.set_page_token(token);
    grpc::ClientContext ctx;
    return stub_->SearchEntities(&ctx, req, out);
  }
  static const common::v1::Mention* Find(const v1::AnnotateResponse& r, const std::string& text) {
    for (const auto& m : r.mentions()) {
      if (m.text() == text) return &m;
    }
    return nullptr;
  }

  std::unique_ptr<KnowledgeBase> kb_;
  std::unique_ptr<EntityServiceImpl> service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<v1::EntityService::Stub> stub_;
};

TEST_P(EntityServiceTest, AnnotateValidatesItsRequest) {
  v1::AnnotateResponse r;
  grpc::Status st = Annotate("", &r);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(st.error_message().find("text is empty"), std::string::npos);
  EXPECT_EQ(Annotate(" \n\t ", &r).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  {
    // gRPC clients refuse to send invalid UTF-8 in a string field; call the
    // service directly as a non-validating client would reach it.
    v1::AnnotateRequest req;
    req.set_text("bad \xff byte");
    grpc::ServerContext server_ctx;
    st = service_->Annotate(&server_ctx, &req, &r);
    EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_NE(st.error_message().find("UTF-8"), std::string::npos);
  }
  st = Annotate(std::string(5000, 'a'), &r);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(st.error_message().find("max_text_bytes"), std::string::npos);
  st = Annotate("Jiang Zemin spoke.", &r, "fr");
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(st.error_message().find("only English (en) is supported"), std::string::npos);
  common::v1::DateValue bad_date;
  bad_date.set_year(2001);
  bad_date.set_month(13);
  EXPECT_EQ(Annotate("Jiang Zemin spoke.", &r, "en", bad_date).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(Annotate("Jiang Zemin spoke.", &r, "en").ok());
}

TEST_P(EntityServiceTest, AnnotateReturnsCodePointSpansEntitiesAndDates) {
  // "Café" has a two-byte letter: spans are in code points.
  const std::string text = "Caf\xC3\xA9 talk: President Jiang met Putin on 18th September.";
  common::v1::DateValue published;
  published.set_year(2001);
  published.set_month(9);
  published.set_day(19);
  v1::AnnotateResponse r;
  ASSERT_TRUE(Annotate(text, &r, "en", published).ok());
  const common::v1::Mention* jiang = Find(r, "Jiang");
  ASSERT_NE(jiang, nullptr);
  EXPECT_EQ(jiang->span().begin(), 21);  // byte offset 22
  EXPECT_EQ(jiang->span().end(), 26);
  EXPECT_EQ(jiang->entity_id(), "person:jiang-zemin");
  EXPECT_EQ(jiang->link_reason(), common::v1::LINK_REASON_ROLE);
  EXPECT_EQ(jiang->type(), ENTITY_TYPE_PERSON);
  const common::v1::Mention* date = Find(r, "18th September");
  ASSERT_NE(date, nullptr);
  EXPECT_EQ(date->type(), common::v1::ENTITY_TYPE_DATE);
  EXPECT_EQ(date->timex(), "2001-09-18");
  EXPECT_EQ(date->date().year(), 2001);
  EXPECT_EQ(date->date().month(), 9);
  EXPECT_EQ(date->date().day(), 18);
  ASSERT_EQ(r.sentences_size(), 1);
  EXPECT_EQ(r.sentences(0).begin(), 0);
  EXPECT_EQ(r.sentences(0).end(), 55);
  ASSERT_GE(r.entities_size(), 2);
  EXPECT_EQ(r.entities(0).id(), "person:jiang-zemin");
  EXPECT_EQ(r.entities(0).roles_size(), 1);
  EXPECT_EQ(r.entities(0).roles(0).code(), "CHNGOV");
  EXPECT_EQ(r.entities(0).roles(0).start().year(), 1993);
}

TEST_P(EntityServiceTest, NewEntitiesArePersistedAndFound) {
  v1::AnnotateResponse r;
  ASSERT_TRUE(Annotate("Minister Vladimir Rushailo arrived in Moscow.", &r).ok());
  const common::v1::Mention* m = Find(r, "Vladimir Rushailo");
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->entity_id(), "person:x-vladimir-rushailo");
  EXPECT_EQ(m->link_reason(), common::v1::LINK_REASON_NEW_ENTITY);
  common::v1::Entity e;
  ASSERT_TRUE(GetEntity("person:x-vladimir-rushailo", &e).ok());
  EXPECT_EQ(e.name(), "Vladimir Rushailo");
  EXPECT_EQ(e.type(), ENTITY_TYPE_PERSON);
  EXPECT_EQ(e.provenance(), "extracted");
  v1::SearchEntitiesResponse s;
  ASSERT_TRUE(Search("vladimir r", 10, "", &s).ok());
  ASSERT_EQ(s.entities_size(), 1);
  EXPECT_EQ(s.entities(0).id(), "person:x-vladimir-rushailo");
  // The same name in another document joins the same entity.
  ASSERT_TRUE(Annotate("Later Secretary Vladimir Rushailo left.", &r).ok());
  EXPECT_EQ(Find(r, "Vladimir Rushailo")->entity_id(), "person:x-vladimir-rushailo");
}

TEST_P(EntityServiceTest, GetEntity) {
  common::v1::Entity e;
  ASSERT_TRUE(GetEntity("country:CHN", &e).ok());
  EXPECT_EQ(e.name(), "China");
  EXPECT_EQ(e.type(), ENTITY_TYPE_LOCATION);
  EXPECT_EQ(e.kind(), "country");
  EXPECT_EQ(e.attributes().at("iso3"), "CHN");
  bool has_demonym = false;
  for (const auto& a : e.aliases()) has_demonym = has_demonym || a == "Chinese";
  EXPECT_TRUE(has_demonym);
  grpc::Status st = GetEntity("country:XYZ", &e);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(st.error_message(), "no entity with id country:XYZ");
  EXPECT_EQ(GetEntity("", &e).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_P(EntityServiceTest, AddAliasThenAnnotateUsesIt) {
  v1::AnnotateResponse r;
  ASSERT_TRUE(Annotate("They visited Tajikia last week.", &r).ok());
  EXPECT_EQ(Find(r, "Tajikia"), nullptr);
  v1::AddAliasRequest req;
  req.set_entity_id("country:TJK");
  req.set_alias("Tajikia");
  common::v1::Entity e;
  grpc::ClientContext ctx;
  ASSERT_TRUE(stub_->AddAlias(&ctx, req, &e).ok());
  EXPECT_EQ(e.id(), "country:TJK");
  bool listed = false;
  for (const auto& a : e.aliases()) listed = listed || a == "Tajikia";
  EXPECT_TRUE(listed);
  ASSERT_TRUE(Annotate("They visited Tajikia last week.", &r).ok());
  const common::v1::Mention* m = Find(r, "Tajikia");
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->entity_id(), "country:TJK");
  EXPECT_EQ(m->link_reason(), common::v1::LINK_REASON_EXACT_ALIAS);

  grpc::ClientContext ctx2;
  req.set_entity_id("country:XYZ");
  EXPECT_EQ(stub_->AddAlias(&ctx2, req, &e).error_code(), grpc::StatusCode::NOT_FOUND);
  grpc::ClientContext ctx3;
  req.set_entity_id("country:TJK");
  req.set_alias("  ");
  EXPECT_EQ(stub_->AddAlias(&ctx3, req, &e).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_P(EntityServiceTest, MergeEntitiesRedirects) {
  v1::AnnotateResponse r;
  ASSERT_TRUE(Annotate("Minister Vladimir Rushailo arrived.", &r).ok());
  v1::MergeEntitiesRequest req;
  req.set_target_id("person:boris-yeltsin");
  req.add_source_ids("person:x-vladimir-rushailo");
  common::v1::Entity e;
  {
    grpc::ClientContext ctx;
    ASSERT_TRUE(stub_->MergeEntities(&ctx, req, &e).ok());
  }
  EXPECT_EQ(e.id(), "person:boris-yeltsin");
  ASSERT_TRUE(GetEntity("person:x-vladimir-rushailo", &e).ok());
  EXPECT_EQ(e.id(), "person:boris-yeltsin");
  bool moved = false;
  for (const auto& a : e.aliases()) moved = moved || a == "Vladimir Rushailo";
  EXPECT_TRUE(moved);
  // Later annotations use the target.
  ASSERT_TRUE(Annotate("Minister Vladimir Rushailo left.", &r).ok());
  ASSERT_NE(Find(r, "Vladimir Rushailo"), nullptr);
  EXPECT_EQ(Find(r, "Vladimir Rushailo")->entity_id(), "person:boris-yeltsin");
  // Errors.
  {
    grpc::ClientContext ctx;
    v1::MergeEntitiesRequest bad;
    bad.set_target_id("org:SCO");
    bad.add_source_ids("org:SCO");
    grpc::Status st = stub_->MergeEntities(&ctx, bad, &e);
    EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_NE(st.error_message().find("among source_ids"), std::string::npos);
  }
  {
    grpc::ClientContext ctx;
    v1::MergeEntitiesRequest bad;
    bad.set_target_id("org:SCO");
    bad.add_source_ids("org:NOPE");
    EXPECT_EQ(stub_->MergeEntities(&ctx, bad, &e).error_code(), grpc::StatusCode::NOT_FOUND);
  }
  {
    grpc::ClientContext ctx;
    v1::MergeEntitiesRequest bad;
    bad.set_target_id("org:SCO");
    EXPECT_EQ(stub_->MergeEntities(&ctx, bad, &e).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  }
}

TEST_P(EntityServiceTest, SearchEntitiesPaginates) {
  std::vector<std::string> ids;
  std::string token;
  int pages = 0;
  do {
    v1::SearchEntitiesResponse s;
    ASSERT_TRUE(Search("J", 1, token, &s).ok());
    for (const auto& e : s.entities()) ids.push_back(e.id());
    token = s.next_page_token();
    ASSERT_LT(++pages, 10);
  } while (!token.empty());
  EXPECT_EQ(ids, (std::vector<std::string>{"person:jane-smithsen", "person:jane-smithson",
                                           "person:jiang-qing", "person:jiang-zemin"}));
  v1::SearchEntitiesResponse s;
  ASSERT_TRUE(Search("J", 2, "", &s).ok());
  ASSERT_FALSE(s.next_page_token().empty());
  // A token from another query is rejected.
  EXPECT_EQ(Search("Sh", 2, s.next_page_token(), &s).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Search("J", 2, "garbage", &s).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Search("", 2, "", &s).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  // Typed.
  v1::SearchEntitiesRequest req;
  req.set_prefix("sh");
  req.set_type(ENTITY_TYPE_LOCATION);
  grpc::ClientContext ctx;
  ASSERT_TRUE(stub_->SearchEntities(&ctx, req, &s).ok());
  ASSERT_EQ(s.entities_size(), 1);
  EXPECT_EQ(s.entities(0).id(), "place:shanghai");
}

TEST_P(EntityServiceTest, ResolveNameRanksCandidates) {
  auto resolve = [&](const std::string& name, int year, common::v1::EntityType type,
                     v1::ResolveNameResponse* out) {
    v1::ResolveNameRequest req;
    req.set_name(name);
    req.set_type(type);
    if (year) req.mutable_as_of()->set_year(year);
    grpc::ClientContext ctx;
    return stub_->ResolveName(&ctx, req, out);
  };
  v1::ResolveNameResponse r;
  ASSERT_TRUE(resolve("Jiang", 2001, common::v1::ENTITY_TYPE_UNSPECIFIED, &r).ok());
  ASSERT_GE(r.candidates_size(), 2);
  EXPECT_EQ(r.candidates(0).entity().id(), "person:jiang-zemin");
  ASSERT_TRUE(resolve("Jiang", 1970, common::v1::ENTITY_TYPE_UNSPECIFIED, &r).ok());
  EXPECT_EQ(r.candidates(0).entity().id(), "person:jiang-qing");
  ASSERT_TRUE(resolve("Quian Qichen", 0, common::v1::ENTITY_TYPE_UNSPECIFIED, &r).ok());
  ASSERT_GE(r.candidates_size(), 1);
  EXPECT_EQ(r.candidates(0).entity().id(), "person:qian-qichen");
  EXPECT_EQ(r.candidates(0).reason(), common::v1::LINK_REASON_FUZZY);
  EXPECT_EQ(r.candidates(0).matched_alias(), "Qian Qichen");
  ASSERT_TRUE(resolve("SCO", 0, common::v1::ENTITY_TYPE_UNSPECIFIED, &r).ok());
  ASSERT_GE(r.candidates_size(), 1);
  EXPECT_EQ(r.candidates(0).entity().id(), "org:SCO");
  EXPECT_EQ(r.candidates(0).reason(), common::v1::LINK_REASON_ACRONYM);
  ASSERT_TRUE(resolve("Russian", 0, common::v1::ENTITY_TYPE_UNSPECIFIED, &r).ok());
  EXPECT_EQ(r.candidates(0).entity().id(), "country:RUS");
  EXPECT_EQ(r.candidates(0).reason(), common::v1::LINK_REASON_DEMONYM);
  ASSERT_TRUE(resolve("Russian", 0, ENTITY_TYPE_PERSON, &r).ok());
  EXPECT_EQ(r.candidates_size(), 0);
  EXPECT_EQ(resolve("  ", 0, common::v1::ENTITY_TYPE_UNSPECIFIED, &r).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

INSTANTIATE_TEST_SUITE_P(Backends, EntityServiceTest, ::testing::ValuesIn(dossier::testing::AllBackends()),
                         BackendTestName);

}  // namespace
}  // namespace dossier::entity
