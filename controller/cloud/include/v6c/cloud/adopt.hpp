// Creates that survive a lost answer. A POST is never simply sent again: the cloud may have
// made the resource before the answer (or the connection) was lost. After a failure that
// leaves this open, the client looks for what the create would have made (by its unique name,
// or by its identifying attributes when it has none): found, it is adopted; not found, nothing
// was made and the create is sent again. So there is no duplicate and nothing untracked.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "v6c/cloud/errors.hpp"
#include "v6c/cloud/http.hpp"

namespace v6c::cloud {

class Session;

// Whether a create that failed so may still have happened: no answer (Timeout, Unreachable),
// or a 5xx or rate limit that a proxy or the API may have sent after acting. A 4xx other than
// these is the cloud's refusal: nothing was made.
bool create_outcome_unknown(const CloudError& e);

struct CreateCall {
  std::function<nlohmann::json()> create;                   // the POST; the resource it made
  std::function<std::vector<nlohmann::json>()> find;        // what that POST would have made
};

// The resources to register: the created one, or after a lost answer what find() returned
// (more than one only if an earlier create made one that find() did not see). Retries within
// session.retry.max_attempts, waiting the jittered backoff or the answer's Retry-After; the
// last error is rethrown. Every retry and adoption goes to session.retry_log.
std::vector<nlohmann::json> create_or_adopt(Session& session, const Request& request, const CreateCall& call);

// Whether `resource` has every scalar (string, number, bool) attribute of `attributes`.
bool has_attributes(const nlohmann::json& resource, const nlohmann::json& attributes);

}  // namespace v6c::cloud
