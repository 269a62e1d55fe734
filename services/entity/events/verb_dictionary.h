#ifndef DOSSIER_SERVICES_ENTITY_EVENTS_VERB_DICTIONARY_H_
#define DOSSIER_SERVICES_ENTITY_EVENTS_VERB_DICTIONARY_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"

// A PETRARCH verb dictionary (CAMEO.2.0.txt, PETR.Validate.verbs.txt) and a
// PETRARCH discard list (Phoenix.discards.txt), read into the structures the
// event coder (event_coder.h) matches against a sentence.
//
// Verb dictionary format, as this reader understands it:
//   &NAME            a synonym set ("synset"); its members follow, one per line:
//   +WORD            a member: one word, several (WORD_WORD or WORD WORD), or
//                    another synset (+&OTHER); the last word also matches its
//                    plural unless written WORD_ (as PETRARCH generates
//                    plurals of synset members)
//   --- NAME [code] ---
//                    starts a verb block; [code] is the block's default event
//                    code ([---]: the block's verbs code nothing by themselves)
//   VERB [code] {FORMS}
//                    a verb of the block, with an optional code of its own and
//                    optional irregular forms. Without {} the regular forms
//                    are generated (-s, -ed, -ing with the usual spelling
//                    rules, and both spellings where a final consonant may
//                    double: "regretted", "visited"); with {} only the listed
//                    forms are used ({} alone: the base form only).
//                    A multi-word verb marks its verb with +: +MEET_WITH
//                    (forms +MET_WITH ...), WIRE_+TAP, KLM_NOP_+RST; without a
//                    +, the first word is the verb (LASH OUT).
//   --- NOUN_NAME [code] ---
//                    (Dossier's extension) a block of nouns, coded only when
//                    one of its patterns matches: "talks between X and Y"
//   - PRE * POST [code]
//                    a pattern of the block: * is the verb, PRE the words
//                    before it, POST the words after it, in order. Items:
//                    WORD (matches that word only, as PETRARCH does: "EFFORT"
//                    is not "efforts"), A_B (B must directly follow A;
//                    IN_* and *_OUT tie a word to the verb), {A B} (words in a
//                    row), &SYNSET, (PREP WORDS) a prepositional phrase, with
//                    alternatives PREP/PREP, $ the source actor, + the target
//                    actor, % a compound actor (events between its members),
//                    ^ skip a phrase.
//   codes            [042:043]: 042 for source -> target and 043 for target ->
//                    source; [:173] only the reverse event; [---] no event.
//                    Any other text with a letter or digit is kept as the
//                    code (the validation dictionary has "903", "174K"); a
//                    code without one ("+++") makes the line unusable.
//   Comments: "# ..." to the end of the line, "<!-- ... -->". PETRARCH2's
//   transformation lines ("~ a (a b ATTACK) SAY = a b 015") are skipped.
// Discard file: one phrase per line; "+PHRASE" discards the whole story,
// "PHRASE" the sentence; words match exactly.
//
// Lines that cannot be read (unbalanced brackets, a pattern outside a block,
// an unknown synset, no code) are skipped and counted as warnings; reading
// never fails on content, only when a file cannot be opened.
//
// Words are matched lower-cased, as services/entity/tokenizer.h splits them:
// hyphens are words of their own ("SIT-IN" matches "sit" "-" "in"), "N'T" is
// joined to the word before ("DID N'T" matches "didn't").
//
// Built by the Add* calls (or Load), then immutable: the const methods are
// thread-safe.

