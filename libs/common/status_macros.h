#ifndef DOSSIER_LIBS_COMMON_STATUS_MACROS_H_
#define DOSSIER_LIBS_COMMON_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

// Abseil 20220623 has no status macros of its own; these two are used
// everywhere in Dossier.

// Returns from the enclosing function if `expr` (an absl::Status) is not OK.
#define RETURN_IF_ERROR(expr)                          \
  do {                                                 \
    ::absl::Status dossier_status_ = (expr);           \
    if (!dossier_status_.ok()) return dossier_status_; \
  } while (0)

#define DOSSIER_CONCAT_INNER_(a, b) a##b
#define DOSSIER_CONCAT_(a, b) DOSSIER_CONCAT_INNER_(a, b)

// `ASSIGN_OR_RETURN(auto x, FunctionReturningStatusOr())` declares/assigns
// the value or returns the error from the enclosing function.
#define ASSIGN_OR_RETURN(lhs, expr) \
  DOSSIER_ASSIGN_OR_RETURN_IMPL_(DOSSIER_CONCAT_(dossier_statusor_, __LINE__), lhs, expr)

#define DOSSIER_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, expr) \
  auto statusor = (expr);                                   \
  if (!statusor.ok()) return std::move(statusor).status();  \
  lhs = std::move(statusor).value()

#endif  // DOSSIER_LIBS_COMMON_STATUS_MACROS_H_
