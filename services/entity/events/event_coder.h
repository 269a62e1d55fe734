#ifndef DOSSIER_SERVICES_ENTITY_EVENTS_EVENT_CODER_H_
#define DOSSIER_SERVICES_ENTITY_EVENTS_EVENT_CODER_H_

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "services/entity/events/verb_dictionary.h"

// The sentence-level CAMEO event coder: PETRARCH's verb dictionary (see
// verb_dictionary.h) applied with a shallow analysis of one sentence, given
// its tokens (as services/entity/tokenizer.h makes them), their Penn Treebank
// tags and the token ranges of its actor mentions. No parser: the roles are
// found with rules over the tags.
//
// For every dictionary verb in the sentence (a token tagged VB* whose form the
// dictionary lists; multi-word verbs such as "cordoned off" or "met with"
// included; adjectival participles after a determiner and auxiliaries are
// skipped):
//  - the best matching pattern of its verb blocks is chosen (the one naming
//    the most words; the earlier on a tie); its code, else the verb's own
//    code (from any block that lists the form, the first one), else the
//    block's, is the event code; [---] means no event;
//    nouns of NOUN_ blocks code only through their patterns ("talks between
//    X and Y": events between the members of the compound);
//  - the source is the clause's subject: the nearest actor before the verb
//    (through auxiliaries, adverbs and prepositional phrases), jumping over a
//    parenthetical ", ... ," before the verb, taking the antecedent of
//    "who"/"which", and the subject of the previous verb for a coordinated
//    verb ("condemned ... and promised"); a pronoun, "that", a subordinating
//    conjunction or another finite verb in between means the subject is not
//    an actor and nothing is coded;
//  - the target is the first actor after the verb in its clause (direct
//    object, or inside a prepositional phrase, or the subject of a complement
//    clause: "believes X can cope"), or the actor of a prepositional phrase
//    the pattern names; the search stops at a finite verb, a coordinated
//    verb, a subordinating conjunction or ";", and past a comma does not take
//    the subject of a new clause ("..., a Bree official said"); prepositional
//    phrases of time ("on Tuesday") never match a pattern's (ON);
//  - the action of an infinitive after an object is not coded ("urged X to
//    attack Y": only the urging), unless a pattern names the words before;
//  - a dictionary verb the tagger took for a noun or adverb is still a verb
//    right after an auxiliary, a negation or "to" ("didn't clash"), or right
//    after an actor and before a preposition or determiner ("Eriador agrees
//    with");
//  - pattern markers override both: $ source, + target, % a compound actor;
//  - passive voice (a form of "be" before a past participle) with a "by"
//    agent swaps the roles ("X was visited by Y": Y -> X); a passive without
//    an agent codes nothing (the source is unknown);
//  - a negation ("not", "never", "didn't") before the verb suppresses the
//    event unless the pattern itself names the negation;
//  - compound actors ("China and Russia", "Mordor, Rohan and Bree", "neither
//    X nor Y") give one event per member on either side; a compound subject
//    without a target gives events between its members for codes that are
//    symmetric in the dictionary ([040:040]) or consultations and
//    cooperation (roots 03-06 but 042/043): "X and Y met", "X and Y signed
//    an agreement"; for such codes an actor after "in", "at", "near" ... is a
//    place, not a target ("X and Y met in Moscow");
//  - a paired code [042:043] gives the forward event and the reverse one
//    (the host's 043), [:173] only the reverse;
//  - with CoderOptions::announced_as_intent (on for the shipped set), an
//    action announced rather than done -- under "will", "would", "shall"
//    (not "would have"), or after "plans to", "pledged to", "agreed to",
//    "threatened to", "is ready to" ... (not "is to host": a schedule) -- is coded as CAMEO's
//    statement of intent or threat: 04x -> 036 (045 -> 039), 05x -> 032
//    (057 -> 030), 06x -> 031x, 07x -> 033x, 08x -> 034x/035x, 14x -> 133,
//    16x -> 131x/134/135/136, 17x -> 132x/137, 18x -> 1383, 19x -> 138x,
//    20x -> 138/1385; other roots keep their code; a visit's host gets no
//    event; words a matched pattern names do not count;
//    a verb of intent before "to" does not hide the subject ("Arnor plans
//    to boycott Gondor");
//  - a pronoun subject right after a verb of saying ("Arnor said on Monday
//    that it would ...") is that verb's subject;
//  - a discard phrase anywhere in the sentence suppresses all its events
//    (the all-digit ones, Phoenix's years 1914-2013, are ignored: they mark
//    retrospective mentions in current news, which would discard most of an
//    archive).
//
// Confidence: 0.6 for a verb's default code, 0.75 when a pattern matched,
// +0.1 for a target within four tokens of the verb, -0.05 for each side taken
// from a compound rather than the actor found, -0.1 for a subject found past
// a parenthetical, through a coordinated verb or through a pronoun.
//
// An EventCoder is immutable after loading; Code is const and thread-safe.
// Copies share the dictionary.

