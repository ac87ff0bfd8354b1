#include "nd_options.hpp"

#include <tins/exceptions.h>

#include <algorithm>

#include "decode.hpp"
#include "proto.hpp"

namespace v6c::wire::detail {
namespace {

// ND option types (RFC 4861 §4.6, RFC 4191 §2.3, RFC 8106 §5).
constexpr std::uint8_t kOptSourceLla = 1, kOptTargetLla = 2, kOptPrefix = 3, kOptRedirected = 4, kOptMtu = 5,
                       kOptRoute = 24, kOptRdnss = 25, kOptDnssl = 31;
constexpr std::size_t kUnit = 8;             // option lengths count 8-octet units
constexpr std::size_t kEthernetLlaBytes = 8;  // RFC 2464 §6: type, length, 6-byte MAC
constexpr std::size_t kPrefixBytes = 32;     // RFC 4861 §4.6.2
constexpr std::size_t kMtuBytes = 8;         // RFC 4861 §4.6.4
constexpr std::uint8_t kPrefixReservedFlags = 0x0f;  // L, A, R (RFC 6275), P (RFC 9762) are taken
constexpr std::uint8_t kRoutePrefBits = 0x18, kReservedPreference = 2;  // RFC 4191 §2.1, §2.3
constexpr unsigned kMaxPrefixLength = 128;

std::uint32_t be32(std::span<const std::uint8_t> b, std::size_t at) {
  return proto::be32(&b[at]);
}

// Set bits of `prefix` beyond its first `length` bits (reserved: RFC 4861 §4.6.2, RFC 4191 §2.3).
bool bits_beyond(std::span<const std::uint8_t> prefix, unsigned length) {
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    const unsigned first = static_cast<unsigned>(i) * 8;
    const unsigned keep = length > first ? std::min(8u, length - first) : 0;
    if (prefix[i] & (0xff >> keep)) return true;
  }
  return false;
}

std::string option_name(std::uint8_t type) {
  switch (type) {
    case kOptSourceLla: return "source link-layer address option";
    case kOptTargetLla: return "target link-layer address option";
    case kOptPrefix: return "prefix information option";
    case kOptRedirected: return "redirected header option";
    case kOptMtu: return "MTU option";
    case kOptRoute: return "route information option";
    case kOptRdnss: return "RDNSS option";
    case kOptDnssl: return "DNSSL option";
    default: return "";
  }
}

struct OptionCheck {
  const NdOptionAt& o;
  const char* msg;
  std::vector<Departure>& out;
  void add(const std::string& what) const { out.push_back(departure(what, o.offset, o.bytes)); }
  std::string name() const { return std::string(msg) + " " + option_name(o.type); }
  bool size_is(std::size_t bytes, const char* clause) const {
    if (o.bytes.size() == bytes) return true;
    add(name() + " of " + std::to_string(o.bytes.size()) + " bytes, must be " + std::to_string(bytes) + " (" +
        clause + ")");
    return false;
  }
};

void check_prefix(const OptionCheck& c) {
  if (!c.size_is(kPrefixBytes, "RFC 4861 §4.6.2")) return;
  const auto b = c.o.bytes;
  const unsigned length = b[2];
  const std::uint32_t valid = be32(b, 4), preferred = be32(b, 8);
  if (length > kMaxPrefixLength) c.add(c.name() + ": prefix length " + std::to_string(length) + " over 128");
  if (preferred > valid)
    c.add(c.name() + ": preferred lifetime " + std::to_string(preferred) + " s longer than valid lifetime " +
          std::to_string(valid) + " s (RFC 4862 §5.5.3 c: the option is ignored)");
  if (b[3] & kPrefixReservedFlags) c.add(c.name() + ": reserved flag bits set (Reserved1, RFC 4861 §4.6.2)");
  if (any_set(b.subspan(12, 4))) c.add(c.name() + ": Reserved2 is not zero (RFC 4861 §4.6.2)");
  if (length <= kMaxPrefixLength && bits_beyond(b.subspan(16, 16), length))
    c.add(c.name() + ": bits after the prefix length " + std::to_string(length) + " are not zero (RFC 4861 §4.6.2)");
}

void check_route(const OptionCheck& c) {
  const auto b = c.o.bytes;
  if (b.size() < kUnit) return c.add(c.name() + " of " + std::to_string(b.size()) + " bytes");
  const unsigned units = b[1], length = b[2];
  // RFC 4191 §2.3: length 1, 2 or 3; 3 for a prefix over 64 bits, at least 2 for one over 0.
  const unsigned need = length > 64 ? 3 : length > 0 ? 2 : 1;
  if (units > 3 || units < need)
    c.add(c.name() + ": length " + std::to_string(units) + " for prefix length " + std::to_string(length) +
          " (RFC 4191 §2.3)");
  if (length > kMaxPrefixLength) c.add(c.name() + ": prefix length " + std::to_string(length) + " over 128");
  if (b[3] & ~kRoutePrefBits) c.add(c.name() + ": reserved flag bits set (RFC 4191 §2.3)");
  if (((b[3] & kRoutePrefBits) >> 3) == kReservedPreference)
    c.add(c.name() + ": preference 10 is reserved: the option must be ignored (RFC 4191 §2.3)");
  if (length <= kMaxPrefixLength && bits_beyond(b.subspan(kUnit), length))
    c.add(c.name() + ": bits after the prefix length " + std::to_string(length) + " are not zero (RFC 4191 §2.3)");
}

void check_dnssl_names(const OptionCheck& c) {
  const auto names = c.o.bytes.subspan(kUnit);
  std::size_t at = 0;
  while (at < names.size() && names[at] != 0) {
    std::string name;
    if (auto p = read_plain_name(names, at, name)) return c.add(c.name() + ": " + *p + " (RFC 8106 §5.2)");
  }
  if (at == 0) c.add(c.name() + " holds no domain name (RFC 8106 §5.2)");
  if (any_set(names.subspan(at))) c.add(c.name() + ": padding after the names is not zero (RFC 8106 §5.2)");
}

void check_dns_option(const OptionCheck& c) {
  const auto b = c.o.bytes;
  const unsigned units = b[1];
  if (c.o.type == kOptRdnss && (units < 3 || units % 2 == 0))
    c.add(c.name() + ": length " + std::to_string(units) + ", must be odd and at least 3 (RFC 8106 §5.1)");
  if (c.o.type == kOptDnssl && units < 2)
    c.add(c.name() + ": length " + std::to_string(units) + ", must be at least 2 (RFC 8106 §5.2)");
  if (any_set(b.subspan(2, 2))) c.add(c.name() + ": Reserved is not zero (RFC 8106 §5)");
  if (c.o.type == kOptDnssl && units >= 2) check_dnssl_names(c);
}

void check_option(const OptionCheck& c) {
  switch (c.o.type) {
    case kOptSourceLla:
    case kOptTargetLla: c.size_is(kEthernetLlaBytes, "RFC 2464 §6"); return;
    case kOptPrefix: return check_prefix(c);
    case kOptMtu:
      if (c.size_is(kMtuBytes, "RFC 4861 §4.6.4") && any_set(c.o.bytes.subspan(2, 2)))
        c.add(c.name() + ": Reserved is not zero (RFC 4861 §4.6.4)");
      return;
    case kOptRoute: return check_route(c);
    case kOptRdnss:
    case kOptDnssl: return check_dns_option(c);
    default: return;
  }
}

}  // namespace

