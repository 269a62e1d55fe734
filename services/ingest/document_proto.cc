#include "services/ingest/document_proto.h"

namespace dossier::ingest {

common::v1::DateValue ToDateValue(const PartialDate& date) {
  common::v1::DateValue value;
  value.set_year(date.year);
  value.set_month(date.month);
  value.set_day(date.day);
  return value;
}

common::v1::DocumentState ToProtoState(DocState state) {
  return static_cast<common::v1::DocumentState>(static_cast<int>(state));
}

common::v1::Document ToProtoDocument(const StoredDocument& doc, bool full) {
  common::v1::Document out;
  if (full && !doc.annotations.empty()) {
    // A blob that does not parse (it never should) leaves the annotation out
    // rather than failing the read.
    if (!out.ParseFromString(doc.annotations)) out.Clear();
  }
  out.set_id(doc.id);
  out.set_external_id(doc.external_id);
  out.set_title(doc.title);
  if (full) out.set_body(doc.body);
  out.set_url(doc.url);
  out.set_source(doc.source);
  *out.mutable_published() = ToDateValue(doc.published);
  out.set_language(doc.language);
  out.set_state(ToProtoState(doc.state));
  out.set_error(doc.error);
  out.set_received_time(doc.received_time);
  return out;
}

std::string SerializeAnnotation(const common::v1::Document& annotated) {
  common::v1::Document annotation;
  *annotation.mutable_sentences() = annotated.sentences();
  *annotation.mutable_mentions() = annotated.mentions();
  *annotation.mutable_entities() = annotated.entities();
  *annotation.mutable_events() = annotated.events();
  return annotation.SerializeAsString();
}

}  // namespace dossier::ingest
