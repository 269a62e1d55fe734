#include "tools/events/petr_actors.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "services/entity/tokenizer.h"
#include "tools/events/eval_lib.h"

namespace dossier::tools::events {
namespace {

constexpr int kMaxGlue = 5;

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// Lines without "#" and "<!-- -->" comments (the latter may span lines).
std::vector<std::string> CleanLines(std::string_view text) {
  std::vector<std::string> out;
  bool in_comment = false;
  std::string line;
  for (size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || text[i] == '\n') {
      if (size_t hash = line.find('#'); hash != std::string::npos) line.resize(hash);
      out.emplace_back(Trim(line));
      line.clear();
      continue;
    }
    if (in_comment) {
      if (text.compare(i, 3, "-->") == 0) {
        in_comment = false;
        i += 2;
      }
      continue;
    }
    if (text.compare(i, 4, "<!--") == 0 || text.compare(i, 3, "<! ") == 0) {
      in_comment = true;
      continue;
    }
    line.push_back(text[i]);
  }
  return out;
}

bool IsGlueTag(std::string_view tag) {
  return tag == "JJ" || tag == "JJR" || tag == "JJS" || tag == "NN" || tag == "NNS" || tag == "NNP" ||
         tag == "NNPS" || tag == "CD" || tag == "HYPH" || tag == "POS";
}

// Appends an agent's 3-letter parts to a code, skipping parts it has.
void AppendParts(std::string_view agent, std::string* code) {
  for (size_t p = 0; p + 3 <= agent.size(); p += 3) {
    std::string_view part = agent.substr(p, 3);
    bool present = false;
    for (size_t q = 0; q + 3 <= code->size(); q += 3) present = present || code->compare(q, 3, part) == 0;
    if (!present) code->append(part);
  }
}

}  // namespace

PetrDate ParsePetrDate(std::string_view text) {
  std::string_view t = Trim(text);
  for (char c : t) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return 0;
  }
  if (t.size() == 8) return std::stoi(std::string(t));
  if (t.size() == 6) {
    const int yy = std::stoi(std::string(t.substr(0, 2)));
    return (yy < 30 ? 20000000 : 19000000) + std::stoi(std::string(t));
  }
  return 0;
}

std::vector<std::string> PhraseWords(std::string_view phrase) {
  std::string text(phrase);
  for (char& c : text) {
    if (c == '_') c = ' ';
  }
  const entity::TokenizedText tt = entity::Tokenize(text);
  std::vector<std::string> out;
  for (int i = 0; i < tt.size(); ++i) out.emplace_back(tt.norm(i));
  return out;
}

void PetrActorDictionary::AddName(const std::string& phrase, int actor, int agent) {
  std::vector<std::string> words = PhraseWords(phrase);
  if (words.empty()) return;
  by_first_word_[words[0]].push_back(static_cast<int>(names_.size()));
  names_.push_back(Name{std::move(words), actor, agent});
}

void PetrActorDictionary::AddActors(std::string_view text) {
  int current = -1;
  auto parse_codes = [&](std::string_view line) {
    // Every "[...]" on the line.
    size_t pos = 0;
    while ((pos = line.find('[', pos)) != std::string_view::npos) {
      size_t close = line.find(']', pos);
      if (close == std::string_view::npos) {
        ++warnings_;
        return;
      }
      std::string_view inside = Trim(line.substr(pos + 1, close - pos - 1));
      pos = close + 1;
      if (current < 0) {
        ++warnings_;
        continue;
      }
      DatedCode dc;
      size_t cut = inside.find_first_of(" \t<>");
      std::string_view code = inside.substr(0, cut);
      std::string_view rest = cut == std::string_view::npos ? "" : Trim(inside.substr(cut));
      if (!rest.empty()) {
        dc.restricted = true;
        if (rest[0] == '<') {
          dc.to = ParsePetrDate(rest.substr(1)) - 1;  // strictly before
        } else if (rest[0] == '>') {
          dc.from = ParsePetrDate(rest.substr(1)) + 1;  // strictly after
        } else if (size_t dash = rest.find('-'); dash != std::string_view::npos) {
          dc.from = ParsePetrDate(rest.substr(0, dash));
          dc.to = ParsePetrDate(rest.substr(dash + 1));
        }
        if (dc.from == 0 && dc.to <= 0) {
          ++warnings_;
          continue;
        }
      }
      if (code != "---") {
        size_t start = 0;
        while (start <= code.size()) {
          size_t slash = code.find('/', start);
          if (slash == std::string_view::npos) slash = code.size();
          if (slash > start) dc.codes.push_back(Upper(code.substr(start, slash - start)));
          start = slash + 1;
        }
      }
      actors_[current].codes.push_back(std::move(dc));
    }
  };
  for (const std::string& raw : CleanLines(text)) {
    std::string_view line = raw;
    if (line.empty()) continue;
    if (line[0] == '[') {
      parse_codes(line);
      continue;
    }
    std::string_view name = line.substr(0, line.find('['));
    const bool synonym = name[0] == '+';
    if (synonym) name.remove_prefix(1);
    name = Trim(name);
    if (!synonym) {
      current = static_cast<int>(actors_.size());
      actors_.emplace_back();
    }
    if (current < 0 || name.empty()) {
      ++warnings_;
      continue;
    }
    AddName(std::string(name), current, -1);
    if (line.find('[') != std::string_view::npos) parse_codes(line.substr(line.find('[')));
  }
}