bool any_set(std::span<const std::uint8_t> b) {
  return std::any_of(b.begin(), b.end(), [](std::uint8_t x) { return x != 0; });
}

void nd_option_departures(std::span<const std::uint8_t> icmp, std::size_t body, const char* msg,
                          std::initializer_list<std::uint8_t> allowed, std::vector<Departure>& out) {
  auto chain = nd_option_chain(icmp, body, msg);
  if (!std::holds_alternative<std::vector<NdOptionAt>>(chain)) return;  // malformed: reported as such
  for (const auto& o : std::get<std::vector<NdOptionAt>>(chain)) {
    const OptionCheck c{o, msg, out};
    const bool known = !option_name(o.type).empty();
    // RFC 4861 §4: each message lists its possible options; receivers ignore the others.
    if (known && std::find(allowed.begin(), allowed.end(), o.type) == allowed.end())
      c.add(c.name() + " does not belong in a " + msg + " (RFC 4861 §4): a receiver ignores it");
    check_option(c);
  }
}

std::variant<Malformed, std::vector<NdOptionAt>> nd_option_chain(std::span<const std::uint8_t> icmp, std::size_t body,
                                                                  const char* msg) {
  if (icmp.size() < kIcmpHeader + body)
    return Malformed{std::string("truncated ") + msg + ": " + std::to_string(icmp.size()) + " bytes, need " +
                         std::to_string(kIcmpHeader + body),
                     icmp.size()};
  std::vector<NdOptionAt> chain;
  std::size_t off = kIcmpHeader + body;
  while (off < icmp.size()) {
    if (icmp.size() - off < 2)
      return Malformed{std::string(msg) + " option header truncated at offset " + std::to_string(off), icmp.size()};
    std::size_t len = static_cast<std::size_t>(icmp[off + 1]) * 8;  // in units of 8 octets
    if (len == 0)
      return Malformed{std::string(msg) + " option type " + std::to_string(icmp[off]) + " has length 0 at offset " +
                           std::to_string(off),
                       icmp.size()};
    if (len > icmp.size() - off)
      return Malformed{std::string(msg) + " option type " + std::to_string(icmp[off]) + " overruns the message: " +
                           std::to_string(len) + " bytes at offset " + std::to_string(off) + ", " +
                           std::to_string(icmp.size() - off) + " left",
                       icmp.size()};
    chain.push_back({icmp[off], off, icmp.subspan(off, len)});
    off += len;
  }
  return chain;
}

