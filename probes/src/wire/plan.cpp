#include "v6c/wire/plan.hpp"

#include <set>
#include <type_traits>
#include <utility>

#include "v6c/wire/json.hpp"

namespace v6c::wire {
namespace {

using nlohmann::json;

// A member its JSON must have.
template <class T>
struct Required {
  T& member;
};
template <class T>
Required<T> required(T& member) {
  return {member};
}

// Calls f(key, member, required) for each pair of key and member.
template <class F>
void each(F&) {}
template <class F, class T, class... Rest>
void each(F& f, const char* key, T& member, Rest&&... rest) {
  f(key, member, false);
  each(f, std::forward<Rest>(rest)...);
}
template <class F, class T, class... Rest>
void each(F& f, const char* key, Required<T> r, Rest&&... rest) {
  f(key, r.member, true);
  each(f, std::forward<Rest>(rest)...);
}

// Each struct's fields and their JSON keys, written once.

template <class F>
void fields(DiscoverSpec& s, F&& f) {
  each(f, "passive", s.passive, "window_ms", s.window_ms, "rs_count", s.rs_count, "rs_interval_ms", s.rs_interval_ms,
       "stop_at_first", s.stop_at_first, "settle_ms", s.settle_ms);
}

template <class F>
void fields(DadSpec& s, F&& f) {
  each(f, "prefix", required(s.prefix), "prefix_length", s.prefix_length, "transmits", s.transmits, "retrans_ms",
       s.retrans_ms);
}

template <class F>
void fields(Dhcp6Spec& s, F&& f) {
  each(f, "stateful", s.stateful, "timeout_ms", s.timeout_ms, "retries", s.retries);
}

template <class F>
void fields(NeighborSpec& s, F&& f) {
  each(f, "target", required(s.target), "source", s.source, "timeout_ms", s.timeout_ms, "attempts", s.attempts);
}

template <class F>
void fields(EchoSpec& s, F&& f) {
  each(f, "target", required(s.target), "source", s.source, "gateway", s.gateway, "size", s.size, "hop_limit",
       s.hop_limit, "count", s.count, "interval_ms", s.interval_ms, "timeout_ms", s.timeout_ms, "retry_after_ms",
       s.retry_after_ms, "patience_ms", s.patience_ms);
}

template <class F>
void fields(PmtuSpec& s, F&& f) {
  each(f, "target", required(s.target), "source", s.source, "gateway", s.gateway, "sizes", s.sizes, "timeout_ms",
       s.timeout_ms);
}

template <class F>
void fields(DnsSpec& s, F&& f) {
  each(f, "server", required(s.server), "name", required(s.name), "source", s.source, "gateway", s.gateway,
       "timeout_ms", s.timeout_ms);
}

template <class F>
void fields(AdvertiseSpec& s, F&& f) {
  each(f, "ra", required(s.ra), "add_source_lla", s.add_source_lla, "interval_ms", s.interval_ms, "duration_ms",
       s.duration_ms, "answer_rs", s.answer_rs, "answer_delay_ms", s.answer_delay_ms);
}

template <class F>
void fields(AttackPermission& s, F&& f) {
  each(f, "allowed_interface", s.allowed_interface);
}

template <class F>
void fields(AttackSpec& s, F&& f) {
  each(f, "attack", s.attack, "attacks", s.attacks, "victim_mac", required(s.victim_mac), "victim_link_local",
       s.victim_link_local, "victim_address", s.victim_address, "source", s.source, "gateway", s.gateway,
       "spoofed_source", s.spoofed_source, "count", s.count, "wait_ms", s.wait_ms);
}

template <class F>
void fields(VictimSpec& s, F&& f) {
  each(f, "attacker_mac", required(s.attacker_mac), "attacker_link_local", s.attacker_link_local, "attacker_address",
       s.attacker_address, "address", s.address, "gateway", s.gateway, "listen_ms", s.listen_ms, "linger_ms",
       s.linger_ms, "ra_wait_ms", s.ra_wait_ms);
}

template <class F>
void fields(Plan& s, F&& f) {
  each(f, "host", s.host, "interface", s.interface, "procedures", required(s.procedures), "answer_echo", s.answer_echo,
       "serve_ms", s.serve_ms, "run", s.run, "after", s.after);
}

template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};

// Every field; an empty optional is left out (its absence is its meaning).
template <class S>
void write_fields(json& j, const S& s) {
  fields(const_cast<S&>(s), [&](const char* key, const auto& v, bool) {
    if constexpr (is_optional<std::decay_t<decltype(v)>>::value) {
      if (v) j[key] = *v;
    } else {
      j[key] = v;
    }
  });
}

// `where` names the object in messages ("procedure 'dns'"); `also` are keys its caller reads.
template <class S>
void read_fields(const json& j, S& s, const std::string& where, const std::set<std::string>& also = {}) {
  if (!j.is_object()) throw PlanError(where + " is not a JSON object");
  std::set<std::string> known = also;
  fields(s, [&](const char* key, auto&, bool) { known.insert(key); });
  for (const auto& item : j.items())
    if (!known.contains(item.key())) throw PlanError(where + ": unknown parameter '" + item.key() + "'");
  fields(s, [&](const char* key, auto& v, bool required) {
    const auto it = j.find(key);
    if (it == j.end()) {
      if (required) throw PlanError(where + " needs parameter '" + key + "'");
      return;
    }
    try {
      it->get_to(v);
    } catch (const PlanError&) {
      throw;  // from a nested object: it names itself
    } catch (const std::exception& e) {
      throw PlanError(where + ": parameter '" + key + "' has the wrong type or value (" + e.what() + ")");
    }
  });
}

template <class S>
bool read_kind(const json& j, std::string_view kind, Procedure& p) {
  if (kind != S::kKind) return false;
  S s;
  read_fields(j, s, "procedure '" + p.id + "'", {"id", "kind"});
  p.spec = std::move(s);
  return true;
}

template <std::size_t... I>
bool read_any_kind(const json& j, std::string_view kind, Procedure& p, std::index_sequence<I...>) {
  return (read_kind<std::variant_alternative_t<I, ProcedureSpec>>(j, kind, p) || ...);
}

}  // namespace

