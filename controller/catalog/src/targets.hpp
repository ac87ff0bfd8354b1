// What plans and checks must agree on: which VMs probe, which targets each procedure aims at,
// and which procedures a subnet mode calls for. One place, so a check never looks for a
// procedure the plan did not ask for.
#pragma once
#include <optional>
#include <string_view>
#include <vector>

#include "v6c/model/facts.hpp"

namespace v6c::catalog::detail {

using model::forms_slaac;
using model::Mode;
using model::Role;
using model::runs_dhcp6;

std::string_view address_symbol(Mode mode);  // "@slaac" or "@dhcp6"
std::string mode_name(Mode mode);            // Neutron's string, for reasons

bool is_probe(const model::Port& p);
std::vector<const model::Port*> probe_ports(const model::Network& n);
// The probe VMs, then the address VMs: the hosts an address check reads.
std::vector<const model::Port*> address_ports(const model::Network& n);
std::optional<wire::Ip6> global_address(const model::Port& p);

struct Peer {
  const model::Network* network;
  const model::Port* port;
  wire::Ip6 address;
  bool on_link;
};
// Every other probe VM with a global address, on this network and on the others (behind the router).
std::vector<Peer> peers_of(const model::Facts& f, const model::Network& net, const model::Port& self);

// An off-link host to reach: the external target, else a probe VM on another network, else
// the far host behind the small-MTU link.
std::optional<wire::Ip6> offlink_target(const model::Facts& f, const model::Network& net);
// An address on another tenant network that no port holds: the router answers Destination
// Unreachable (address unreachable, RFC 4443 §3.1 code 3) after ND fails.
std::optional<wire::Ip6> unassigned_target(const model::Facts& f, const model::Network& net);

// A far host behind a link whose MTU is below the tenant MTU: Packet Too Big can be provoked.
bool far_link_is_smaller(const model::Facts& f, const model::Network& net);

}  // namespace v6c::catalog::detail