void PetrActorDictionary::AddAgents(std::string_view text) {
  std::map<std::string, std::vector<std::string>> sets;  // "!PERSON!" -> words
  for (const std::string& raw : CleanLines(text)) {
    std::string_view line = raw;
    if (line.empty()) continue;
    // "!PERSON! = MAN, MEN": a substitution set ("!MINST!_OF_SILLY_WALKS [~GOV]"
    // is an agent using one).
    if (line[0] == '!' && line.find('=') != std::string_view::npos &&
        line.find('[') == std::string_view::npos) {
      size_t eq = line.find('=');
      std::string key(Trim(line.substr(0, eq)));
      std::vector<std::string>& words = sets[key];
      std::string_view rest = line.substr(eq + 1);
      size_t start = 0;
      while (start <= rest.size()) {
        size_t comma = rest.find(',', start);
        if (comma == std::string_view::npos) comma = rest.size();
        std::string_view w = Trim(rest.substr(start, comma - start));
        if (!w.empty()) words.emplace_back(w);
        start = comma + 1;
      }
      continue;
    }
    size_t open = line.find('['), close = line.find(']');
    if (open == std::string_view::npos || close == std::string_view::npos || close < open) {
      ++warnings_;
      continue;
    }
    std::string code(Trim(line.substr(open + 1, close - open - 1)));
    Agent agent;
    if (!code.empty() && code.front() == '~') {
      code.erase(0, 1);
    } else if (!code.empty() && code.back() == '~') {
      code.pop_back();
      agent.prefix = true;
    }
    agent.code = Upper(Trim(code));
    std::string_view head = Trim(line.substr(0, open));
    std::vector<std::string> forms;
    bool explicit_plurals = false;
    if (size_t b = head.find('{'); b != std::string_view::npos) {
      size_t e = head.find('}', b);
      if (e == std::string_view::npos) {
        ++warnings_;
        continue;
      }
      explicit_plurals = true;
      std::string_view inside = head.substr(b + 1, e - b - 1);
      std::string cur;
      for (char c : inside) {
        if (std::isspace(static_cast<unsigned char>(c))) {
          if (!cur.empty()) forms.push_back(std::move(cur));
          cur.clear();
        } else {
          cur.push_back(c);
        }
      }
      if (!cur.empty()) forms.push_back(cur);
      head = Trim(head.substr(0, b));
    }
    std::string base(head);
    if (base.empty() || agent.code.empty()) {
      ++warnings_;
      continue;
    }
    if (!explicit_plurals) {
      std::string plural = base;
      const char last = static_cast<char>(std::toupper(static_cast<unsigned char>(plural.back())));
      const char prev =
          plural.size() > 1
              ? static_cast<char>(std::toupper(static_cast<unsigned char>(plural[plural.size() - 2])))
              : ' ';
      if (last == 'Y' && std::string_view("AEIOU").find(prev) == std::string_view::npos) {
        plural.back() = 'I';
        plural += "ES";
      } else if (last == 'S' || last == 'X' || last == 'Z' || (last == 'H' && (prev == 'C' || prev == 'S'))) {
        plural += "ES";
      } else if (last != '!') {
        plural += "S";
      }
      forms.push_back(plural);
    }
    forms.insert(forms.begin(), base);
    const int id = static_cast<int>(agents_.size());
    agents_.push_back(agent);
    // Substitution sets ("CONGRESS!PERSON!", "!MINST!_OF_SILLY_WALKS").
    for (const std::string& form : forms) {
      std::vector<std::string> expanded{form};
      for (const auto& [key, words] : sets) {
        std::vector<std::string> next;
        for (const std::string& e : expanded) {
          size_t at = e.find(key);
          if (at == std::string::npos) {
            next.push_back(e);
            continue;
          }
          for (const std::string& w : words) next.push_back(e.substr(0, at) + w + e.substr(at + key.size()));
        }
        expanded = std::move(next);
      }
      for (const std::string& e : expanded) AddName(e, -1, id);
    }
  }
}

