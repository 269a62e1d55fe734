#include "services/entity/events/verb_dictionary.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <functional>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace dossier::entity::events {
namespace {

constexpr int kMaxWarningMessages = 50;
constexpr int kMaxSynsetDepth = 4;

absl::StatusOr<std::string> ReadFile(const std::string& path, std::string_view what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", std::string(what), " ", path));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

bool IsVowel(char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u'; }

// Splits the lines of a file, removing "<!-- -->" comments (which may span
// lines) and "# ..." comments outside brackets, and trailing ";..." notes on
// verb lines. Keeps line numbers.
struct Line {
  int number = 0;
  std::string text;
  bool comment_only = false;  // had only a comment: does not end a synset
};

std::vector<Line> CleanLines(std::string_view text) {
  std::vector<Line> out;
  bool in_comment = false;
  int number = 0;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view raw = text.substr(pos, end - pos);
    pos = end + 1;
    ++number;
    std::string line;
    for (size_t i = 0; i < raw.size();) {
      if (in_comment) {
        size_t close = raw.find("-->", i);
        if (close == std::string_view::npos) {
          i = raw.size();
        } else {
          i = close + 3;
          in_comment = false;
        }
        continue;
      }
      if (raw.compare(i, 4, "<!--") == 0 || raw.compare(i, 3, "<! ") == 0) {
        in_comment = true;
        i += 3;
        continue;
      }
      line.push_back(raw[i]);
      ++i;
    }
    // "#" starts a comment unless inside [...] ("[###]").
    int depth = 0;
    for (size_t i = 0; i < line.size(); ++i) {
      if (line[i] == '[') ++depth;
      if (line[i] == ']' && depth > 0) --depth;
      if (line[i] == '#' && depth == 0) {
        line.resize(i);
        break;
      }
    }
    std::string_view trimmed = Trim(line);
    out.push_back(Line{number, std::string(trimmed), trimmed.empty() && !Trim(raw).empty()});
    if (end == text.size()) break;
  }
  return out;
}

// Extracts "[...]" (the last one, or the first for headers) and "{...}".
bool TakeBracketed(std::string* s, char open, char close, bool last, std::string* inside) {
  size_t b = last ? s->rfind(open) : s->find(open);
  if (b == std::string::npos) return false;
  size_t e = s->find(close, b);
  if (e == std::string::npos) return false;
  *inside = s->substr(b + 1, e - b - 1);
  s->erase(b, e - b + 1);
  return true;
}

bool HasAlnum(std::string_view s) {
  for (char c : s) {
    if (std::isalnum(static_cast<unsigned char>(c))) return true;
  }
  return false;
}

// "[042:043]" -> forward/reverse; "[---]" -> discard. A code without a
// letter or digit ("+++", "###": placeholders of the validation dictionary)
// is not a code: the result is empty.
EventCode ParseCode(std::string_view inside) {
  EventCode code;
  std::string_view c = Trim(inside);
  if (c == "---") {
    code.discard = true;
    return code;
  }
  size_t colon = c.find(':');
  if (colon == std::string_view::npos) {
    code.forward = std::string(c);
  } else {
    code.forward = std::string(Trim(c.substr(0, colon)));
    code.reverse = std::string(Trim(c.substr(colon + 1)));
  }
  if (!HasAlnum(code.forward)) code.forward.clear();
  if (!HasAlnum(code.reverse)) code.reverse.clear();
  return code;
}

// Splits a spec on white space and "_" into words, keeping "+" marks.
std::vector<std::string> SpecParts(std::string_view spec) {
  std::vector<std::string> parts;
  std::string cur;
  for (char c : spec) {
    if (c == '_' || c == ',' || std::isspace(static_cast<unsigned char>(c))) {
      if (!cur.empty()) parts.push_back(std::move(cur));
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) parts.push_back(std::move(cur));
  return parts;
}

// Splits a lower-cased word at hyphens the way the tokenizer does
// ("sit-in" -> "sit" "-" "in", "anti-" -> "anti" "-").
std::vector<std::string> HyphenParts(const std::string& word) {
  std::vector<std::string> out;
  std::string cur;
  for (size_t i = 0; i < word.size(); ++i) {
    if (word[i] == '-' && word.size() > 1) {
      if (!cur.empty()) out.push_back(std::move(cur));
      cur.clear();
      out.push_back("-");
    } else {
      cur.push_back(word[i]);
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

// ---- Pattern lexer ----

struct Lexeme {
  enum Type { kWord, kSyn, kLBrace, kRBrace, kLParen, kRParen, kStar, kDollar, kPlus, kCaret, kPercent };
  Type type = kWord;
  std::string text;  // kWord: lower case; kSyn: upper-case name
  bool connected = false;
};

bool IsWordChar(char c) {
  return !(std::isspace(static_cast<unsigned char>(c)) || c == '_' || c == '{' || c == '}' || c == '(' ||
           c == ')' || c == '*' || c == '$' || c == '^' || c == '%' || c == '[' || c == ']' || c == '+' ||
           c == '&');
}

}  // namespace

std::vector<std::string> VerbDictionary::RegularForms(std::string_view base_in) {
  const std::string base = Lower(base_in);
  std::vector<std::string> out{base};
  if (base.size() < 2) return out;
  const char last = base.back();
  const char prev = base[base.size() - 2];
  auto ends = [&](std::string_view suffix) {
    return base.size() >= suffix.size() &&
           base.compare(base.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  // -s
  if (ends("s") || ends("x") || ends("z") || ends("ch") || ends("sh") || (last == 'o' && !IsVowel(prev))) {
    out.push_back(base + "es");
  } else if (last == 'y' && !IsVowel(prev)) {
    out.push_back(base.substr(0, base.size() - 1) + "ies");
  } else {
    out.push_back(base + "s");
  }
  // A final consonant after a single vowel may double ("stop" -> "stopped",
  // "regret" -> "regretted"), or not ("visit" -> "visited"): both forms.
  const bool cvc = base.size() >= 3 && !IsVowel(last) && last != 'w' && last != 'x' && last != 'y' &&
                   IsVowel(prev) && !IsVowel(base[base.size() - 3]);
  // -ed
  if (last == 'e') {
    out.push_back(base + "d");
  } else if (last == 'y' && !IsVowel(prev)) {
    out.push_back(base.substr(0, base.size() - 1) + "ied");
  } else {
    out.push_back(base + "ed");
    if (cvc) out.push_back(base + last + "ed");
  }
  // -ing
  if (ends("ie")) {
    out.push_back(base.substr(0, base.size() - 2) + "ying");
  } else if (last == 'e' && !ends("ee") && !ends("ye") && !ends("oe")) {
    out.push_back(base.substr(0, base.size() - 1) + "ing");
  } else {
    out.push_back(base + "ing");
    if (cvc) out.push_back(base + last + "ing");
  }
  return out;
}

int VerbDictionary::Intern(std::string_view lower) {
  auto [it, inserted] = word_ids_.emplace(std::string(lower), static_cast<int>(words_.size()));
  if (inserted) words_.emplace_back(lower);
  return it->second;
}

int VerbDictionary::WordId(std::string_view lower) const {
  auto it = word_ids_.find(std::string(lower));
  return it == word_ids_.end() ? -1 : it->second;
}

const std::vector<int>& VerbDictionary::FormsWithWord(int word_id) const {
  static const std::vector<int>* empty = new std::vector<int>();
  auto it = forms_by_word_.find(word_id);
  return it == forms_by_word_.end() ? *empty : it->second;
}

int VerbDictionary::SynsetId(std::string_view name) const {
  std::string key = Upper(name);
  while (key.size() > 1 && key.back() == '_') key.pop_back();
  auto it = synset_ids_.find(key);
  return it == synset_ids_.end() ? -1 : it->second;
}

void VerbDictionary::Warn(std::string_view name, int line, std::string_view message) {
  ++warnings_;
  if (static_cast<int>(warning_messages_.size()) < kMaxWarningMessages) {
    warning_messages_.push_back(absl::StrCat(std::string(name), ":", line, ": ", std::string(message)));
  }
}

bool VerbDictionary::ParsePhrase(std::string_view text, bool plural_last, DictPhrase* out) {
  out->clear();
  for (const std::string& part : SpecParts(text)) {
    std::string lower = Lower(part);
    const bool exact = true;
    if (lower == "n't" && !out->empty()) {
      // "DID N'T" -> "didn't", as the tokenizer keeps contractions whole.
      DictWord& prev = out->back();
      prev.id = Intern(words_[prev.id] + "n't");
      continue;
    }
    for (const std::string& piece : HyphenParts(lower)) out->push_back(DictWord{Intern(piece), exact});
  }
  // The last word of a synset member also matches its plural, unless
  // written with a trailing "_" ("CASH_").
  std::string_view t = Trim(text);
  if (plural_last && !out->empty() && !t.empty() && t.back() != '_' && Word(out->back().id) != "-") {
    out->back().exact = false;
  }
  return !out->empty();
}

// Adds one form ("+ASKED_FOR", "WIRE_+TAPPED", "HURRIES", "LASH OUT").
bool VerbDictionary::AddForm(std::string_view spec, int plus_hint, int verb) {
  std::vector<std::string> parts = SpecParts(spec);
  if (parts.empty()) return false;
  int verb_part = -1;
  for (int i = 0; i < static_cast<int>(parts.size()); ++i) {
    if (parts[i][0] == '+') {
      verb_part = i;
      parts[i].erase(0, 1);
    }
  }
  if (verb_part < 0) verb_part = std::clamp(plus_hint, 0, static_cast<int>(parts.size()) - 1);
  VerbForm form;
  form.verb = verb;
  for (int i = 0; i < static_cast<int>(parts.size()); ++i) {
    std::vector<std::string> pieces = HyphenParts(Lower(parts[i]));
    if (pieces.empty()) continue;
    if (i < verb_part) {
      for (const std::string& p : pieces) form.before.push_back(Intern(p));
    } else if (i == verb_part) {
      // "re-elect": "re" "-" before, "elect" the verb word.
      for (size_t k = 0; k + 1 < pieces.size(); ++k) form.before.push_back(Intern(pieces[k]));
      form.word = Intern(pieces.back());
    } else {
      for (const std::string& p : pieces) form.after.push_back(Intern(p));
    }
  }
  if (form.word < 0 || words_[form.word] == "-") return false;
  // Skip an identical form of the same verb (irregular lists repeat forms).
  for (int f : forms_by_word_[form.word]) {
    const VerbForm& o = forms_[f];
    if (o.verb == verb && o.before == form.before && o.after == form.after) return true;
  }
  forms_by_word_[form.word].push_back(static_cast<int>(forms_.size()));
  forms_.push_back(std::move(form));
  return true;
}

void VerbDictionary::AddVerbLine(std::string_view line_text, int block, std::string_view name, int line) {
  std::string s(line_text);
  // ";shan 8/30/93" notes after the forms.
  if (size_t semi = s.find(';'); semi != std::string::npos) s.resize(semi);
  std::string code_text, forms_text;
  const bool has_code = TakeBracketed(&s, '[', ']', true, &code_text);
  const bool has_forms = TakeBracketed(&s, '{', '}', false, &forms_text);
  if (s.find_first_of("[]{}") != std::string::npos) {
    Warn(name, line, "unbalanced brackets in verb line");
    return;
  }
  std::string_view spec = Trim(s);
  if (spec.empty()) {
    Warn(name, line, "verb line without a verb");
    return;
  }
  VerbEntry entry;
  entry.block = block;
  if (has_code) entry.code = ParseCode(code_text);
  // The verb's text and which part is the verb.
  std::vector<std::string> parts = SpecParts(spec);
  int plus = 0;
  for (int i = 0; i < static_cast<int>(parts.size()); ++i) {
    if (parts[i][0] == '+') plus = i;
  }
  for (std::string& p : parts) {
    if (p[0] == '+') p.erase(0, 1);
    absl::StrAppend(&entry.text, entry.text.empty() ? "" : " ", Lower(p));
  }
  const int verb = static_cast<int>(verbs_.size());
  verbs_.push_back(std::move(entry));
  if (!has_forms) {
    // Regular forms of the verb word, the other words unchanged.
    std::string base = parts[plus];
    for (const std::string& form : RegularForms(base)) {
      std::string full;
      for (int i = 0; i < static_cast<int>(parts.size()); ++i) {
        absl::StrAppend(&full, i == 0 ? "" : " ", i == plus ? "+" + form : parts[i]);
      }
      if (!AddForm(full, plus, verb)) Warn(name, line, "bad verb form");
    }
    return;
  }
  if (!AddForm(spec, plus, verb)) {
    Warn(name, line, "bad verb form");
    return;
  }
  // Irregular forms: separated by spaces when each is one word or marked
  // with "+"; "+ASKED_FOR +ASKING_FOR".
  std::string_view f = Trim(forms_text);
  std::vector<std::string> items;
  std::string cur;
  for (char c : f) {
    if (std::isspace(static_cast<unsigned char>(c)) || c == ',') {
      if (!cur.empty()) items.push_back(std::move(cur));
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) items.push_back(std::move(cur));
  for (const std::string& item : items) {
    if (!AddForm(item, plus, verb)) Warn(name, line, absl::StrCat("bad irregular form '", item, "'"));
  }
}

namespace {

// Lexes the text of a pattern ("IN_* &TREATY (WITH) $"). Returns false on a
// character it cannot read or an unknown synset.
bool LexPattern(std::string_view text, const absl::flat_hash_map<std::string, int>& synsets,
                std::vector<Lexeme>* out, std::string* error) {
  out->clear();
  bool pending_connect = false;
  size_t i = 0;
  auto push = [&](Lexeme lx) {
    lx.connected = pending_connect;
    pending_connect = false;
    out->push_back(std::move(lx));
  };
  while (i < text.size()) {
    const char c = text[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      pending_connect = false;
      ++i;
      continue;
    }
    if (c == '_') {
      const bool at_end = i + 1 >= text.size() || std::isspace(static_cast<unsigned char>(text[i + 1])) ||
                          text[i + 1] == ')' || text[i + 1] == '}';
      // "KNOWN_ *": a trailing "_" (exact in TABARI; pattern words are always
      // exact here) connects nothing.
      if (!at_end && !out->empty()) pending_connect = true;
      ++i;
      continue;
    }
    Lexeme lx;
    switch (c) {
      case '{':
        lx.type = Lexeme::kLBrace;
        break;
      case '}':
        lx.type = Lexeme::kRBrace;
        break;
      case '(':
        lx.type = Lexeme::kLParen;
        break;
      case ')':
        lx.type = Lexeme::kRParen;
        break;
      case '*':
        lx.type = Lexeme::kStar;
        break;
      case '$':
        lx.type = Lexeme::kDollar;
        break;
      case '+':
        lx.type = Lexeme::kPlus;
        break;
      case '^':
        lx.type = Lexeme::kCaret;
        break;
      case '%':
        lx.type = Lexeme::kPercent;
        break;
      case '&': {
        // The longest known synset name, ending at "_" or the end of the run.
        size_t j = i + 1;
        while (j < text.size() && (std::isalnum(static_cast<unsigned char>(text[j])) || text[j] == '_')) ++j;
        std::string run = Upper(text.substr(i + 1, j - i - 1));
        size_t len = run.size();
        bool found = false;
        while (len > 0) {
          if (synsets.contains(run.substr(0, len))) {
            found = true;
            break;
          }
          size_t us = run.rfind('_', len - 1);
          if (us == std::string::npos || us == 0) break;
          len = us;
        }
        if (!found) {
          // "&AUXVERB1_" style names end with "_": try with it.
          *error = absl::StrCat("unknown synset &", run);
          return false;
        }
        lx.type = Lexeme::kSyn;
        lx.text = run.substr(0, len);
        push(std::move(lx));
        i = i + 1 + len;
        continue;
      }
      default: {
        if (!IsWordChar(c)) {
          *error = absl::StrCat("unexpected '", std::string(1, c), "'");
          return false;
        }
        size_t j = i;
        while (j < text.size() && IsWordChar(text[j])) ++j;
        lx.type = Lexeme::kWord;
        lx.text = Lower(text.substr(i, j - i));
        push(std::move(lx));
        i = j;
        continue;
      }
    }
    push(std::move(lx));
    ++i;
  }
  return true;
}

}  // namespace

namespace {

// Builds items from lexemes [pos, end) until a closing bracket or the verb.
class PatternBuilder {
 public:
  PatternBuilder(const std::vector<Lexeme>& lx, const absl::flat_hash_map<std::string, int>& synsets,
                 std::function<int(std::string_view)> intern)
      : lx_(lx), synsets_(synsets), intern_(std::move(intern)) {}

  // Items until `stop` (kStar, kRParen, kRBrace) or the end; pos_ is left on
  // the stop lexeme.
  bool Items(Lexeme::Type stop, std::vector<PatternItem>* out, std::string* error) {
    while (pos_ < lx_.size() && lx_[pos_].type != stop) {
      const Lexeme& l = lx_[pos_];
      switch (l.type) {
        case Lexeme::kWord: {
          AddWord(l, out);
          ++pos_;
          break;
        }
        case Lexeme::kSyn: {
          PatternItem it;
          it.kind = PatternItem::Kind::kSynset;
          it.connected = l.connected;
          it.synset = synsets_.at(l.text);
          out->push_back(std::move(it));
          ++pos_;
          break;
        }
        case Lexeme::kLBrace: {
          // {A B}: the words in a row.
          const bool connected = l.connected;
          ++pos_;
          std::vector<PatternItem> inner;
          if (!Items(Lexeme::kRBrace, &inner, error)) return false;
          if (pos_ >= lx_.size()) {
            *error = "unclosed {";
            return false;
          }
          ++pos_;
          for (size_t k = 0; k < inner.size(); ++k) {
            inner[k].connected = k == 0 ? connected : true;
            out->push_back(std::move(inner[k]));
          }
          break;
        }
        case Lexeme::kLParen: {
          PatternItem it;
          it.kind = PatternItem::Kind::kPrep;
          it.connected = l.connected;
          ++pos_;
          if (pos_ >= lx_.size() || lx_[pos_].type != Lexeme::kWord) {
            *error = "( without a preposition";
            return false;
          }
          // "BY/WITH": alternatives.
          std::string_view preps = lx_[pos_].text;
          size_t start = 0;
          while (start <= preps.size()) {
            size_t slash = preps.find('/', start);
            if (slash == std::string_view::npos) slash = preps.size();
            if (slash > start)
              it.words.push_back(DictWord{intern_(preps.substr(start, slash - start)), true});
            start = slash + 1;
          }
          ++pos_;
          if (!Items(Lexeme::kRParen, &it.object, error)) return false;
          if (pos_ >= lx_.size()) {
            *error = "unclosed (";
            return false;
          }
          ++pos_;
          if (!it.object.empty()) it.object.front().connected = false;
          out->push_back(std::move(it));
          break;
        }
        case Lexeme::kDollar:
        case Lexeme::kPlus:
        case Lexeme::kCaret:
        case Lexeme::kPercent: {
          PatternItem it;
          it.kind = l.type == Lexeme::kDollar  ? PatternItem::Kind::kSource
                    : l.type == Lexeme::kPlus  ? PatternItem::Kind::kTarget
                    : l.type == Lexeme::kCaret ? PatternItem::Kind::kSkip
                                               : PatternItem::Kind::kCompound;
          it.connected = l.connected;
          out->push_back(std::move(it));
          ++pos_;
          break;
        }
        default:
          *error = "misplaced bracket or *";
          return false;
      }
    }
    return true;
  }

  size_t pos() const { return pos_; }
  void Skip() { ++pos_; }

 private:
  void AddWord(const Lexeme& l, std::vector<PatternItem>* out) {
    // Hyphenated words are several tokens; "n't" joins the word before.
    if (l.text == "n't" && !out->empty() && out->back().kind == PatternItem::Kind::kWords &&
        !out->back().words.empty()) {
      DictWord& prev = out->back().words.back();
      prev.id = intern_(absl::StrCat(word_of_(prev.id), "n't"));
      return;
    }
    std::vector<std::string> pieces = HyphenParts(l.text);
    for (size_t k = 0; k < pieces.size(); ++k) {
      PatternItem it;
      it.kind = PatternItem::Kind::kWords;
      it.connected = k == 0 ? l.connected : true;
      it.words.push_back(DictWord{intern_(pieces[k]), /*exact=*/true});
      out->push_back(std::move(it));
    }
  }

 public:
  std::function<std::string(int)> word_of_;

 private:
  const std::vector<Lexeme>& lx_;
  const absl::flat_hash_map<std::string, int>& synsets_;
  std::function<int(std::string_view)> intern_;
  size_t pos_ = 0;
};

int ItemsWeight(const std::vector<PatternItem>& items) {
  int w = 0;
  for (const PatternItem& it : items) {
    switch (it.kind) {
      case PatternItem::Kind::kWords:
        w += static_cast<int>(it.words.size());
        break;
      case PatternItem::Kind::kSynset:
        w += 1;
        break;
      case PatternItem::Kind::kPrep:
        w += 1 + ItemsWeight(it.object);
        break;
      case PatternItem::Kind::kSource:
      case PatternItem::Kind::kTarget:
      case PatternItem::Kind::kCompound:
        w += 1;
        break;
      case PatternItem::Kind::kSkip:
        break;
    }
  }
  return w;
}

}  // namespace

void VerbDictionary::AddVerbs(std::string_view text, std::string_view name) {
  const std::vector<Line> lines = CleanLines(text);
  // Pass 1: synsets (they may be used before they are defined).
  struct RawSynset {
    int id;
    std::vector<std::pair<int, std::string>> members;  // line, text
  };
  std::vector<RawSynset> raw;
  {
    int current = -1;
    for (const Line& l : lines) {
      if (l.comment_only) continue;
      if (l.text.empty() || l.text.rfind("---", 0) == 0) {
        current = -1;
        continue;
      }
      if (l.text[0] == '&') {
        std::string syn_name = Upper(Trim(std::string_view(l.text).substr(1)));
        if (size_t sp = syn_name.find_first_of(" \t"); sp != std::string::npos) syn_name.resize(sp);
        // "&PREPOSIT1_" is used as "&PREPOSIT1": names are kept without trailing "_".
        while (syn_name.size() > 1 && syn_name.back() == '_') syn_name.pop_back();
        if (syn_name.empty()) {
          Warn(name, l.number, "synset without a name");
          current = -1;
          continue;
        }
        auto [it, inserted] = synset_ids_.emplace(syn_name, static_cast<int>(synsets_.size()));
        if (inserted) synsets_.push_back(Synset{syn_name, {}});
        raw.push_back(RawSynset{it->second, {}});
        current = static_cast<int>(raw.size()) - 1;
        continue;
      }
      if (current >= 0 && l.text[0] == '+') {
        raw[current].members.emplace_back(l.number, l.text.substr(1));
        continue;
      }
      current = -1;
    }
  }
  // Members: phrases, with nested synsets expanded (to a few levels).
  {
    std::vector<std::vector<std::pair<int, std::string>>> by_id(synsets_.size());
    for (const RawSynset& r : raw) {
      for (const auto& m : r.members) by_id[r.id].push_back(m);
    }
    std::function<void(int, int, std::vector<DictPhrase>*)> expand = [&](int id, int depth,
                                                                         std::vector<DictPhrase>* out) {
      if (depth > kMaxSynsetDepth) return;
      for (const DictPhrase& p : synsets_[id].phrases) out->push_back(p);
      for (const auto& [line, member] : by_id[id]) {
        std::string_view m = Trim(member);
        if (!m.empty() && m[0] == '&') {
          int nested = SynsetId(Trim(m.substr(1)));
          if (nested < 0 || nested == id) {
            Warn(name, line, absl::StrCat("unknown synset in member '", member, "'"));
            continue;
          }
          expand(nested, depth + 1, out);
          continue;
        }
        DictPhrase phrase;
        if (!ParsePhrase(m, /*plural_last=*/true, &phrase)) {
          Warn(name, line, "empty synset member");
          continue;
        }
        out->push_back(std::move(phrase));
      }
    };
    std::vector<std::vector<DictPhrase>> resolved(synsets_.size());
    for (int id = 0; id < static_cast<int>(synsets_.size()); ++id) {
      if (by_id[id].empty()) continue;
      std::vector<DictPhrase> phrases;
      expand(id, 0, &phrases);
      resolved[id] = std::move(phrases);
    }
    for (int id = 0; id < static_cast<int>(synsets_.size()); ++id) {
      if (!by_id[id].empty()) synsets_[id].phrases = std::move(resolved[id]);
    }
  }
  // Pass 2: blocks, verbs, patterns.
  int block = -1;
  bool in_synset = false;
  for (const Line& l : lines) {
    const std::string& t = l.text;
    if (l.comment_only) continue;
    if (t.empty()) {
      in_synset = false;
      continue;
    }
    if (t[0] == '&') {
      in_synset = true;
      continue;
    }
    if (in_synset && t[0] == '+') continue;
    in_synset = false;
    if (t[0] == '~') continue;  // PETRARCH2 transformations: not used
    if (t.rfind("---", 0) == 0) {
      std::string header = t.substr(3);
      while (!header.empty() &&
             (header.back() == '-' || std::isspace(static_cast<unsigned char>(header.back())))) {
        header.pop_back();
      }
      std::string code_text;
      const bool has_code = TakeBracketed(&header, '[', ']', false, &code_text);
      if (size_t b = header.find('['); b != std::string::npos) header.resize(b);  // a second code
      std::string_view block_name = Trim(header);
      if (block_name.empty()) {
        Warn(name, l.number, "verb block without a name");
        block = -1;
        continue;
      }
      VerbBlock b;
      b.name = std::string(block_name);
      b.nominal = b.name.rfind("NOUN_", 0) == 0;
      if (has_code) b.code = ParseCode(code_text);
      block = static_cast<int>(blocks_.size());
      blocks_.push_back(std::move(b));
      continue;
    }
    if (t[0] == '-') {
      if (block < 0) {
        Warn(name, l.number, "pattern outside a verb block");
        continue;
      }
      std::string body = t.substr(1);
      size_t open = body.rfind('[');
      size_t close = body.rfind(']');
      if (open == std::string::npos || close == std::string::npos || close < open) {
        Warn(name, l.number, "pattern without a [code]");
        continue;
      }
      if (!Trim(std::string_view(body).substr(close + 1)).empty()) {
        Warn(name, l.number, "text after the pattern's code");
        continue;
      }
      VerbPattern p;
      p.code = ParseCode(std::string_view(body).substr(open + 1, close - open - 1));
      if (p.code.empty()) {
        Warn(name, l.number, "pattern without a usable code");
        continue;
      }
      p.text = std::string(Trim(std::string_view(body).substr(0, open)));
      p.line = l.number;
      std::vector<Lexeme> lx;
      std::string error;
      if (!LexPattern(p.text, synset_ids_, &lx, &error)) {
        Warn(name, l.number, error);
        continue;
      }
      int stars = 0;
      for (const Lexeme& x : lx) stars += x.type == Lexeme::kStar;
      if (stars != 1) {
        Warn(name, l.number, "pattern needs exactly one *");
        continue;
      }
      PatternBuilder builder(lx, synset_ids_, [this](std::string_view w) { return Intern(w); });
      builder.word_of_ = [this](int id) { return words_[id]; };
      if (!builder.Items(Lexeme::kStar, &p.before, &error)) {
        Warn(name, l.number, error);
        continue;
      }
      // The verb is "connected" to the item before it when written X_*.
      const bool verb_connected = lx[builder.pos()].connected;
      builder.Skip();
      if (!builder.Items(Lexeme::kStar, &p.after, &error) || builder.pos() != lx.size()) {
        Warn(name, l.number, error.empty() ? "misplaced bracket" : error);
        continue;
      }
      p.verb_connected = verb_connected && !p.before.empty();
      p.weight = ItemsWeight(p.before) + ItemsWeight(p.after);
      blocks_[block].patterns.push_back(std::move(p));
      continue;
    }
    // A verb line.
    if (block < 0) {
      Warn(name, l.number, "verb outside a verb block");
      continue;
    }
    AddVerbLine(t, block, name, l.number);
  }
}

void VerbDictionary::AddDiscards(std::string_view text, std::string_view name) {
  for (const Line& l : CleanLines(text)) {
    std::string_view t = l.text;
    if (t.empty()) continue;
    DiscardPhrase d;
    if (t[0] == '+') {
      d.story = true;
      t = Trim(t.substr(1));
    }
    if (!ParsePhrase(t, /*plural_last=*/false, &d.words)) {
      Warn(name, l.number, "empty discard phrase");
      continue;
    }
    d.numeric = true;
    for (const DictWord& w : d.words) {
      for (char c : words_[w.id]) d.numeric = d.numeric && std::isdigit(static_cast<unsigned char>(c));
    }
    discards_.push_back(std::move(d));
  }
}

absl::Status VerbDictionary::AddVerbsFile(const std::string& path) {
  auto text = ReadFile(path, "verb dictionary");
  if (!text.ok()) return text.status();
  std::string_view name = path;
  if (size_t slash = name.rfind('/'); slash != std::string_view::npos) name.remove_prefix(slash + 1);
  AddVerbs(*text, name);
  return absl::OkStatus();
}

absl::Status VerbDictionary::AddDiscardsFile(const std::string& path) {
  auto text = ReadFile(path, "discard list");
  if (!text.ok()) return text.status();
  std::string_view name = path;
  if (size_t slash = name.rfind('/'); slash != std::string_view::npos) name.remove_prefix(slash + 1);
  AddDiscards(*text, name);
  return absl::OkStatus();
}

absl::StatusOr<VerbDictionary> VerbDictionary::Load(const std::string& verbs_path,
                                                    const std::string& discards_path) {
  VerbDictionary dict;
  if (absl::Status s = dict.AddVerbsFile(verbs_path); !s.ok()) return s;
  if (!discards_path.empty()) {
    if (absl::Status s = dict.AddDiscardsFile(discards_path); !s.ok()) return s;
  }
  return dict;
}

}  // namespace dossier::entity::events