namespace dossier::entity::events {

// A word of a pattern, synset member or discard phrase: an id in the
// dictionary's vocabulary.
struct DictWord {
  int id = -1;
  bool exact = true;  // false: the plural matches too (last word of a synset member)
};

// A phrase: words in a row.
using DictPhrase = std::vector<DictWord>;

struct PatternItem {
  enum class Kind : uint8_t {
    kWords,     // `words` in a row
    kSynset,    // any phrase of synset `synset`
    kPrep,      // one of `words` (the prepositions), then `object` items
    kSource,    // $
    kTarget,    // +
    kCompound,  // %
    kSkip,      // ^
  };
  Kind kind = Kind::kWords;
  // Must start right after the previous item (or the verb, or end right
  // before the verb for the last PRE item): written with "_".
  bool connected = false;
  std::vector<DictWord> words;
  int synset = -1;
  std::vector<PatternItem> object;
};

// An event code: [042:043] -> forward "042", reverse "043".
struct EventCode {
  std::string forward;   // source -> target ("" none)
  std::string reverse;   // target -> source ("" none)
  bool discard = false;  // [---]
  bool empty() const { return forward.empty() && reverse.empty() && !discard; }
};

struct VerbPattern {
  std::vector<PatternItem> before;  // in sentence order, the last next to the verb
  std::vector<PatternItem> after;   // in sentence order
  bool verb_connected = false;      // X_*: the last PRE item ends right before the verb
  EventCode code;
  int weight = 0;  // words and markers it names: more specific patterns win
  int line = 0;
  std::string text;  // as written, for diagnostics
};

struct VerbBlock {
  std::string name;
  // Its "verbs" are nouns ("talks between X and Y"): a Dossier extension,
  // blocks named NOUN_...; they code only through their patterns.
  bool nominal = false;
  EventCode code;
  std::vector<VerbPattern> patterns;
};

// One verb line of a block.
struct VerbEntry {
  std::string text;  // "meet with"
  int block = 0;
  EventCode code;  // its own code; empty: the block's
};

// One form of a verb: "met with" = before {}, word "met", after {"with"}.
struct VerbForm {
  std::vector<int> before;
  int word = -1;
  std::vector<int> after;
  int verb = 0;  // index into verbs()
};

struct Synset {
  std::string name;  // without "&"
  std::vector<DictPhrase> phrases;
};

struct DiscardPhrase {
  DictPhrase words;
  bool story = false;    // "+PHRASE"
  bool numeric = false;  // all digits ("1999")
};

class VerbDictionary {
 public:
  VerbDictionary() = default;

  // Reads the verb dictionary at `verbs_path` (and the discard list at
  // `discards_path` unless it is empty). NOT_FOUND when a file cannot be read.
  static absl::StatusOr<VerbDictionary> Load(const std::string& verbs_path, const std::string& discards_path);

  // Adds the contents of a verb dictionary; several files may be added, a
  // later one adding blocks, verbs and synset members. `name` is used in
  // warnings.
  void AddVerbs(std::string_view text, std::string_view name);
  // Adds discard phrases.
  void AddDiscards(std::string_view text, std::string_view name);
  absl::Status AddVerbsFile(const std::string& path);
  absl::Status AddDiscardsFile(const std::string& path);

  // The vocabulary id of a lower-cased word, or -1.
  int WordId(std::string_view lower) const;
  const std::string& Word(int id) const { return words_[id]; }
  int num_words() const { return static_cast<int>(words_.size()); }

  // The forms whose verb word is `word_id` (indices into forms()).
  const std::vector<int>& FormsWithWord(int word_id) const;

  const std::vector<VerbBlock>& blocks() const { return blocks_; }
  const std::vector<VerbEntry>& verbs() const { return verbs_; }
  const std::vector<VerbForm>& forms() const { return forms_; }
  const std::vector<Synset>& synsets() const { return synsets_; }
  const std::vector<DiscardPhrase>& discards() const { return discards_; }
  // Index of a synset by name (without "&", upper case), or -1.
  int SynsetId(std::string_view name) const;

  // Lines skipped, with the first messages ("CAMEO.2.0.txt:2374: ...").
  int warnings() const { return warnings_; }
  const std::vector<std::string>& warning_messages() const { return warning_messages_; }

  // Regular forms of a verb (lower case): base, -s, -ed, -ing, with both
  // spellings where a final consonant may double. Exposed for tests.
  static std::vector<std::string> RegularForms(std::string_view base);

 private:
  int Intern(std::string_view lower);
  void Warn(std::string_view name, int line, std::string_view message);
  void AddVerbLine(std::string_view spec, int block, std::string_view name, int line);
  bool AddForm(std::string_view spec, int plus_hint, int verb);
  bool ParsePhrase(std::string_view text, bool plural_last, DictPhrase* out);

  std::vector<std::string> words_;
  absl::flat_hash_map<std::string, int> word_ids_;
  std::vector<VerbBlock> blocks_;
  std::vector<VerbEntry> verbs_;
  std::vector<VerbForm> forms_;
  absl::flat_hash_map<int, std::vector<int>> forms_by_word_;
  std::vector<Synset> synsets_;
  absl::flat_hash_map<std::string, int> synset_ids_;
  std::vector<DiscardPhrase> discards_;
  int warnings_ = 0;
  std::vector<std::string> warning_messages_;
};

}  // namespace dossier::entity::events

#endif  // DOSSIER_SERVICES_ENTITY_EVENTS_VERB_DICTIONARY_H_
