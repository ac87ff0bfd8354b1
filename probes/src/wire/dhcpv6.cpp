// DHCPv6 (RFC 8415): decode a UDP payload into Dhcp6Message, encode it back, and build
// the frame that carries it.
//
// The option walk is our own rather than Tins::DHCPv6's: the same bounded TLV loop serves
// the message, IA_NA and IA Address levels, and it can say which option overran by how
// much. libtins still serializes the Ethernet/IPv6/UDP layers (lengths, UDP checksum).
#include "v6c/wire/dhcpv6.hpp"

#include <tins/ethernetII.h>
#include <tins/ipv6.h>
#include <tins/rawpdu.h>
#include <tins/udp.h>

#include <algorithm>
#include <array>
#include <exception>
#include <string_view>

#include "decode.hpp"
#include "proto.hpp"
#include "v6c/wire/build.hpp"

namespace v6c::wire {
namespace {

using Span = std::span<const std::uint8_t>;
// What is wrong with the bytes, if anything. Decoding reports problems as values.
using Problem = std::optional<std::string>;

// RFC 8415 §8, §9: header sizes.
constexpr std::size_t kClientHeaderBytes = 4;   // msg-type, transaction-id (24 bits)
constexpr std::size_t kRelayHeaderBytes = 34;   // msg-type, hop-count, link-address, peer-address
constexpr std::size_t kOptionHeaderBytes = 4;   // RFC 8415 §21.1: option-code, option-len
constexpr std::uint32_t kTransactionIdMask = 0xffffff;

// RFC 8415 §21 option codes (23, 24 from RFC 3646).
constexpr std::uint16_t kOptClientId = 1;
constexpr std::uint16_t kOptServerId = 2;
constexpr std::uint16_t kOptIaNa = 3;
constexpr std::uint16_t kOptIaAddr = 5;
constexpr std::uint16_t kOptOro = 6;
constexpr std::uint16_t kOptPreference = 7;
constexpr std::uint16_t kOptElapsedTime = 8;
constexpr std::uint16_t kOptStatusCode = 13;
constexpr std::uint16_t kOptRapidCommit = 14;
constexpr std::uint16_t kOptDnsServers = 23;
constexpr std::uint16_t kOptDomainList = 24;
constexpr std::uint16_t kOptInfoRefreshTime = 32;

// Fixed parts of options (RFC 8415 §21.4, §21.6, §21.13).
constexpr std::size_t kIaNaFixedBytes = 12;    // IAID, T1, T2
constexpr std::size_t kIaAddrFixedBytes = 24;  // address, preferred, valid
constexpr std::size_t kStatusFixedBytes = 2;   // status-code
constexpr std::size_t kIp6Bytes = 16;

// RFC 8415 §11: DUID types and the bytes each needs after its 2-byte type.
constexpr std::size_t kDuidTypeBytes = 2;
constexpr std::uint16_t kDuidLlt = 1, kDuidEn = 2, kDuidLl = 3, kDuidUuid = 4;  // 4: RFC 6355
constexpr std::size_t kDuidLltFixed = 6;   // hardware type, time
constexpr std::size_t kDuidEnFixed = 4;    // enterprise number
constexpr std::size_t kDuidLlFixed = 2;    // hardware type
constexpr std::size_t kUuidBytes = 16;     // RFC 6355 §4

std::string option_name(std::uint16_t code) {
  switch (code) {
    case kOptClientId: return "Client Identifier";
    case kOptServerId: return "Server Identifier";
    case kOptIaNa: return "IA_NA";
    case kOptIaAddr: return "IA Address";
    case kOptOro: return "Option Request";
    case kOptPreference: return "Preference";
    case kOptElapsedTime: return "Elapsed Time";
    case kOptStatusCode: return "Status Code";
    case kOptRapidCommit: return "Rapid Commit";
    case kOptDnsServers: return "DNS Recursive Name Server";
    case kOptDomainList: return "Domain Search List";
    case kOptInfoRefreshTime: return "Information Refresh Time";
    default: return "";
  }
}

std::string label(std::uint16_t code) {
  std::string name = option_name(code);
  return "DHCPv6 option " + std::to_string(code) + (name.empty() ? "" : " (" + name + ")");
}

std::uint16_t be16(Span b, std::size_t at) { return proto::be16(&b[at]); }
std::uint32_t be24(Span b, std::size_t at) { return proto::be24(&b[at]); }
std::uint32_t be32(Span b, std::size_t at) { return proto::be32(&b[at]); }
Ip6 ip6_at(Span b, std::size_t at) {
  Ip6 ip;
  std::copy_n(b.begin() + static_cast<std::ptrdiff_t>(at), kIp6Bytes, ip.bytes.begin());
  return ip;
}

struct Option {
  std::uint16_t code = 0;
  Span data;
};

Span payload_header(Span payload) { return payload.first(kClientHeaderBytes); }

// RFC 8415 §21.1: the one TLV walk, for the message and for options nested in IA_NA and
// IA Address. `where` names the container in problem texts.
Problem split_options(Span bytes, std::string_view where, std::vector<Option>& out) {
  std::size_t at = 0;
  while (at < bytes.size()) {
    std::size_t left = bytes.size() - at;
    if (left < kOptionHeaderBytes)
      return "DHCPv6 option header truncated in " + std::string(where) + ": " + std::to_string(left) +
             " bytes left";
    std::uint16_t code = be16(bytes, at), length = be16(bytes, at + 2);
    at += kOptionHeaderBytes;
    left -= kOptionHeaderBytes;
    if (length > left)
      return label(code) + " overruns " + std::string(where) + ": length " + std::to_string(length) + ", " +
             std::to_string(left) + " bytes left";
    out.push_back({code, bytes.subspan(at, length)});
    at += length;
  }
  return std::nullopt;
}

Problem need_exactly(const Option& o, std::size_t bytes) {
  if (o.data.size() == bytes) return std::nullopt;
  return label(o.code) + " length " + std::to_string(o.data.size()) + ", expected " + std::to_string(bytes);
}

Problem need_at_least(const Option& o, std::size_t bytes) {
  if (o.data.size() >= bytes) return std::nullopt;
  return label(o.code) + " length " + std::to_string(o.data.size()) + ", needs at least " +
         std::to_string(bytes);
}

Problem decode_duid(const Option& o, Duid& duid) {
  if (auto p = need_at_least(o, kDuidTypeBytes)) return p;
  Span d = o.data;
  duid.type = be16(d, 0);
  duid.raw.assign(d.begin(), d.end());
  std::size_t fixed = 0;
  switch (duid.type) {
    case kDuidLlt: fixed = kDuidLltFixed; break;
    case kDuidEn: fixed = kDuidEnFixed; break;
    case kDuidLl: fixed = kDuidLlFixed; break;
    case kDuidUuid: fixed = kUuidBytes; break;
    default: return std::nullopt;  // unknown DUID types keep only raw
  }
  if (d.size() < kDuidTypeBytes + fixed)
    return label(o.code) + ": DUID type " + std::to_string(duid.type) + " needs " +
           std::to_string(kDuidTypeBytes + fixed) + " bytes, has " + std::to_string(d.size());
  if (duid.type == kDuidUuid && d.size() != kDuidTypeBytes + kUuidBytes)
    return label(o.code) + ": DUID-UUID length " + std::to_string(d.size()) + ", expected " +
           std::to_string(kDuidTypeBytes + kUuidBytes);
  std::size_t id_at = kDuidTypeBytes + fixed;
  if (duid.type == kDuidLlt || duid.type == kDuidLl) duid.hw_type = be16(d, kDuidTypeBytes);
  if (duid.type == kDuidLlt) duid.time = be32(d, kDuidTypeBytes + 2);
  if (duid.type == kDuidEn) duid.enterprise = be32(d, kDuidTypeBytes);
  if (duid.type == kDuidUuid) id_at = kDuidTypeBytes;
  duid.identifier.assign(d.begin() + static_cast<std::ptrdiff_t>(id_at), d.end());
  return std::nullopt;
}

Problem decode_status(const Option& o, Dhcp6Status& status) {
  if (auto p = need_at_least(o, kStatusFixedBytes)) return p;
  status.code = be16(o.data, 0);
  status.message.assign(o.data.begin() + kStatusFixedBytes, o.data.end());
  return std::nullopt;
}

// Nested options other than Status Code (and IA Address inside IA_NA) have no place in the
// struct and are skipped, as RFC 8415 §16 lets a receiver do with options it does not know.
Problem decode_ia_address(const Option& o, IaAddress& addr) {
  if (auto p = need_at_least(o, kIaAddrFixedBytes)) return p;
  addr.address = ip6_at(o.data, 0);
  addr.preferred_s = be32(o.data, kIp6Bytes);
  addr.valid_s = be32(o.data, kIp6Bytes + 4);
  std::vector<Option> nested;
  if (auto p = split_options(o.data.subspan(kIaAddrFixedBytes), "IA Address " + addr.address.str(), nested))
    return p;
  for (const Option& n : nested) {
    if (n.code != kOptStatusCode || addr.status) continue;
    if (auto p = decode_status(n, addr.status.emplace())) return p;
  }
  return std::nullopt;
}

Problem decode_ia_na(const Option& o, IaNa& ia) {
  if (auto p = need_at_least(o, kIaNaFixedBytes)) return p;
  ia.iaid = be32(o.data, 0);
  ia.t1_s = be32(o.data, 4);
  ia.t2_s = be32(o.data, 8);
  std::vector<Option> nested;
  if (auto p = split_options(o.data.subspan(kIaNaFixedBytes), "IA_NA " + std::to_string(ia.iaid), nested))
    return p;
  for (const Option& n : nested) {
    if (n.code == kOptIaAddr) {
      if (auto p = decode_ia_address(n, ia.addresses.emplace_back())) return p;
    } else if (n.code == kOptStatusCode && !ia.status) {
      if (auto p = decode_status(n, ia.status.emplace())) return p;
    }
  }
  return std::nullopt;
}

// RFC 8415 §10: a list of uncompressed RFC 1035 names. Names are text without the
// trailing dot; the root name is ".".
Problem decode_domain_list(const Option& o, std::vector<std::string>& names) {
  std::size_t at = 0;
  while (at < o.data.size()) {
    std::string name;
    if (auto p = detail::read_plain_name(o.data, at, name)) return label(o.code) + ": " + *p + " (RFC 8415 §10)";
    names.push_back(name.empty() ? "." : name);
  }
  return std::nullopt;
}

Problem decode_ip6_list(const Option& o, std::vector<Ip6>& out) {
  if (o.data.size() % kIp6Bytes != 0)
    return label(o.code) + " length " + std::to_string(o.data.size()) + ", not a multiple of 16";
  for (std::size_t at = 0; at < o.data.size(); at += kIp6Bytes) out.push_back(ip6_at(o.data, at));
  return std::nullopt;
}

Problem decode_oro(const Option& o, std::vector<std::uint16_t>& out) {
  if (o.data.size() % 2 != 0) return label(o.code) + " length " + std::to_string(o.data.size()) + ", odd";
  for (std::size_t at = 0; at < o.data.size(); at += 2) out.push_back(be16(o.data, at));
  return std::nullopt;
}

// One top-level option into the message. An option that may appear once and appears
// again is kept in `unknown` as received, so nothing is lost and encode stays faithful.
Problem decode_option(const Option& o, Dhcp6Message& m) {
  auto keep = [&] {
    m.unknown.push_back({o.code, {o.data.begin(), o.data.end()}});
    return std::nullopt;
  };
  switch (o.code) {
    case kOptClientId:
      if (m.client_id) return keep();
      return decode_duid(o, m.client_id.emplace());
    case kOptServerId:
      if (m.server_id) return keep();
      return decode_duid(o, m.server_id.emplace());
    case kOptIaNa: return decode_ia_na(o, m.ia_na.emplace_back());
    case kOptStatusCode:
      if (m.status) return keep();
      return decode_status(o, m.status.emplace());
    case kOptDnsServers:
      if (!m.dns_servers.empty()) return keep();
      return decode_ip6_list(o, m.dns_servers);
    case kOptDomainList:
      if (!m.domain_list.empty()) return keep();
      return decode_domain_list(o, m.domain_list);
    case kOptPreference:
      if (m.preference) return keep();
      if (auto p = need_exactly(o, 1)) return p;
      m.preference = o.data[0];
      return std::nullopt;
    case kOptRapidCommit:
      if (m.rapid_commit) return keep();
      if (auto p = need_exactly(o, 0)) return p;
      m.rapid_commit = true;
      return std::nullopt;
    case kOptInfoRefreshTime:
      if (m.info_refresh_time_s) return keep();
      if (auto p = need_exactly(o, 4)) return p;
      m.info_refresh_time_s = be32(o.data, 0);
      return std::nullopt;
    case kOptElapsedTime:
      if (m.elapsed_time_cs) return keep();
      if (auto p = need_exactly(o, 2)) return p;
      m.elapsed_time_cs = be16(o.data, 0);
      return std::nullopt;
    case kOptOro:
      if (!m.option_request.empty()) return keep();
      return decode_oro(o, m.option_request);
    default: return keep();
  }
}

bool is_relay(Dhcp6Type t) { return t == Dhcp6Type::relay_forw || t == Dhcp6Type::relay_repl; }

Message decode_payload(Span payload, std::uint16_t src_port, std::uint16_t dst_port) {
  auto malformed = [&](std::string what) { return Message{Malformed{std::move(what), payload.size()}}; };
  if (payload.size() < kClientHeaderBytes)
    return malformed("DHCPv6 message of " + std::to_string(payload.size()) + " bytes, shorter than its " +
                     std::to_string(kClientHeaderBytes) + "-byte header");
  Dhcp6Message m;
  m.type = static_cast<Dhcp6Type>(payload[0]);
  m.src_port = src_port;
  m.dst_port = dst_port;
  std::vector<Option> options;
  if (is_relay(m.type)) {
    // Relay messages stay shallow: a client never receives them, so their options are
    // kept as received and the relay header (hop count, link and peer address) is dropped.
    if (payload.size() < kRelayHeaderBytes)
      return malformed("DHCPv6 " + to_string(m.type) + " of " + std::to_string(payload.size()) +
                       " bytes, shorter than its " + std::to_string(kRelayHeaderBytes) + "-byte header");
    if (auto p = split_options(payload.subspan(kRelayHeaderBytes), "message", options)) return malformed(*p);
    for (const Option& o : options) m.unknown.push_back({o.code, {o.data.begin(), o.data.end()}});
    return m;
  }
  m.transaction_id = be24(payload, 1);
  if (auto p = split_options(payload.subspan(kClientHeaderBytes), "message", options)) return malformed(*p);
  for (const Option& o : options)
    if (auto p = decode_option(o, m)) return malformed(*p);
  return m;
}

// Departures (RFC 8415 §16, §21) of a message that decoded: `at` gives an option's offset.
struct DepartureFinder {
  Span payload;
  std::vector<Departure>& out;
  std::size_t at(const Option& o) const {
    return static_cast<std::size_t>(o.data.data() - payload.data()) - kOptionHeaderBytes;
  }
  void add(const Option& o, const std::string& what) const {
    out.push_back(detail::departure(what, at(o), payload.subspan(at(o), kOptionHeaderBytes + o.data.size())));
  }
};

bool once_only(std::uint16_t code) {  // RFC 8415 Appendix C
  switch (code) {
    case kOptClientId: case kOptServerId: case kOptOro: case kOptPreference: case kOptElapsedTime:
    case kOptStatusCode: case kOptRapidCommit: case kOptDnsServers: case kOptDomainList: case kOptInfoRefreshTime:
      return true;
    default: return false;
  }
}

void ia_na_departures(const DepartureFinder& f, const Option& o) {
  if (o.data.size() < kIaNaFixedBytes) return;
  const std::uint32_t t1 = be32(o.data, 4), t2 = be32(o.data, 8);
  if (t1 > t2 && t2 > 0)
    f.add(o, "IA_NA T1 " + std::to_string(t1) + " s after T2 " + std::to_string(t2) +
                 " s: a client discards the IA_NA (RFC 8415 §21.4)");
  std::vector<Option> nested;
  if (split_options(o.data.subspan(kIaNaFixedBytes), "IA_NA", nested)) return;
  for (const Option& n : nested) {
    if (n.code != kOptIaAddr || n.data.size() < kIaAddrFixedBytes) continue;
    const std::uint32_t preferred = be32(n.data, kIp6Bytes), valid = be32(n.data, kIp6Bytes + 4);
    if (preferred > valid)
      f.add(n, "IA Address " + ip6_at(n.data, 0).str() + ": preferred lifetime " + std::to_string(preferred) +
                   " s longer than valid lifetime " + std::to_string(valid) +
                   " s: a client discards it (RFC 8415 §21.6)");
  }
}

void message_departures(const DepartureFinder& f, Dhcp6Type type, const std::vector<Option>& options) {
  const bool from_server = type == Dhcp6Type::advertise || type == Dhcp6Type::reply;
  std::vector<std::uint16_t> seen;
  for (const Option& o : options) {
    if (once_only(o.code) && std::count(seen.begin(), seen.end(), o.code))
      f.add(o, label(o.code) + " appears more than once (RFC 8415 Appendix C)");
    seen.push_back(o.code);
    if (o.code == kOptIaAddr) f.add(o, "IA Address outside an IA_NA (RFC 8415 §21.6)");
    if (o.code == kOptPreference && type != Dhcp6Type::advertise)
      f.add(o, "Preference in a " + to_string(type) + ": only an Advertise carries it (RFC 8415 §21.8)");
    if (o.code == kOptElapsedTime && from_server)
      f.add(o, "Elapsed Time in a " + to_string(type) + ": only clients send it (RFC 8415 §21.9)");
    if (o.code == kOptIaNa) ia_na_departures(f, o);
  }
  for (std::uint16_t needed : {kOptServerId, kOptClientId})
    if (from_server && !std::count(seen.begin(), seen.end(), needed))
      f.out.push_back(detail::departure(to_string(type) + " without " + option_name(needed) +
                                            ": a client discards it (RFC 8415 §16.3, §16.10)",
                                        0, payload_header(f.payload)));
}

// Encoding: a byte sink whose options patch in their own length.
class Writer {
 public:
  void u8(std::uint8_t v) { out_.push_back(v); }
  void u16(std::uint16_t v) {
    u8(static_cast<std::uint8_t>(v >> 8));
    u8(static_cast<std::uint8_t>(v));
  }
  void u24(std::uint32_t v) {
    u8(static_cast<std::uint8_t>(v >> 16));
    u16(static_cast<std::uint16_t>(v));
  }
  void u32(std::uint32_t v) {
    u16(static_cast<std::uint16_t>(v >> 16));
    u16(static_cast<std::uint16_t>(v));
  }
  void bytes(std::span<const std::uint8_t> b) { out_.insert(out_.end(), b.begin(), b.end()); }
  void text(const std::string& s) { out_.insert(out_.end(), s.begin(), s.end()); }
  void ip6(const Ip6& a) { bytes(a.bytes); }
  void zeros(std::size_t n) { out_.insert(out_.end(), n, 0); }

