#ifndef DOSSIER_TOOLS_EVENTS_PETR_ACTORS_H_
#define DOSSIER_TOOLS_EVENTS_PETR_ACTORS_H_

// Actor recognition for the PETRARCH unit tests: the actor and agent
// dictionaries they were written for (PETR.Validate.actors.txt,
// PETR.Validate.agents.txt), matched on a tokenized sentence and combined
// into actor mentions with PETRARCH-style codes. Only event-eval uses it; the
// entity service finds actors with its knowledge base instead.
//
// Actors file: "NAME [CODE]" (words joined by "_" or spaces), "+SYNONYM"
// lines adding names, and code lines "[CODE]", "[CODE <YYMMDD]",
// "[CODE >YYMMDD]", "[CODE D1-D2]" (YYMMDD: 00-29 = 20YY; or YYYYMMDD),
// possibly on the lines after the name. On a date, the first code whose
// restriction holds wins, else the first unrestricted one. "[A/B]" names two
// actors at once (THE_SHIRE [FRO/BIL/SAM]); "[---]" is no actor.
// Agents file: "!SET! = W1, W2" substitution sets, "NAME {PLURALS} [~CODE]"
// (a sector appended to the actor's code) or "[CODE~]" (prepended). Without
// {} the plural of the last word is generated; "{}" means none.
//
// Mentions: a name or agent phrase is found by longest match (lower-cased,
// whole words). Units a few words apart with only modifiers, "'s" or title
// words between them make one mention ("Bree Prime Minister Romendacil",
// "Gondor's main opposition group"): its code is the first actor's code,
// prefix agents before it and suffix agents after it, a 3-letter part that
// is already there not repeated (USAGOV + GOV = USAGOV); "former" replaces the
// agents' sectors by ELI. An agent phrase followed by "of"/"in"/"from" and
// actors ("ambassadors of Arnor, Osgiliath and Gondor", "lawmakers and
// officials in Fornost and Gondor") is one mention with a code per actor and
// agent. An agent after "and" that follows a mention with an actor shares
// that actor ("Danish media and government"). Agents without an actor give
// "---" + sector ("students": ---EDU).

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"

namespace dossier::tools::events {

// A date as YYYYMMDD.
using PetrDate = int;
// "950601" or "19950601" -> 19950601; 0 when it does not parse.
PetrDate ParsePetrDate(std::string_view text);

struct PetrActorMention {
  int begin = 0;  // tokens [begin, end)
  int end = 0;
  std::vector<std::string> codes;  // one or more ("FRO", "BIL", "SAM")
};

class PetrActorDictionary {
 public:
  // Reads the two files (agents may be ""). NOT_FOUND when one cannot be
  // read. Unreadable lines are skipped and counted.
  static absl::StatusOr<PetrActorDictionary> Load(const std::string& actors_path,
                                                  const std::string& agents_path);
  void AddActors(std::string_view text);
  void AddAgents(std::string_view text);

  // Mentions in a sentence, given the lower-cased tokens and their Penn tags,
  // with codes for `date`. Sorted, not overlapping.
  std::vector<PetrActorMention> Find(const std::vector<std::string>& lower,
                                     const std::vector<std::string_view>& tags, PetrDate date) const;

  int warnings() const { return warnings_; }
  int num_actors() const { return static_cast<int>(actors_.size()); }
  int num_agents() const { return static_cast<int>(agents_.size()); }

 private:
  struct DatedCode {
    std::vector<std::string> codes;  // "ELR/GAL" -> {"ELR", "GAL"}; empty: no actor
    PetrDate from = 0;               // inclusive; 0: unbounded
    PetrDate to = 0;                 // inclusive; 0: unbounded
    bool restricted = false;
  };
  struct Actor {
    std::vector<DatedCode> codes;
  };
  struct Agent {
    std::string code;  // "GOV"
    bool prefix = false;
  };
  struct Name {
    std::vector<std::string> words;
    int actor = -1;  // or
    int agent = -1;
  };

  void AddName(const std::string& phrase, int actor, int agent);
  std::vector<std::string> Resolve(const Actor& actor, PetrDate date) const;

  std::vector<Actor> actors_;
  std::vector<Agent> agents_;
  std::vector<Name> names_;
  absl::flat_hash_map<std::string, std::vector<int>> by_first_word_;
  int warnings_ = 0;
};

// Splits a dictionary phrase the way the entity tokenizer splits text
// ("AL-QAEDA" -> "al" "-" "qaeda", "U.S." stays one word), lower-cased.
std::vector<std::string> PhraseWords(std::string_view phrase);

}  // namespace dossier::tools::events

#endif  // DOSSIER_TOOLS_EVENTS_PETR_ACTORS_H_
