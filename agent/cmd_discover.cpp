// v6agent discover -i IFACE [--passive] [-w MS] [--rs N] [-1]: every RA field, like rdisc6.
#include "commands.hpp"

namespace v6c::agent {

void register_discover(CLI::App& app, const Output& out, Action& action) {
  auto d = std::make_shared<wire::DiscoverSpec>();
  auto* cmd = procedure_command(app, out, action, "discover", "Solicit and show router advertisements (like rdisc6)",
                                [d] { return *d; });
  cmd->add_flag("--passive", d->passive, "Send no RS; wait for unsolicited RAs");
  cmd->add_option("-w,--window", d->window_ms, "Milliseconds to collect RAs")->capture_default_str();
  cmd->add_option("--rs", d->rs_count, "Router solicitations to send")->capture_default_str();
  cmd->add_flag("-1,--first", d->stop_at_first, "Stop at the first RA (like rdisc6 -1)");
}

}  // namespace v6c::agent
