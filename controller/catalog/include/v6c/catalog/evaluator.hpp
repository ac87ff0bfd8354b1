// The evaluator: catalogue + facts + what the agents observed → one verdict per requirement
// per scope, and the run's result.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "v6c/catalog/catalog.hpp"
#include "v6c/catalog/checks.hpp"
#include "v6c/catalog/security.hpp"
#include "v6c/catalog/verdict.hpp"
#include "v6c/model/facts.hpp"
#include "v6c/wire/results.hpp"

namespace v6c::catalog {

inline constexpr std::string_view kResultSchema = "v6conform-result/1";

struct Observations {
  std::map<std::string, wire::AgentReport> agents;       // by host (the port's name)
  std::map<std::string, SecurityObservations> security;  // by network name
  std::map<std::string, std::string> pcaps;              // host → capture path; default "<host>.pcap"
  std::string external_host = "external";                // the agent outside the cloud, if it ran
  std::string external_why_not;                          // why it did not (north-south-in says so)
  std::optional<FarSeen> far_seen;                       // what reached the external target
  std::string far_why_not;                               // why nobody watched there (north-south-out says so)
  // The lab's capture of the errors its router sent; unset: a control VM's report, if any.
  std::optional<ErrorsSent> errors_sent;
  std::string errors_sent_why_not;
};

struct Summary {
  int pass = 0, fail = 0, warn = 0, skip = 0, error = 0;
  int not_measured = 0;       // of the skips: applied, but not run or only partly measured
  int must_not_met = 0;       // MUSTs that are FAIL, ERROR, or SKIP not measured
  int must_not_measured = 0;  // of those, ERROR or SKIP not measured
  int total() const { return pass + fail + warn + skip + error; }
  // Every MUST that applies was measured and met: the only case that says "every MUST met".
  bool every_must_met() const { return must_not_met == 0; }
};

// A cloud API call that was sent more than once, or whose lost answer was made good.
struct ApiRetry {
  std::string method, path;
  int attempt = 0;     // the attempt that failed
  std::string reason;  // "503 Service Unavailable", "answer lost (…): adopted <id>"
};

struct Result {
  std::string tool_version;
  std::string catalog_version, catalog_file, scs_draft_prefix;
  std::string started, finished;  // ISO 8601 UTC
  model::Facts facts;
  std::vector<Verdict> verdicts;
  Summary summary;
  std::vector<ApiRetry> api_retries;  // `v6conform run` only; written when not empty
};

// One requirement over one scope (the unit the tests drive).
Verdict evaluate_requirement(const Catalog& c, const Requirement& r, const CheckInput& in, const Scope& scope);
// Every enabled requirement over every scope it applies to.
Result evaluate(const Catalog& c, const model::Facts& f, const Observations& obs);

Summary summarize(const std::vector<Verdict>& verdicts);

std::string iso8601_utc(std::int64_t time_us);
std::int64_t now_us();

void to_json(nlohmann::json& j, const Frame& v);
void from_json(const nlohmann::json& j, Frame& v);
void to_json(nlohmann::json& j, const Evidence& v);
void from_json(const nlohmann::json& j, Evidence& v);
void to_json(nlohmann::json& j, const Verdict& v);
void from_json(const nlohmann::json& j, Verdict& v);
void to_json(nlohmann::json& j, const Summary& v);
void to_json(nlohmann::json& j, const ApiRetry& v);
void from_json(const nlohmann::json& j, ApiRetry& v);
void to_json(nlohmann::json& j, const Result& v);
// Throws std::runtime_error naming the field when the document is not a v6conform-result/1.
void from_json(const nlohmann::json& j, Result& v);

}  // namespace v6c::catalog
