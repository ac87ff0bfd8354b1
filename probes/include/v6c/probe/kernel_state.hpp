// The kernel's own IPv6 state on one interface: routes, addresses, neighbours and the sysctls
// that decide whether it acts on RAs and Redirects. The victim role records it before and
// after the attacks, read from /proc and rtnetlink, never by running `ip`.
#pragma once
#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "v6c/wire/results.hpp"

namespace v6c::probe {

// Parsers (pure; lines or messages that do not parse are skipped, lengths are checked).
// /proc/net/ipv6_route: unicast routes on `ifname`, without local, cached and multicast ones.
std::vector<wire::KernelRoute> parse_ipv6_route(std::string_view text, std::string_view ifname);
// /proc/net/if_inet6: the addresses on `ifname`.
std::vector<wire::KernelAddress> parse_if_inet6(std::string_view text, std::string_view ifname);
// A dump of RTM_NEWNEIGH messages: the IPv6 entries on `ifindex`. Returns true once
// NLMSG_DONE was seen (the dump is complete).
bool parse_neighbours(std::span<const std::uint8_t> messages, int ifindex, std::vector<wire::KernelNeighbour>& out);

// Reads all of it now. Throws std::runtime_error when a source cannot be read.
wire::KernelState read_kernel_state(const std::string& ifname, int ifindex);

// Has the kernel resolve these on-link addresses through its own stack (one echo request
// each from a raw ICMPv6 socket bound to the interface), so that its neighbour table holds
// entries a spoofed NA could overwrite. Returns when all are resolved or at the timeout.
void prime_neighbours(int ifindex, const std::vector<wire::Ip6>& addresses, std::chrono::milliseconds timeout);

}  // namespace v6c::probe
