#ifndef DOSSIER_SERVICES_QUERY_EVENT_SQL_H_
#define DOSSIER_SERVICES_QUERY_EVENT_SQL_H_

// The SQL of event reads, shared by the SQLite and PostgreSQL backends
// (internal to the query service). Both keep the same event tables (events,
// event_actors, event_docs, event_mentions; query_ prefixed on PostgreSQL),
// so one builder serves both; user values only travel as parameters.

#include <cstdint>
#include <string>
#include <vector>

#include "services/query/index_backend.h"

namespace dossier::query {

struct SqlDialect {
  bool postgres = false;
  // "events" or "query_events".
  std::string Table(std::string_view name) const;
  // The documents' key column: "doc_rowid" or "doc_id".
  std::string DocColumn() const { return postgres ? "doc_id" : "doc_rowid"; }
};

struct SqlParam {
  bool is_text = false;
  int64_t number = 0;
  std::string text;
};

struct BuiltSql {
  std::string sql;
  std::vector<SqlParam> params;
};

// SELECT COUNT(*) of the events matching `filter`.
BuiltSql CountEventsSql(const EventFilter& filter, const SqlDialect& dialect);

// SELECT event_key, order_key, id, first_doc of the events matching
// `filter` in (order_key, id) order, after `after` (when not null), with
// LIMIT `limit` OFFSET `offset`.
BuiltSql ScanEventsSql(const EventFilter& filter, const SqlDialect& dialect, const EventRef* after,
                       int64_t offset, int limit);

// The smallest string greater than every string starting with `prefix`
// (its last byte incremented); `prefix` is non-empty ASCII without 0x7f.
std::string PrefixUpperBound(const std::string& prefix);

}  // namespace dossier::query

#endif  // DOSSIER_SERVICES_QUERY_EVENT_SQL_H_
