// Neighbour discovery and redirect messages (RFC 4861 §4.3–4.5).
#pragma once
#include <cstdint>
#include <optional>
#include <vector>

#include "v6c/wire/addr.hpp"
#include "v6c/wire/ra.hpp"

namespace v6c::wire {

struct NeighborSolicit {
  Ip6 target;
  std::optional<Mac> source_lla;
  std::vector<RawOption> unknown;  // includes the RFC 7527 nonce (type 14) when present
  bool operator==(const NeighborSolicit&) const = default;
};

struct NeighborAdvert {
  bool router = false, solicited = false, override_ = false;
  Ip6 target;
  std::optional<Mac> target_lla;
  std::vector<RawOption> unknown;
  bool operator==(const NeighborAdvert&) const = default;
};

struct Redirect {
  Ip6 target, destination;
  std::optional<Mac> target_lla;
  std::size_t redirected_header_bytes = 0;
  bool operator==(const Redirect&) const = default;
};

}  // namespace v6c::wire
