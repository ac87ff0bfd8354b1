// v6agent dhcp6 -i IFACE [--stateless]: a DHCPv6 exchange as a client; configures nothing.
#include "commands.hpp"

namespace v6c::agent {

void register_dhcp6(CLI::App& app, const Output& out, Action& action) {
  auto stateless = std::make_shared<bool>(false);
  auto* cmd = procedure_command(app, out, action, "dhcp6", "Run a DHCPv6 exchange as a client (configures nothing)",
                                [stateless] { return wire::Dhcp6Spec{.stateful = !*stateless}; });
  cmd->add_flag("--stateless", *stateless, "Information-Request instead of Solicit/Request");
}

}  // namespace v6c::agent
