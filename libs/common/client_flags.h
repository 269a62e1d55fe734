#ifndef DOSSIER_LIBS_COMMON_CLIENT_FLAGS_H_
#define DOSSIER_LIBS_COMMON_CLIENT_FLAGS_H_

#include "libs/common/client.h"

namespace dossier {

// How a service calls other services, from its flags: TLS when --tls_ca is
// set (verifying servers against it, presenting --tls_cert/--tls_key as the
// client certificate when they are set, expecting --tls_server_name if
// given), and the token of --auth_token / --auth_token_file, the same one
// the service requires of its own callers. A bad flag is fatal: exit status
// 2 and a message naming it.
ClientSecurity ClientSecurityFromFlags();

}  // namespace dossier

#endif  // DOSSIER_LIBS_COMMON_CLIENT_FLAGS_H_
