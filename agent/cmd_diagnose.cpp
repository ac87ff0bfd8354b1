// v6agent diagnose -i IFACE [--name NAME] [--target ADDRESS]: why has this host no IPv6?
// The exit code says whether IPv6 works here.
#include "commands.hpp"
#include "diagnose.hpp"
#include "session.hpp"
#include "text.hpp"

namespace v6c::agent {
namespace {

struct DiagnoseCommand {
  std::string interface, target;
  DiagnoseOptions options;
};

int run_diagnose(const Output& out, const DiagnoseCommand& c) {
  Session session(out, c.interface, "");
  Runner runner(session.link);
  auto& steps = session.report.diagnosis;
  steps = diagnose(runner, c.options, [&](wire::ProcedureRecord rec) { session.add(std::move(rec)); });
  if (session.text) std::fputs(render_diagnosis(steps).c_str(), stdout);
  session.write(out, session.report.host);
  if (first_broken(steps)) return kIpv6Broken;
  for (const auto& st : steps)
    if (st.state != wire::LinkState::holds) return kUndecided;
  return kOk;
}

}  // namespace

void register_diagnose(CLI::App& app, const Output& out, Action& action) {
  auto c = std::make_shared<DiagnoseCommand>();
  auto* cmd = app.add_subcommand("diagnose", "Why does this host have no IPv6? RA, SLAAC, DHCPv6, router, DNS in turn");
  cmd->add_option("-i,--interface", c->interface, "Network interface")->required();
  cmd->add_option("--name", c->options.name,
                  "Name the resolver is asked (default: the network's domain, from DNSSL or DHCPv6)");
  cmd->add_option("--target", c->target, "An address beyond the router that should answer echoes");
  cmd->callback([&out, &action, c] {
    if (!c->target.empty()) {
      c->options.target = wire::Ip6::parse(c->target);
      if (!c->options.target) throw PlanError("--target: not an IPv6 address: " + c->target);
    }
    action = [&out, c] { return run_diagnose(out, *c); };
  });
}

}  // namespace v6c::agent
