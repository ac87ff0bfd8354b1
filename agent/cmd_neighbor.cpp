// v6agent neighbor -i IFACE ADDRESS: NS/NA, like ndisc6.
#include "commands.hpp"

namespace v6c::agent {

void register_neighbor(CLI::App& app, const Output& out, Action& action) {
  auto n = std::make_shared<wire::NeighborSpec>();
  auto* cmd = procedure_command(app, out, action, "neighbor", "Resolve an address with NS/NA (like ndisc6)",
                                [n] { return *n; });
  cmd->add_option("target", n->target, "Address to resolve")->required();
}

}  // namespace v6c::agent
