// The saved result of a run: schema "v6conform-result/1" (docs/result-schema.json).
#include <stdexcept>

#include "v6c/catalog/evaluator.hpp"

namespace v6c::catalog {

using nlohmann::json;

void to_json(json& j, const Frame& v) {
  j = json{{"time_us", v.time_us}, {"packet", v.packet},   {"from", v.from},       {"to", v.to},
           {"from_mac", v.from_mac}, {"to_mac", v.to_mac}, {"message", v.message}, {"reported", v.reported}};
}

void from_json(const json& j, Frame& v) {
  v.time_us = j.value("time_us", std::int64_t{0});
  v.packet = j.value("packet", 0u);
  j.at("from").get_to(v.from);
  j.at("to").get_to(v.to);
  v.from_mac = j.value("from_mac", std::string());
  v.to_mac = j.value("to_mac", std::string());
  j.at("message").get_to(v.message);
  v.reported = j.value("reported", false);
}

void to_json(json& j, const Evidence& v) {
  j = json{{"host", v.host},       {"procedure", v.procedure}, {"pcap", v.pcap},     {"packet", v.packet},
           {"time_us", v.time_us}, {"summary", v.summary},     {"decoded", v.decoded}, {"exchange", v.exchange}};
}

void from_json(const json& j, Evidence& v) {
  v.host = j.value("host", std::string());
  v.procedure = j.value("procedure", std::string());
  v.pcap = j.value("pcap", std::string());
  v.packet = j.value("packet", 0u);
  v.time_us = j.value("time_us", std::int64_t{0});
  j.at("summary").get_to(v.summary);
  v.decoded = j.value("decoded", std::string());
  v.exchange = j.value("exchange", std::vector<Frame>{});  // results before the ladder diagrams have none
}

void to_json(json& j, const Verdict& v) {
  json scope = v.scope.global() ? json{{"kind", "global"}} : json{{"kind", "network"}, {"network", v.scope.network}};
  if (!v.scope.global() && v.scope.mode) scope["mode"] = *v.scope.mode;
  j = json{{"id", v.id},         {"level", to_string(v.level)},   {"section", to_string(v.section)},
           {"source", v.source}, {"text", v.text},                {"scope", scope},
           {"status", to_string(v.status)}, {"expected", v.expected}, {"actual", v.actual},
           {"reason", v.reason}, {"evidence", v.evidence}};
  if (!v.scs_id.empty()) j["scs_id"] = v.scs_id;
  if (v.not_measured) j["not_measured"] = true;
}

namespace {

template <class E, class Parse>
E enum_field(const json& j, const char* key, Parse parse) {
  const auto text = j.at(key).get<std::string>();
  auto value = parse(text);
  if (!value) throw std::runtime_error(std::string("field '") + key + "': unknown value '" + text + "'");
  return *value;
}

}  // namespace

void from_json(const json& j, Verdict& v) {
  j.at("id").get_to(v.id);
  v.level = enum_field<Level>(j, "level", parse_level);
  v.section = enum_field<Section>(j, "section", parse_section);
  v.source = j.value("source", std::string());
  v.text = j.value("text", std::string());
  v.scs_id = j.value("scs_id", std::string());
  const auto& scope = j.at("scope");
  if (scope.at("kind").get<std::string>() == "network") {
    scope.at("network").get_to(v.scope.network);
    if (scope.contains("mode")) v.scope.mode = scope.at("mode").get<model::Mode>();
  } else {
    v.scope = Scope{};
  }
  v.status = enum_field<Status>(j, "status", parse_status);
  v.expected = j.value("expected", std::string());
  v.actual = j.value("actual", std::string());
  v.reason = j.value("reason", std::string());
  v.evidence = j.value("evidence", std::vector<Evidence>{});
  v.not_measured = v.status == Status::skip && j.value("not_measured", false);
}

void to_json(json& j, const Summary& v) {
  j = json{{"pass", v.pass},   {"fail", v.fail},       {"warn", v.warn},
           {"skip", v.skip},   {"error", v.error},     {"total", v.total()},
           {"not_measured", v.not_measured}, {"must_not_met", v.must_not_met},
           {"must_not_measured", v.must_not_measured}, {"every_must_met", v.every_must_met()}};
}

void to_json(json& j, const ApiRetry& v) {
  j = json{{"method", v.method}, {"path", v.path}, {"attempt", v.attempt}, {"reason", v.reason}};
}

void from_json(const json& j, ApiRetry& v) {
  j.at("method").get_to(v.method);
  j.at("path").get_to(v.path);
  j.at("attempt").get_to(v.attempt);
  j.at("reason").get_to(v.reason);
}

void to_json(json& j, const Result& v) {
  const auto summary = summarize(v.verdicts);
  // The schema's exit_code: 0 when every MUST was met, else 1, as the commands exit.
  j = json{{"schema", kResultSchema},
           {"tool", {{"name", "v6conform"}, {"version", v.tool_version}}},
           {"catalog", {{"version", v.catalog_version}, {"file", v.catalog_file}, {"scs_draft_prefix", v.scs_draft_prefix}}},
           {"started", v.started},
           {"finished", v.finished},
           {"facts", v.facts},
           {"verdicts", v.verdicts},
           {"summary", summary},
           {"exit_code", summary.every_must_met() ? 0 : 1}};
  if (!v.api_retries.empty()) j["api_retries"] = v.api_retries;
}

void from_json(const json& j, Result& v) {
  if (!j.is_object()) throw std::runtime_error("not a JSON object");
  const auto schema = j.value("schema", std::string());
  if (schema != kResultSchema)
    throw std::runtime_error("field 'schema': '" + schema + "' is not " + std::string(kResultSchema));
  j.at("tool").at("version").get_to(v.tool_version);
  const auto& cat = j.at("catalog");
  v.catalog_version = cat.value("version", std::string());
  v.catalog_file = cat.value("file", std::string());
  v.scs_draft_prefix = cat.value("scs_draft_prefix", std::string());
  j.at("started").get_to(v.started);
  j.at("finished").get_to(v.finished);
  j.at("facts").get_to(v.facts);
  const auto& verdicts = j.at("verdicts");
  if (!verdicts.is_array()) throw std::runtime_error("field 'verdicts': not a list");
  v.verdicts.clear();
  for (std::size_t i = 0; i < verdicts.size(); ++i) {
    try {
      v.verdicts.push_back(verdicts[i].get<Verdict>());
    } catch (const std::exception& e) {
      throw std::runtime_error("verdicts[" + std::to_string(i) + "]: " + e.what());
    }
  }
  v.api_retries = j.value("api_retries", std::vector<ApiRetry>{});
  v.summary = summarize(v.verdicts);  // recomputed, never trusted from the file
}

}  // namespace v6c::catalog