std::string_view Procedure::kind() const {
  return std::visit([](const auto& s) { return s.kKind; }, spec);
}

void to_json(json& j, const AttackPermission& p) {
  j = json::object();
  write_fields(j, p);
}
void from_json(const json& j, AttackPermission& p) {
  read_fields(j, p, "the attack permission");
}

void to_json(json& j, const Procedure& p) {
  j = json::object();
  std::visit([&](const auto& s) { write_fields(j, s); }, p.spec);
  j["kind"] = p.kind();
  j["id"] = p.id.empty() ? std::string(p.kind()) : p.id;
}

void from_json(const json& j, Procedure& p) {
  if (!j.is_object() || !j.contains("kind") || !j["kind"].is_string())
    throw PlanError("every procedure needs a \"kind\"");
  const auto kind = j["kind"].get<std::string>();
  if (j.contains("id") && !j["id"].is_string()) throw PlanError("a procedure's \"id\" is a string");
  p.id = j.value("id", kind);
  if (!read_any_kind(j, kind, p, std::make_index_sequence<std::variant_size_v<ProcedureSpec>>{}))
    throw PlanError("unknown procedure kind \"" + kind + "\"");
}

void to_json(json& j, const Plan& p) {
  j = json::object();
  write_fields(j, p);
  j["schema"] = kPlanSchema;
}

void from_json(const json& j, Plan& p) {
  if (!j.is_object()) throw PlanError("a plan is a JSON object");
  const auto schema = j.find("schema");
  if (schema == j.end() || !schema->is_string() || schema->get<std::string>() != kPlanSchema)
    throw PlanError("plan schema must be \"" + std::string(kPlanSchema) + "\"");
  p = Plan{};
  read_fields(j, p, "the plan", {"schema"});
  std::set<std::string> ids;
  for (const auto& proc : p.procedures)
    if (!ids.insert(proc.id).second) throw PlanError("duplicate procedure id \"" + proc.id + "\"");
}

}  // namespace v6c::wire
