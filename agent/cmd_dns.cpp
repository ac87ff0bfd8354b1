// v6agent dns -i IFACE SERVER NAME [--source A]: one AAAA query over IPv6.
#include "commands.hpp"

namespace v6c::agent {

void register_dns(CLI::App& app, const Output& out, Action& action) {
  auto q = std::make_shared<wire::DnsSpec>();
  auto route = std::make_shared<RouteOptions>();
  auto* cmd = procedure_command(app, out, action, "dns", "One AAAA query over IPv6 to a DNS server", [=] {
    wire::DnsSpec spec = *q;
    route->apply(spec);
    return spec;
  });
  cmd->add_option("server", q->server, "DNS server address")->required();
  cmd->add_option("name", q->name, "Name to resolve")->required();
  cmd->add_option("--source", route->source, "Source address");
}

}  // namespace v6c::agent