std::optional<Malformed> check_nd_options(std::span<const std::uint8_t> icmp, std::size_t body, const char* msg) {
  auto chain = nd_option_chain(icmp, body, msg);
  if (auto* bad = std::get_if<Malformed>(&chain)) return *bad;
  return std::nullopt;
}

std::variant<Malformed, Tins::ICMPv6> parse_icmpv6(std::span<const std::uint8_t> icmp, const char* msg) {
  try {
    return Tins::ICMPv6(icmp.data(), static_cast<std::uint32_t>(icmp.size()));
  } catch (const std::exception& e) {
    return Malformed{std::string(msg) + ": " + e.what(), icmp.size()};
  }
}

void walk_options(const Tins::ICMPv6& icmp, std::vector<RawOption>& unknown,
                  const std::function<bool(const Tins::ICMPv6::option&)>& known) {
  for (const auto& opt : icmp.options()) {
    bool handled = false;
    try {
      handled = known(opt);
    } catch (const std::exception&) {
      handled = false;  // a known type with a body we cannot read: keep its bytes
    }
    if (!handled)
      unknown.push_back(RawOption{opt.option(), {opt.data_ptr(), opt.data_ptr() + opt.data_size()}});
  }
}

std::optional<Mac> lla_of(const Tins::ICMPv6::option& opt) {
  if (opt.data_size() < 6) return std::nullopt;
  Mac m;
  std::copy_n(opt.data_ptr(), 6, m.bytes.begin());
  return m;
}

Tins::HWAddress<6> tins_mac(const Mac& m) { return Tins::HWAddress<6>(m.bytes.data()); }
Tins::IPv6Address tins_ip(const Ip6& a) { return Tins::IPv6Address(a.bytes.data()); }
Ip6 from_tins(const Tins::IPv6Address& a) {
  Ip6 r;
  std::copy(a.begin(), a.end(), r.bytes.begin());
  return r;
}

void add_unknown(Tins::ICMPv6& icmp, const std::vector<RawOption>& unknown) {
  for (const auto& o : unknown) icmp.add_option(Tins::ICMPv6::option(o.type, o.data.begin(), o.data.end()));
}

Bytes frame_icmpv6(const Addressing& a, Tins::ICMPv6& icmp) {
  Tins::EthernetII eth(tins_mac(a.dst_mac), tins_mac(a.src_mac));
  Tins::IPv6 ip(tins_ip(a.dst_ip), tins_ip(a.src_ip));
  ip.hop_limit(a.hop_limit);
  auto pkt = eth / ip / icmp;
  return pkt.serialize();
}

}  // namespace v6c::wire::detail
