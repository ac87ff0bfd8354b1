#include "v6c/wire/json.hpp"

#include "v6c/wire/frames.hpp"

#include <stdexcept>

namespace v6c::wire {

using nlohmann::json;

std::string to_hex(std::span<const std::uint8_t> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s;
  s.reserve(bytes.size() * 2);
  for (auto b : bytes) {
    s += kDigits[b >> 4];
    s += kDigits[b & 0xf];
  }
  return s;
}

std::vector<std::uint8_t> from_hex(std::string_view hex) {
  if (hex.size() % 2) throw std::invalid_argument("hex string of odd length");
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    throw std::invalid_argument(std::string("not a hex digit: ") + c);
  };
  std::vector<std::uint8_t> out(hex.size() / 2);
  for (size_t i = 0; i < out.size(); ++i)
    out[i] = static_cast<std::uint8_t>(nibble(hex[2 * i]) << 4 | nibble(hex[2 * i + 1]));
  return out;
}

void to_json(json& j, const Ip6& v) { j = v.str(); }
void from_json(const json& j, Ip6& v) {
  auto a = Ip6::parse(j.get<std::string>());
  if (!a) throw std::invalid_argument("not an IPv6 address: " + j.get<std::string>());
  v = *a;
}
void to_json(json& j, const Mac& v) { j = v.str(); }
void from_json(const json& j, Mac& v) {
  auto m = Mac::parse(j.get<std::string>());
  if (!m) throw std::invalid_argument("not a MAC address: " + j.get<std::string>());
  v = *m;
}

// Message structs: field names as in the headers, byte strings as hex.
void to_json(json& j, const Departure& v) { j = {{"what", v.what}, {"offset", v.offset}, {"bytes", to_hex(v.bytes)}}; }
void from_json(const json& j, Departure& v) {
  v.what = j.at("what");
  v.offset = j.value("offset", std::size_t{0});
  v.bytes = from_hex(j.value("bytes", ""));
}

void to_json(json& j, const RawOption& v) { j = {{"type", v.type}, {"data", to_hex(v.data)}}; }
void from_json(const json& j, RawOption& v) {
  v.type = j.at("type");
  v.data = from_hex(j.at("data").get<std::string>());
}
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(RouterSolicit, source_lla, unknown)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(NeighborSolicit, target, source_lla, unknown)
void to_json(json& j, const NeighborAdvert& v) {
  j = {{"router", v.router}, {"solicited", v.solicited}, {"override", v.override_},
       {"target", v.target}, {"target_lla", v.target_lla}, {"unknown", v.unknown}};
}
void from_json(const json& j, NeighborAdvert& v) {
  v.router = j.value("router", false);
  v.solicited = j.value("solicited", false);
  v.override_ = j.value("override", false);
  v.target = j.at("target");
  v.target_lla = j.value("target_lla", std::optional<Mac>{});
  v.unknown = j.value("unknown", std::vector<RawOption>{});
}
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Redirect, target, destination, target_lla, redirected_header_bytes)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Echo, reply, id, seq, payload_bytes)
NLOHMANN_JSON_SERIALIZE_ENUM(IcmpErrorKind, {{IcmpErrorKind::dest_unreachable, "dest_unreachable"},
                                             {IcmpErrorKind::packet_too_big, "packet_too_big"},
                                             {IcmpErrorKind::time_exceeded, "time_exceeded"},
                                             {IcmpErrorKind::param_problem, "param_problem"}})
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(IcmpError, kind, code, mtu_or_pointer, invoking_src, invoking_dst,
                                                invoking_next_header, invoking_echo, quoted_bytes)
NLOHMANN_JSON_SERIALIZE_ENUM(Dhcp6Type, {{Dhcp6Type::solicit, "solicit"},
                                         {Dhcp6Type::advertise, "advertise"},
                                         {Dhcp6Type::request, "request"},
                                         {Dhcp6Type::confirm, "confirm"},
                                         {Dhcp6Type::renew, "renew"},
                                         {Dhcp6Type::rebind, "rebind"},
                                         {Dhcp6Type::reply, "reply"},
                                         {Dhcp6Type::release, "release"},
                                         {Dhcp6Type::decline, "decline"},
                                         {Dhcp6Type::reconfigure, "reconfigure"},
                                         {Dhcp6Type::information_request, "information-request"},
                                         {Dhcp6Type::relay_forw, "relay-forw"},
                                         {Dhcp6Type::relay_repl, "relay-repl"}})
void to_json(json& j, const Duid& v) {
  j = {{"type", v.type}, {"hw_type", v.hw_type}, {"time", v.time}, {"enterprise", v.enterprise},
       {"identifier", to_hex(v.identifier)}, {"raw", to_hex(v.raw)}};
}
void from_json(const json& j, Duid& v) {
  v.type = j.value("type", 0);
  v.hw_type = j.value("hw_type", 0);
  v.time = j.value("time", 0u);
  v.enterprise = j.value("enterprise", 0u);
  v.identifier = from_hex(j.value("identifier", ""));
  v.raw = from_hex(j.value("raw", ""));
}
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Dhcp6Status, code, message)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(IaAddress, address, preferred_s, valid_s, status)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(IaNa, iaid, t1_s, t2_s, addresses, status)
void to_json(json& j, const Dhcp6Option& v) { j = {{"code", v.code}, {"data", to_hex(v.data)}}; }
void from_json(const json& j, Dhcp6Option& v) {
  v.code = j.at("code");
  v.data = from_hex(j.at("data").get<std::string>());
}
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Dhcp6Message, type, transaction_id, src_port, dst_port, client_id,
                                                server_id, ia_na, status, dns_servers, domain_list, preference,
                                                rapid_commit, info_refresh_time_s, elapsed_time_cs, option_request,
                                                unknown)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Malformed, what, bytes)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(OtherPacket, next_header, icmp_type, src_port, dst_port, payload_bytes)