  template <class Body> void option(std::uint16_t code, Body&& body) {
    u16(code);
    std::size_t length_at = out_.size();
    u16(0);
    body();
    auto length = static_cast<std::uint16_t>(out_.size() - length_at - 2);
    out_[length_at] = static_cast<std::uint8_t>(length >> 8);
    out_[length_at + 1] = static_cast<std::uint8_t>(length);
  }

  Bytes take() { return std::move(out_); }

 private:
  Bytes out_;
};

// `raw` is the DUID as sent; without it the typed fields are written.
void write_duid(Writer& w, const Duid& d) {
  if (!d.raw.empty()) return w.bytes(d.raw);
  w.u16(d.type);
  switch (d.type) {
    case kDuidLlt: w.u16(d.hw_type); w.u32(d.time); break;
    case kDuidEn: w.u32(d.enterprise); break;
    case kDuidLl: w.u16(d.hw_type); break;
    default: break;
  }
  w.bytes(d.identifier);
}

void write_status(Writer& w, const Dhcp6Status& s) {
  w.option(kOptStatusCode, [&] {
    w.u16(s.code);
    w.text(s.message);
  });
}

void write_ia_na(Writer& w, const IaNa& ia) {
  w.option(kOptIaNa, [&] {
    w.u32(ia.iaid);
    w.u32(ia.t1_s);
    w.u32(ia.t2_s);
    for (const IaAddress& a : ia.addresses)
      w.option(kOptIaAddr, [&] {
        w.ip6(a.address);
        w.u32(a.preferred_s);
        w.u32(a.valid_s);
        if (a.status) write_status(w, *a.status);
      });
    if (ia.status) write_status(w, *ia.status);
  });
}

void write_domain_list(Writer& w, const std::vector<std::string>& names) {
  w.option(kOptDomainList, [&] {
    for (const std::string& name : names) {
      std::size_t start = 0;
      while (start < name.size()) {
        std::size_t dot = std::min(name.find('.', start), name.size());
        if (dot > start) {
          w.u8(static_cast<std::uint8_t>(dot - start));
          w.text(name.substr(start, dot - start));
        }
        start = dot + 1;
      }
      w.u8(0);
    }
  });
}

}  // namespace

std::string to_string(Dhcp6Type t) {
  switch (t) {  // RFC 8415 §7.3 names
    case Dhcp6Type::solicit: return "Solicit";
    case Dhcp6Type::advertise: return "Advertise";
    case Dhcp6Type::request: return "Request";
    case Dhcp6Type::confirm: return "Confirm";
    case Dhcp6Type::renew: return "Renew";
    case Dhcp6Type::rebind: return "Rebind";
    case Dhcp6Type::reply: return "Reply";
    case Dhcp6Type::release: return "Release";
    case Dhcp6Type::decline: return "Decline";
    case Dhcp6Type::reconfigure: return "Reconfigure";
    case Dhcp6Type::information_request: return "Information-request";
    case Dhcp6Type::relay_forw: return "Relay-forward";
    case Dhcp6Type::relay_repl: return "Relay-reply";
  }
  return "type " + std::to_string(static_cast<unsigned>(t));
}

bool dhcp6_answers(const Dhcp6Message& sent, const Dhcp6Message& received) {
  using T = Dhcp6Type;
  bool type_fits = false;
  switch (sent.type) {
    case T::solicit:
      // RFC 8415 §18.2.1: a Reply answers a Solicit only when both carry Rapid Commit.
      type_fits = received.type == T::advertise ||
                  (received.type == T::reply && sent.rapid_commit && received.rapid_commit);
      break;
    case T::request: case T::confirm: case T::renew: case T::rebind: case T::release: case T::decline:
    case T::information_request:
      type_fits = received.type == T::reply;
      break;
    default: return false;
  }
  // RFC 8415 §16.3, §16.10: the client discards answers without a Server Identifier, with
  // another transaction id, or whose Client Identifier is not the one it sent (or is
  // present when it sent none).
  return type_fits && received.server_id.has_value() &&
         received.transaction_id == (sent.transaction_id & kTransactionIdMask) &&
         received.client_id == sent.client_id;
}

Bytes encode_dhcp6(const Dhcp6Message& m) {
  Writer w;
  w.u8(static_cast<std::uint8_t>(m.type));
  if (is_relay(m.type))
    w.zeros(kRelayHeaderBytes - 1);
  else
    w.u24(m.transaction_id & kTransactionIdMask);
  if (m.client_id) w.option(kOptClientId, [&] { write_duid(w, *m.client_id); });
  if (m.server_id) w.option(kOptServerId, [&] { write_duid(w, *m.server_id); });
  for (const IaNa& ia : m.ia_na) write_ia_na(w, ia);
  if (m.status) write_status(w, *m.status);
  if (m.preference) w.option(kOptPreference, [&] { w.u8(*m.preference); });
  if (m.elapsed_time_cs) w.option(kOptElapsedTime, [&] { w.u16(*m.elapsed_time_cs); });
  if (!m.option_request.empty())
    w.option(kOptOro, [&] {
      for (std::uint16_t code : m.option_request) w.u16(code);
    });
  if (m.rapid_commit) w.option(kOptRapidCommit, [] {});
  if (m.info_refresh_time_s) w.option(kOptInfoRefreshTime, [&] { w.u32(*m.info_refresh_time_s); });
  if (!m.dns_servers.empty())
    w.option(kOptDnsServers, [&] {
      for (const Ip6& a : m.dns_servers) w.ip6(a);
    });
  if (!m.domain_list.empty()) write_domain_list(w, m.domain_list);
  for (const Dhcp6Option& o : m.unknown) w.option(o.code, [&] { w.bytes(o.data); });
  return w.take();
}

Bytes build_dhcp6(const Addressing& a, const Dhcp6Message& m) {
  Bytes payload = encode_dhcp6(m);
  Tins::IPv6 ip(Tins::IPv6Address(a.dst_ip.bytes.data()), Tins::IPv6Address(a.src_ip.bytes.data()));
  ip.hop_limit(a.hop_limit);
  Tins::EthernetII frame = Tins::EthernetII(Tins::HWAddress<6>(a.dst_mac.bytes.data()),
                                            Tins::HWAddress<6>(a.src_mac.bytes.data())) /
                           ip / Tins::UDP(m.dst_port, m.src_port) / Tins::RawPDU(payload.data(), payload.size());
  return frame.serialize();
}

namespace detail {

Message decode_dhcp6(std::span<const std::uint8_t> payload, std::uint16_t src_port, std::uint16_t dst_port) {
  // Nothing above reads past a checked length; the catch is the adapter's promise that
  // no exception escapes into a capture loop, whatever the bytes.
  try {
    return decode_payload(payload, src_port, dst_port);
  } catch (const std::exception& e) {
    return Malformed{std::string("DHCPv6 decode failed: ") + e.what(), payload.size()};
  }
}

std::vector<Departure> dhcp6_departures(std::span<const std::uint8_t> payload) {
  std::vector<Departure> out;
  if (payload.size() < kClientHeaderBytes) return out;
  const auto type = static_cast<Dhcp6Type>(payload[0]);
  std::vector<Option> options;
  if (is_relay(type) || split_options(payload.subspan(kClientHeaderBytes), "message", options)) return out;
  message_departures({payload, out}, type, options);
  return out;
}

}  // namespace detail
}  // namespace v6c::wire