absl::StatusOr<PetrActorDictionary> PetrActorDictionary::Load(const std::string& actors_path,
                                                              const std::string& agents_path) {
  PetrActorDictionary dict;
  auto actors = ReadFile(actors_path);
  if (!actors.ok()) return actors.status();
  dict.AddActors(*actors);
  if (!agents_path.empty()) {
    auto agents = ReadFile(agents_path);
    if (!agents.ok()) return agents.status();
    dict.AddAgents(*agents);
  }
  return dict;
}

std::vector<std::string> PetrActorDictionary::Resolve(const Actor& actor, PetrDate date) const {
  for (const DatedCode& dc : actor.codes) {
    if (!dc.restricted) continue;
    if ((dc.from == 0 || date >= dc.from) && (dc.to == 0 || date <= dc.to)) return dc.codes;
  }
  for (const DatedCode& dc : actor.codes) {
    if (!dc.restricted) return dc.codes;
  }
  return {};
}

std::vector<PetrActorMention> PetrActorDictionary::Find(const std::vector<std::string>& lower,
                                                        const std::vector<std::string_view>& tags,
                                                        PetrDate date) const {
  const int n = static_cast<int>(lower.size());
  struct Unit {
    int begin, end;
    std::vector<std::string> actor_codes;  // empty for agents
    bool is_actor = false;
    const Agent* agent = nullptr;
  };
  // Longest dictionary phrase at each position.
  std::vector<Unit> units;
  for (int i = 0; i < n;) {
    int best = -1, best_len = 0;
    auto it = by_first_word_.find(lower[i]);
    if (it != by_first_word_.end()) {
      for (int id : it->second) {
        const Name& name = names_[id];
        const int len = static_cast<int>(name.words.size());
        if (len <= best_len || i + len > n) continue;
        bool ok = true;
        for (int k = 0; ok && k < len; ++k) ok = lower[i + k] == name.words[k];
        if (ok) {
          best = id;
          best_len = len;
        }
      }
    }
    if (best < 0) {
      ++i;
      continue;
    }
    const Name& name = names_[best];
    Unit u{i, i + best_len, {}, name.actor >= 0, name.agent >= 0 ? &agents_[name.agent] : nullptr};
    if (u.is_actor) {
      u.actor_codes = Resolve(actors_[name.actor], date);
      if (u.actor_codes.empty()) {  // [---]: not an actor
        i += best_len;
        continue;
      }
    }
    units.push_back(std::move(u));
    i += best_len;
  }

  // Chunks: units joined by modifiers, "'s" and title words.
  auto glue = [&](int from, int to) {
    if (to - from > kMaxGlue) return false;
    for (int k = from; k < to; ++k) {
      if (lower[k] == "'s" || lower[k] == "'" || lower[k] == "-" || lower[k] == "former") continue;
      if (lower[k] == "and" && k > from && k + 1 < to && tags[k - 1] == "JJ" && tags[k + 1] == "JJ") continue;
      if (!IsGlueTag(tags[k])) return false;
    }
    return true;
  };
  struct Chunk {
    int begin, end;
    std::vector<int> units;
    bool has_actor = false;
  };
  std::vector<Chunk> chunks;
  for (int u = 0; u < static_cast<int>(units.size()); ++u) {
    if (!chunks.empty() && glue(chunks.back().end, units[u].begin)) {
      chunks.back().end = units[u].end;
      chunks.back().units.push_back(u);
      chunks.back().has_actor = chunks.back().has_actor || units[u].is_actor;
      continue;
    }
    chunks.push_back(Chunk{units[u].begin, units[u].end, {u}, units[u].is_actor});
  }
  // "former" just before a chunk.
  auto former = [&](const Chunk& c) {
    for (int k = std::max(0, c.begin - 2); k < c.end; ++k) {
      if (lower[k] == "former") return true;
    }
    return false;
  };
  // The code(s) of a set of agent units and one actor unit list.
  auto codes_of = [&](const std::vector<int>& agent_units, const std::vector<int>& actor_units,
                      bool is_former) {
    std::vector<std::string> actor_codes{"---"};
    for (int u : actor_units) {
      if (units[u].is_actor) {
        actor_codes = units[u].actor_codes;
        break;
      }
    }
    std::vector<std::string> out;
    for (const std::string& a : actor_codes) {
      std::string code;
      for (int u : agent_units) {
        if (units[u].agent != nullptr && units[u].agent->prefix) AppendParts(units[u].agent->code, &code);
      }
      for (int u : actor_units) {
        if (units[u].agent != nullptr && units[u].agent->prefix) AppendParts(units[u].agent->code, &code);
      }
      code += a;
      bool any_suffix = false;
      for (const std::vector<int>* list : {&actor_units, &agent_units}) {
        for (int u : *list) {
          if (units[u].agent == nullptr || units[u].agent->prefix) continue;
          any_suffix = true;
          if (!is_former) AppendParts(units[u].agent->code, &code);
        }
      }
      if (is_former && any_suffix) AppendParts("ELI", &code);
      out.push_back(std::move(code));
    }
    return out;
  };
  auto word_between = [&](int from, int to, std::initializer_list<std::string_view> words) {
    // Only the given words (and "the") between from and to, at least one of them.
    bool seen = false;
    if (to - from < 1 || to - from > 3) return false;
    for (int k = from; k < to; ++k) {
      bool ok = lower[k] == "the";
      for (std::string_view w : words) {
        if (lower[k] == w) {
          ok = true;
          seen = true;
        }
      }
      if (!ok) return false;
    }
    return seen;
  };

  std::vector<PetrActorMention> out;
  std::vector<bool> used(chunks.size(), false);
  for (size_t c = 0; c < chunks.size(); ++c) {
    if (used[c]) continue;
    // Agents (possibly "A and B") followed by of/in/from and actors.
    if (!chunks[c].has_actor) {
      size_t last_agent = c;
      while (last_agent + 1 < chunks.size() && !chunks[last_agent + 1].has_actor &&
             word_between(chunks[last_agent].end, chunks[last_agent + 1].begin, {"and", ","})) {
        ++last_agent;
      }
      if (last_agent + 1 < chunks.size() && chunks[last_agent + 1].has_actor &&
          word_between(chunks[last_agent].end, chunks[last_agent + 1].begin, {"of", "in", "from"})) {
        size_t last_actor = last_agent + 1;
        while (last_actor + 1 < chunks.size() && chunks[last_actor + 1].has_actor &&
               word_between(chunks[last_actor].end, chunks[last_actor + 1].begin, {"and", ","})) {
          ++last_actor;
        }
        PetrActorMention m{chunks[c].begin, chunks[last_actor].end, {}};
        for (size_t a = c; a <= last_agent; ++a) {
          for (size_t b = last_agent + 1; b <= last_actor; ++b) {
            for (std::string& code : codes_of(chunks[a].units, chunks[b].units, former(chunks[a]))) {
              if (std::find(m.codes.begin(), m.codes.end(), code) == m.codes.end()) m.codes.push_back(code);
            }
          }
        }
        for (size_t k = c; k <= last_actor; ++k) used[k] = true;
        out.push_back(std::move(m));
        continue;
      }
      // "Danish media and government": an agent sharing the actor before it.
      if (c > 0 && chunks[c - 1].has_actor && word_between(chunks[c - 1].end, chunks[c].begin, {"and"})) {
        std::vector<int> shared = chunks[c - 1].units;
        if (!shared.empty() && !units[shared.back()].is_actor) shared.pop_back();
        shared.insert(shared.end(), chunks[c].units.begin(), chunks[c].units.end());
        out.push_back(
            PetrActorMention{chunks[c].begin, chunks[c].end, codes_of({}, shared, former(chunks[c]))});
        used[c] = true;
        continue;
      }
    }
    out.push_back(
        PetrActorMention{chunks[c].begin, chunks[c].end, codes_of({}, chunks[c].units, former(chunks[c]))});
    used[c] = true;
  }
  std::sort(out.begin(), out.end(),
            [](const PetrActorMention& a, const PetrActorMention& b) { return a.begin < b.begin; });
  return out;
}

}  // namespace dossier::tools::events