namespace {

// The JSON key of each message alternative, in Message's order.
constexpr const char* kKinds[] = {"malformed", "other", "rs", "ra", "ns", "na", "redirect", "echo", "icmp_error",
                                  "dhcp6"};
static_assert(std::size(kKinds) == std::variant_size_v<Message>);

template <size_t I = 0>
Message message_from(const std::string& kind, const json& body) {
  if constexpr (I == std::variant_size_v<Message>) {
    throw std::invalid_argument("unknown packet kind: " + kind);
  } else {
    if (kind == kKinds[I]) return body.get<std::variant_alternative_t<I, Message>>();
    return message_from<I + 1>(kind, body);
  }
}

}  // namespace

void to_json(json& j, const Packet& v) {
  const auto& c = v.ctx;
  j = {{"index", c.index}, {"time_us", c.time_us}, {"src_mac", c.src_mac}, {"dst_mac", c.dst_mac},
       {"src_ip", c.src_ip}, {"dst_ip", c.dst_ip}, {"hop_limit", c.hop_limit}, {"ext_headers", c.ext_headers},
       {"fragmented", c.fragmented}, {"checksum_ok", c.checksum_ok},
       {"checksum_offloaded", c.checksum_offloaded}, {"summary", describe(v.msg)}};
  if (!c.departures.empty()) j["departures"] = c.departures;
  const char* kind = kKinds[v.msg.index()];
  j["kind"] = kind;
  std::visit([&](const auto& m) { j[kind] = m; }, v.msg);
  j["raw"] = to_hex(c.raw);
}

void from_json(const json& j, Packet& v) {
  auto& c = v.ctx;
  c.index = j.value("index", 0u);
  c.time_us = j.value("time_us", std::int64_t{0});
  c.src_mac = j.at("src_mac");
  c.dst_mac = j.at("dst_mac");
  c.src_ip = j.at("src_ip");
  c.dst_ip = j.at("dst_ip");
  c.hop_limit = j.value("hop_limit", 0);
  c.ext_headers = j.value("ext_headers", std::vector<std::uint8_t>{});
  c.fragmented = j.value("fragmented", false);
  c.checksum_ok = j.value("checksum_ok", true);
  c.checksum_offloaded = j.value("checksum_offloaded", false);
  c.departures = j.value("departures", std::vector<Departure>{});
  c.raw = from_hex(j.value("raw", ""));
  std::string kind = j.at("kind");
  v.msg = message_from(kind, j.at(kind));
}

void to_json(json& j, RunStatus v) { j = v == RunStatus::ok ? "ok" : "error"; }

void from_json(const json& j, RunStatus& v) {
  const auto text = j.get<std::string>();
  if (text != "ok" && text != "error") throw std::invalid_argument("unknown status: " + text);
  v = text == "ok" ? RunStatus::ok : RunStatus::error;
}

void to_json(json& j, const ProcedureRecord& v) {
  j = {{"id", v.id}, {"kind", v.kind}, {"status", v.status}, {"started_us", v.started_us},
       {"duration_ms", v.duration_ms}};
  if (!v.error.empty()) j["error"] = v.error;
  std::visit(
      [&](const auto& r) {
        if constexpr (!std::is_same_v<std::decay_t<decltype(r)>, std::monostate>) j["result"] = r;
      },
      v.result);
}

void from_json(const json& j, ProcedureRecord& v) {
  v.id = j.at("id");
  v.kind = j.at("kind");
  j.at("status").get_to(v.status);
  v.error = j.value("error", "");
  v.started_us = j.value("started_us", std::int64_t{0});
  v.duration_ms = j.value("duration_ms", 0.0);
  v.result = std::monostate{};
  if (!j.contains("result") || j["result"].is_null()) return;
  const auto& r = j["result"];
  if (v.kind == "discover") v.result = r.get<DiscoverResult>();
  else if (v.kind == "dad") v.result = r.get<DadResult>();
  else if (v.kind == "dhcp6") v.result = r.get<Dhcp6Result>();
  else if (v.kind == "neighbor") v.result = r.get<NeighborResult>();
  else if (v.kind == "echo") v.result = r.get<EchoResult>();
  else if (v.kind == "pmtu") v.result = r.get<PmtuResult>();
  else if (v.kind == "dns") v.result = r.get<DnsResult>();
  else if (v.kind == "advertise") v.result = r.get<AdvertiseResult>();
  else if (v.kind == "attack") v.result = r.get<AttackResult>();
  else if (v.kind == "victim") v.result = r.get<VictimResult>();
  else throw std::invalid_argument("unknown procedure kind: " + v.kind);
}

std::optional<AgentReport> report_from_console(std::string_view console, std::string_view run, std::string* why) {
  const auto d = deframe(console, run);
  if (!d.payload) {
    if (why) *why = d.error;
    return std::nullopt;
  }
  try {
    return json::parse(*d.payload).get<AgentReport>();
  } catch (const std::exception& e) {
    if (why) *why = std::string("report is not a v6agent/1 document: ") + e.what();
    return std::nullopt;
  }
}

}  // namespace v6c::wire
