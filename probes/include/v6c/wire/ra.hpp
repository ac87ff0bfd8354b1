// Router discovery messages (RFC 4861 §4.1, §4.2) and their options.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "v6c/wire/addr.hpp"

namespace v6c::wire {

// An ND option we keep but do not interpret: its type and its bytes after the type/length octets.
struct RawOption {
  std::uint8_t type = 0;
  std::vector<std::uint8_t> data;
  bool operator==(const RawOption&) const = default;
};

struct PrefixInfo {  // RFC 4861 §4.6.2
  Ip6 prefix;
  std::uint8_t length = 0;
  bool on_link = false, autonomous = false;
  std::uint32_t valid_s = 0, preferred_s = 0;  // 0xffffffff = infinity
  bool operator==(const PrefixInfo&) const = default;
};

struct RouteInfo {  // RFC 4191 §2.3
  Ip6 prefix;
  std::uint8_t length = 0;
  int preference = 0;  // -1 low, 0 medium, 1 high, 2 reserved (10b)
  std::uint32_t lifetime_s = 0;
  bool operator==(const RouteInfo&) const = default;
};

struct Rdnss {  // RFC 8106 §5.1
  std::uint32_t lifetime_s = 0;
  std::vector<Ip6> servers;
  bool operator==(const Rdnss&) const = default;
};

struct Dnssl {  // RFC 8106 §5.2
  std::uint32_t lifetime_s = 0;
  std::vector<std::string> domains;
  bool operator==(const Dnssl&) const = default;
};

struct RouterSolicit {
  std::optional<Mac> source_lla;
  std::vector<RawOption> unknown;
  bool operator==(const RouterSolicit&) const = default;
};

struct RouterAdvert {
  std::uint8_t code = 0;
  std::uint8_t cur_hop_limit = 0;
  bool managed = false, other = false, home_agent = false, proxy = false;
  int preference = 0;  // default router preference, as RouteInfo::preference (RFC 4191 §2.2)
  std::uint16_t router_lifetime_s = 0;
  std::uint32_t reachable_ms = 0, retrans_ms = 0;
  std::optional<Mac> source_lla;
  std::optional<std::uint32_t> mtu;
  std::vector<PrefixInfo> prefixes;
  std::vector<RouteInfo> routes;
  std::vector<Rdnss> rdnss;
  std::vector<Dnssl> dnssl;
  std::vector<RawOption> unknown;
  bool operator==(const RouterAdvert&) const = default;
};

inline constexpr std::uint32_t kInfiniteLifetime = 0xffffffff;

}  // namespace v6c::wire