namespace dossier::entity::events {

struct CoderToken {
  std::string_view text;
  std::string_view pos;  // Penn Treebank tag
};

struct CoderActor {
  int begin = 0;  // token range [begin, end) of an actor mention in the sentence
  int end = 0;
};

struct CodedEvent {
  int source = -1;  // index into the actors passed in
  int target = -1;
  std::string code;  // CAMEO code, e.g. "042"
  int trigger_begin = 0,
      trigger_end = 0;   // tokens carrying the action (verb, or verb + noun, e.g. "held talks")
  float confidence = 0;  // 0..1
};

struct CoderOptions {
  // Code announced actions as intents and threats (see above), as the CAMEO
  // codebook does. PETRARCH codes the action itself ("will break relations":
  // 161), and its unit tests expect that, so Load and LoadFiles leave this
  // off unless asked; LoadDir turns it on.
  bool announced_as_intent = false;
};

class EventCoder {
 public:
  // A coder with an empty dictionary: codes nothing.
  EventCoder();

  // Reads one verb dictionary and a discard list (`discards_path` may be "").
  // NOT_FOUND when a file cannot be read. Lines the reader cannot use are
  // skipped (dictionary().warnings()).
  static absl::StatusOr<EventCoder> Load(const std::string& verbs_path, const std::string& discards_path,
                                         const CoderOptions& options = {});
  // Several verb dictionaries, read in order into one.
  static absl::StatusOr<EventCoder> LoadFiles(const std::vector<std::string>& verb_paths,
                                              const std::string& discards_path, const CoderOptions& options = {});
  // The shipped set in `cameo_dir`: CAMEO.2.0.txt, dossier.verbs.txt (Dossier's
  // additions: telephone calls, talks, visits written as nouns) and
  // Phoenix.discards.txt; announced actions coded as intents.
  static absl::StatusOr<EventCoder> LoadDir(const std::string& cameo_dir);
  // LoadDir(DefaultCameoDir()) (cameo_codes.h).
  static absl::StatusOr<EventCoder> Default();

  // Events of one sentence. Actor ranges outside the sentence or overlapping
  // an earlier actor are ignored. Const and thread-safe.
  std::vector<CodedEvent> Code(std::span<const CoderToken> tokens, std::span<const CoderActor> actors) const;

  // Whether the sentence holds a story-level discard phrase ("+" in the
  // discard list): callers coding a whole document may drop all its events.
  bool StoryDiscard(std::span<const CoderToken> tokens) const;

  const VerbDictionary& dictionary() const { return *dict_; }
  const CoderOptions& options() const { return options_; }

 private:
  EventCoder(std::shared_ptr<const VerbDictionary> dict, const CoderOptions& options);

  std::shared_ptr<const VerbDictionary> dict_;
  CoderOptions options_;
};

}  // namespace dossier::entity::events

#endif  // DOSSIER_SERVICES_ENTITY_EVENTS_EVENT_CODER_H_
