// v6agent dad -i IFACE PREFIX: the SLAAC (EUI-64) address for a prefix, and DAD on it.
#include "commands.hpp"

namespace v6c::agent {

void register_dad(CLI::App& app, const Output& out, Action& action) {
  auto d = std::make_shared<wire::DadSpec>();
  auto* cmd = procedure_command(app, out, action, "dad", "Form the SLAAC (EUI-64) address for a prefix and run DAD on it",
                                [d] { return *d; });
  cmd->add_option("prefix", d->prefix, "The /64 prefix, e.g. 2001:db8:1::")->required();
}

}  // namespace v6c::agent
