#include "services/query/event_sql.h"

#include <algorithm>
#include <limits>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace dossier::query {

std::string SqlDialect::Table(std::string_view name) const {
  return absl::StrCat(postgres ? "query_" : "", absl::string_view(name.data(), name.size()));
}

std::string PrefixUpperBound(const std::string& prefix) {
  std::string upper = prefix;
  upper.back() = static_cast<char>(upper.back() + 1);
  return upper;
}

namespace {

// Where the scan starts: the index that yields the matches in list order
// with the fewest rows read.
enum class Driver { kDocument, kPair, kActor, kOther, kRoot, kQuad, kOrder };

bool Keyed(const EventActorFilter& actor) { return actor.entity || actor.value.size() % 3 == 0; }

class Builder {
 public:
  Builder(const EventFilter& filter, const SqlDialect& dialect) : filter_(filter), d_(dialect) {
    if (!filter.document_id.empty()) {
      driver_ = Driver::kDocument;
    } else if (filter.actor && filter.other && filter.actor->entity && filter.other->entity &&
               filter.actor->value != filter.other->value) {
      driver_ = Driver::kPair;
    } else if (filter.actor && Keyed(*filter.actor)) {
      driver_ = Driver::kActor;
    } else if (filter.other && Keyed(*filter.other)) {
      driver_ = Driver::kOther;
    } else if (!filter.cameo_prefix.empty()) {
      driver_ = Driver::kRoot;
    } else if (filter.quad_class != 0) {
      driver_ = Driver::kQuad;
    } else {
      driver_ = Driver::kOrder;
    }
    const bool by_actor = driver_ == Driver::kPair || driver_ == Driver::kActor || driver_ == Driver::kOther;
    order_column_ = by_actor ? "a.order_key" : "e.order_key";
    id_column_ = by_actor ? "a.id" : "e.id";
  }

  std::string Text(std::string value) {
    params_.push_back(SqlParam{true, 0, std::move(value)});
    return d_.postgres ? absl::StrCat("$", params_.size()) : absl::StrCat("?", params_.size());
  }
  std::string Number(int64_t value) {
    params_.push_back(SqlParam{false, value, {}});
    return d_.postgres ? absl::StrCat("$", params_.size(), "::bigint") : absl::StrCat("?", params_.size());
  }

