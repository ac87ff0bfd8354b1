// v6agent pmtu -i IFACE ADDRESS [--sizes A,B,C] [--source A] [--gateway R].
#include "commands.hpp"

namespace v6c::agent {

void register_pmtu(CLI::App& app, const Output& out, Action& action) {
  auto p = std::make_shared<wire::PmtuSpec>(wire::PmtuSpec{.sizes = {1280, 1400, 1500}});
  auto route = std::make_shared<RouteOptions>();
  auto* cmd = procedure_command(app, out, action, "pmtu",
                                "Echo requests of increasing sizes; shows what passes and Packet Too Big", [=] {
                                  wire::PmtuSpec spec = *p;
                                  route->apply(spec);
                                  return spec;
                                });
  cmd->add_option("target", p->target, "Address to probe")->required();
  cmd->add_option("--sizes", p->sizes, "IPv6 packet sizes")->delimiter(',')->capture_default_str();
  cmd->add_option("--source", route->source, "Source address");
  cmd->add_option("--gateway", route->gateway, "Router for an off-link target");
}

}  // namespace v6c::agent
