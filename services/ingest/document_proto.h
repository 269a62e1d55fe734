#ifndef DOSSIER_SERVICES_INGEST_DOCUMENT_PROTO_H_
#define DOSSIER_SERVICES_INGEST_DOCUMENT_PROTO_H_

#include "dossier/common/v1/common.pb.h"
#include "services/ingest/date_parser.h"
#include "services/ingest/document_store.h"

namespace dossier::ingest {

// Conversions between stored documents and dossier.common.v1 messages
// (protobuf only, no gRPC).

common::v1::DateValue ToDateValue(const PartialDate& date);
common::v1::DocumentState ToProtoState(DocState state);

// The document as the API shows it. With `full`, the body and the stored
// annotation (sentences, mentions, entities, events) are included; without,
// only the metadata and state (for lists).
common::v1::Document ToProtoDocument(const StoredDocument& doc, bool full);

// The annotation part of `annotated` (sentences, mentions, entities,
// events), serialized for DocumentStore::MarkAnnotated.
std::string SerializeAnnotation(const common::v1::Document& annotated);

}  // namespace dossier::ingest

#endif  // DOSSIER_SERVICES_INGEST_DOCUMENT_PROTO_H_