  // FROM ... WHERE ... (without ORDER BY). `count_only`: the events table is
  // joined only when a condition needs it.
  std::string FromWhere(const EventRef* after, bool count_only = false) {
    const std::string events = d_.Table("events");
    // SQLite: CROSS JOIN keeps the driving table outermost; INDEXED BY
    // pins the index that yields list order.
    const std::string join = d_.postgres ? " JOIN " : " CROSS JOIN ";
    std::string from;
    std::string join_events;
    std::vector<std::string> where;
    std::vector<std::string>& e_where = e_where_;
    switch (driver_) {
      case Driver::kDocument:
        from = absl::StrCat(" FROM ", d_.Table("event_docs"), " x");
        join_events = absl::StrCat(join, events, " e ON e.event_key = x.event_key");
        where.push_back(absl::StrCat("x.", d_.DocColumn(), " = (SELECT ", d_.DocColumn(), " FROM ",
                                     d_.Table("documents"), " WHERE id = ", Text(filter_.document_id), ")"));
        break;
      case Driver::kPair: {
        from = absl::StrCat(" FROM ", d_.Table("event_actors"), " a");
        join_events = absl::StrCat(join, events, " e ON e.event_key = a.event_key");
        where.push_back(absl::StrCat("a.kind = ", Number(kActorKeyPair)));
        where.push_back(
            absl::StrCat("a.actor_key = ", Text(PairKey(filter_.actor->value, filter_.other->value))));
        if (filter_.side == 2 || filter_.side == 3) {
          // The sides are those of the smaller id.
          const bool actor_first = filter_.actor->value < filter_.other->value;
          const bool source = (filter_.side == 2) == actor_first;
          where.push_back(absl::StrCat("(a.sides & ", Number(source ? 1 : 2), ") <> 0"));
        }
        break;
      }
      case Driver::kActor:
      case Driver::kOther: {
        const EventActorFilter& key = driver_ == Driver::kActor ? *filter_.actor : *filter_.other;
        from = absl::StrCat(" FROM ", d_.Table("event_actors"), " a");
        join_events = absl::StrCat(join, events, " e ON e.event_key = a.event_key");
        where.push_back(absl::StrCat("a.kind = ", Number(key.entity ? kActorKeyEntity : kActorKeyCode)));
        where.push_back(absl::StrCat("a.actor_key = ", Text(key.value)));
        break;
      }
      case Driver::kRoot:
        from = absl::StrCat(" FROM ", events, " e", d_.postgres ? "" : " INDEXED BY events_by_root");
        break;
      case Driver::kQuad:
        from = absl::StrCat(" FROM ", events, " e", d_.postgres ? "" : " INDEXED BY events_by_quad");
        break;
      case Driver::kOrder:
        from = absl::StrCat(" FROM ", events, " e");
        break;
    }
    if (filter_.actor && driver_ != Driver::kPair) {
      const bool driven = driver_ == Driver::kActor;
      if (filter_.other) {
        const EventActorFilter& a = *filter_.actor;
        const EventActorFilter& b = *filter_.other;
        // Only the parameters of the tests used are added.
        const auto forward = [&] { return absl::StrCat(Side(a, "source"), " AND ", Side(b, "target")); };
        const auto backward = [&] { return absl::StrCat(Side(a, "target"), " AND ", Side(b, "source")); };
        if (filter_.side == 2) {
          e_where.push_back(forward());
        } else if (filter_.side == 3) {
          e_where.push_back(backward());
        } else {
          const std::string first = forward();
          e_where.push_back(absl::StrCat("((", first, ") OR (", backward(), "))"));
        }
      } else if (driven && filter_.side != 0) {
        where.push_back(absl::StrCat("(a.sides & ", Number(filter_.side == 2 ? 1 : 2), ") <> 0"));
      } else if (filter_.side == 2) {
        e_where.push_back(Side(*filter_.actor, "source"));
      } else if (filter_.side == 3) {
        e_where.push_back(Side(*filter_.actor, "target"));
      } else if (!driven) {
        e_where.push_back(
            absl::StrCat("(", Side(*filter_.actor, "source"), " OR ", Side(*filter_.actor, "target"), ")"));
      }
    }
    // Actor rows carry the code, QuadClass and latest date: tested there
    // when they drive.
    const bool by_actor = driver_ == Driver::kPair || driver_ == Driver::kActor || driver_ == Driver::kOther;
    std::vector<std::string>& column_where = by_actor ? where : e_where;
    const std::string t = by_actor ? "a." : "e.";
    if (!filter_.cameo_prefix.empty()) {
      if (!by_actor)
        e_where.push_back(absl::StrCat("e.root_code = ", Text(filter_.cameo_prefix.substr(0, 2))));
      if (by_actor || filter_.cameo_prefix.size() > 2) {
        column_where.push_back(absl::StrCat(t, "code >= ", Text(filter_.cameo_prefix), " AND ", t, "code < ",
                                            Text(PrefixUpperBound(filter_.cameo_prefix))));
      }
    }
    if (filter_.quad_class != 0) {
      column_where.push_back(absl::StrCat(t, "quad_class = ", Number(filter_.quad_class)));
    }
    int lo = filter_.order_lo;
    int hi = filter_.order_hi;
    if (filter_.range.active) {
      // A date D is in the range when LatestKey(D) >= from_key and
      // EarliestKey(D) <= to_key. The second is exactly SortKey(D) <= to_key
      // (to_key is a whole day); the first holds for every SortKey from the
      // range's first year on when from_key is a 1 January, and needs the
      // date's bounds otherwise.
      lo = std::max(lo, std::max(10000, filter_.range.from_key / 10000 * 10000));
      hi = std::min(hi, filter_.range.to_key);
      if (filter_.range.from_key % 10000 != 101 && filter_.range.from_key > 0) {
        column_where.push_back(absl::StrCat(t, "date_hi >= ", Number(filter_.range.from_key)));
      }
    }
    // Bounds and keyset on the driving table's order columns.
    std::vector<std::string>& order_where = driver_ == Driver::kDocument ? e_where : where;
    if (lo > 0) order_where.push_back(absl::StrCat(order_column_, " >= ", Number(lo)));
    if (hi < std::numeric_limits<int>::max()) {
      order_where.push_back(absl::StrCat(order_column_, " <= ", Number(hi)));
    }
    if (after != nullptr) {
      order_where.push_back(absl::StrCat("(", order_column_, ", ", id_column_, ") > (",
                                         Number(after->order_key), ", ", Text(after->id), ")"));
    }
    if (!join_events.empty() && (!count_only || !e_where.empty())) absl::StrAppend(&from, join_events);
    where.insert(where.end(), e_where.begin(), e_where.end());
    return absl::StrCat(from, where.empty() ? "" : " WHERE ", absl::StrJoin(where, " AND "));
  }

  std::string OrderBy() const { return absl::StrCat(" ORDER BY ", order_column_, ", ", id_column_); }

  std::vector<SqlParam> TakeParams() { return std::move(params_); }

 private:
  // The test that `actor` is on `side` ("source" or "target").
  std::string Side(const EventActorFilter& actor, const std::string& side) {
    if (actor.entity) return absl::StrCat("e.", side, "_entity = ", Text(actor.value));
    return absl::StrCat("(e.", side, "_code >= ", Text(actor.value), " AND e.", side, "_code < ",
                        Text(PrefixUpperBound(actor.value)), ")");
  }

  const EventFilter& filter_;
  const SqlDialect& d_;
  Driver driver_ = Driver::kOrder;
  std::string order_column_;
  std::string id_column_;
  std::vector<std::string> e_where_;  // conditions on the events table
  std::vector<SqlParam> params_;
};

}  // namespace

BuiltSql CountEventsSql(const EventFilter& filter, const SqlDialect& dialect) {
  Builder builder(filter, dialect);
  BuiltSql out;
  out.sql = absl::StrCat("SELECT COUNT(*)", builder.FromWhere(nullptr, /*count_only=*/true));
  out.params = builder.TakeParams();
  return out;
}

BuiltSql ScanEventsSql(const EventFilter& filter, const SqlDialect& dialect, const EventRef* after,
                       int64_t offset, int limit) {
  Builder builder(filter, dialect);
  BuiltSql out;
  out.sql = absl::StrCat("SELECT e.event_key, e.order_key, e.id, e.first_doc", builder.FromWhere(after),
                         builder.OrderBy());
  absl::StrAppend(&out.sql, " LIMIT ", builder.Number(limit), " OFFSET ", builder.Number(offset));
  out.params = builder.TakeParams();
  return out;
}

}  // namespace dossier::query
