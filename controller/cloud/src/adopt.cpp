#include "v6c/cloud/adopt.hpp"

#include "v6c/cloud/session.hpp"

namespace v6c::cloud {

using nlohmann::json;

bool create_outcome_unknown(const CloudError& e) {
  return dynamic_cast<const ServerFault*>(&e) || dynamic_cast<const RateLimited*>(&e) ||
         dynamic_cast<const Timeout*>(&e) || dynamic_cast<const Unreachable*>(&e);
}

namespace {

constexpr int kLateLooks = 3;  // lookups after a timed-out create, before it is sent again

// A create that timed out may still be running in the service (Nova records a server seconds
// later on a busy host): look again over the backoff before sending a second one, which would
// make a duplicate (or, for a server, fight the first for its port).
std::vector<json> find_made(Session& session, const CreateCall& call, const CloudError& e, int attempt) {
  auto found = call.find();
  if (!dynamic_cast<const Timeout*>(&e)) return found;
  for (int look = 1; look <= kLateLooks && found.empty(); ++look) {
    session.sleep(jittered(backoff(session.retry, attempt + look), session.jitter()));
    found = call.find();
  }
  return found;
}

}  // namespace

std::vector<json> create_or_adopt(Session& session, const Request& request, const CreateCall& call) {
  auto note = [&](int attempt, const std::string& reason) {
    if (session.retry_log) session.retry_log->add(request, attempt, reason);
  };
  for (int attempt = 1;; ++attempt) {
    try {
      return {call.create()};
    } catch (const CloudError& e) {
      if (!create_outcome_unknown(e)) throw;
      auto found = find_made(session, call, e, attempt);
      if (!found.empty()) {
        note(attempt, std::string("answer lost (") + e.what() + "): adopted " + found.front().value("id", "?"));
        return found;
      }
      if (attempt >= session.retry.max_attempts) throw;
      note(attempt, e.what());
      const auto wait = jittered(backoff(session.retry, attempt + 1), session.jitter());
      session.sleep(std::max(wait, std::min(e.retry_after(), session.retry.max_retry_after)));
    }
  }
}

bool has_attributes(const json& resource, const json& attributes) {
  for (const auto& [key, value] : attributes.items()) {
    if (!value.is_primitive() || value.is_null()) continue;
    if (!resource.contains(key) || resource.at(key) != value) return false;
  }
  return true;
}

}  // namespace v6c::cloud
