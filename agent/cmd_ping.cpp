// v6agent ping -i IFACE ADDRESS [-s SIZE] [-t HOPS] [-c N] [--source A] [--gateway R].
#include "commands.hpp"

namespace v6c::agent {

void register_ping(CLI::App& app, const Output& out, Action& action) {
  auto e = std::make_shared<wire::EchoSpec>();
  auto route = std::make_shared<RouteOptions>();
  auto hop_limit = std::make_shared<unsigned>(e->hop_limit);  // a number, not a character, to CLI11
  auto* cmd = procedure_command(app, out, action, "ping",
                                "Echo requests of a given size and hop limit; shows replies and errors", [=] {
                                  wire::EchoSpec spec = *e;
                                  spec.hop_limit = static_cast<std::uint8_t>(*hop_limit);
                                  route->apply(spec);
                                  return spec;
                                });
  cmd->add_option("target", e->target, "Address to ping")->required();
  cmd->add_option("-s,--size", e->size, "IPv6 packet size in bytes")->capture_default_str();
  cmd->add_option("-t,--hop-limit", *hop_limit, "Hop limit")->capture_default_str()->check(CLI::Range(0, 255));
  cmd->add_option("-c,--count", e->count, "Requests")->capture_default_str();
  cmd->add_option("--source", route->source, "Source address (must be this host's; default link-local)");
  cmd->add_option("--gateway", route->gateway, "Router for an off-link target");
}

}  // namespace v6c::agent
