#include "bench/article_generator.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace dossier::bench {
namespace {

struct Leader {
  const char* title;
  const char* name;
  const char* surname;
  const char* country;
  const char* adjective;
};

const std::vector<Leader>& Leaders() {
  static const std::vector<Leader> kLeaders = {
      {"President", "Jiang Zemin", "Jiang", "China", "Chinese"},
      {"President", "Vladimir Putin", "Putin", "Russia", "Russian"},
      {"Premier", "Zhu Rongji", "Zhu", "China", "Chinese"},
      {"President", "Nursultan Nazarbayev", "Nazarbayev", "Kazakhstan", "Kazakh"},
      {"Foreign Minister", "Igor Ivanov", "Ivanov", "Russia", "Russian"},
      {"Foreign Minister", "Tang Jiaxuan", "Tang", "China", "Chinese"},
      {"Secretary-General", "Kofi Annan", "Annan", "the United Nations", "UN"},
      {"President", "Xi Jinping", "Xi", "China", "Chinese"},
      {"Chancellor", "Gerhard Schroeder", "Schroeder", "Germany", "German"},
      {"President", "Jacques Chirac", "Chirac", "France", "French"},
      {"Prime Minister", "Atal Bihari Vajpayee", "Vajpayee", "India", "Indian"},
      {"President", "Islam Karimov", "Karimov", "Uzbekistan", "Uzbek"},
  };
  return kLeaders;
}

const std::vector<std::string> kCities = {"Moscow",    "Beijing",  "Shanghai", "Astana",
                                          "New York",  "Geneva",   "Paris",    "Berlin",
                                          "New Delhi", "Tashkent", "Bishkek",  "Dushanbe"};
const std::vector<std::string> kTopics = {"energy cooperation",
                                          "border security",
                                          "the fight against terrorism",
                                          "trade in machinery",
                                          "regional stability",
                                          "nuclear non-proliferation",
                                          "the situation in Afghanistan",
                                          "grain exports",
                                          "a new oil pipeline",
                                          "water resources in Central Asia",
                                          "space research",
                                          "customs procedures"};
const std::vector<std::string> kOrgs = {
    "the Shanghai Cooperation Organization", "the UN Security Council", "NATO", "ASEAN", "the European Union",
    "the World Trade Organization"};
const std::vector<std::string> kActions = {
    "held talks with",   "had a telephone conversation with", "met", "received",
    "sent a message to", "signed an agreement with"};
const std::vector<std::string> kMonths = {"January",   "February", "March",    "April",
                                          "May",       "June",     "July",     "August",
                                          "September", "October",  "November", "December"};
const std::vector<std::string> kFiller = {
    "Both sides stressed that the relationship rests on mutual trust and respect for each other's choices, "
    "and "
    "that regular contact between the two governments had helped to settle questions that once divided them.",
    "Officials familiar with the preparations said the delegations had worked for several weeks on the "
    "texts, "
    "which cover investment protection, customs cooperation and the exchange of students and scientists.",
    "Analysts in the region noted that the meeting came at a time of rapid change in the international "
    "situation, and that both capitals want a say in how security questions in their neighbourhood are "
    "settled.",
    "The talks also touched on the reform of international financial institutions, climate questions and the "
    "protection of cultural heritage, according to a statement issued after the meeting.",
    "Trade between the two countries grew by a fifth last year, and both governments set themselves the goal "
    "of "
    "doubling it within five years by removing barriers and building new transport links.",
    "Journalists were told that a joint commission would meet twice a year to review progress and report to "
    "the "
    "heads of government, who will meet again before the end of the year."};

}  // namespace

ArticleGenerator::ArticleGenerator(uint64_t seed) : state_(seed * 2654435761u + 1) {}

uint64_t ArticleGenerator::Rand() {
  // xorshift64*: fast and deterministic.
  state_ ^= state_ >> 12;
  state_ ^= state_ << 25;
  state_ ^= state_ >> 27;
  return state_ * 2685821657736338717ull;
}

Article ArticleGenerator::Next() {
  ++counter_;
  const Leader& a = Pick(Leaders());
  const Leader* b = &Pick(Leaders());
  while (b == &a) b = &Pick(Leaders());
  const std::string& city = Pick(kCities);
  const std::string& topic = Pick(kTopics);
  const std::string& org = Pick(kOrgs);
  const std::string& action = Pick(kActions);
  int year = 1998 + static_cast<int>(Rand() % 24);
  int month = 1 + static_cast<int>(Rand() % 12);
  int day = 1 + static_cast<int>(Rand() % 28);
  int event_day = day > 1 ? day - 1 : day;

  Article article;
  article.published = absl::StrFormat("%04d-%02d-%02d", year, month, day);
  std::string dateline;
  switch (Rand() % 4) {
    case 0:
      dateline = absl::StrFormat("(%02d/%02d/%04d)", day, month, year);
      break;
    case 1:
      dateline = absl::StrFormat("Posted %s. %d, %d 10:%02d", kMonths[month - 1].substr(0, 3), day, year,
                                 static_cast<int>(counter_ % 60));
      break;
    case 2:
      dateline = absl::StrFormat("%04d-%02d-%02d 09:%02d", year, month, day, static_cast<int>(counter_ % 60));
      break;
    default:
      dateline = absl::StrFormat("Published: %d %s %d", day, kMonths[month - 1], year);
      break;
  }
  std::string body = absl::StrCat("Home > News > Diplomacy\n", a.name, " ", action, " ", b->name, " on ",
                                  topic, " (report ", counter_, ")\n", dateline, "\n\n");
  absl::StrAppend(&body, "On ", event_day, " ", kMonths[month - 1], ", ", a.adjective, " ", a.title, " ",
                  a.name, " ", action, " ", b->adjective, " ", b->title, " ", b->name, " in ", city,
                  " to discuss ", topic, ".\n\n");
  absl::StrAppend(&body, a.surname, " said that ", a.country, " and ", b->country,
                  " should deepen their cooperation within ", org, ", and ", b->surname,
                  " agreed that the two sides would keep in close contact on ", Pick(kTopics), ".\n\n");
  int paragraphs = 6 + static_cast<int>(Rand() % 6);
  for (int i = 0; i < paragraphs; ++i) absl::StrAppend(&body, Pick(kFiller), "\n\n");
  absl::StrAppend(&body, "The two leaders agreed to meet again in ", Pick(kCities), " next year. Reference ",
                  counter_, "-", Rand() % 100000, ".\n\nSuggest To A Friend\n");
  article.body = std::move(body);
  return article;
}

std::vector<std::string> ArticleGenerator::QueryWords() {
  return {"terrorism", "energy cooperation",     "pipeline",  "border security", "Afghanistan",
          "trade",     "\"regional stability\"", "agreement", "Moscow",          "students"};
}

std::vector<std::string> ArticleGenerator::EntityIds() {
  return {"person:jiang-zemin", "person:vladimir-putin", "country:CHN",
          "country:RUS",        "country:KAZ",           "org:SCO"};
}

}  // namespace dossier::bench
