// One run on one interface: the link (and its pcap), the report, the text as it goes.
#pragma once
#include <memory>
#include <string>

#include "commands.hpp"
#include "v6c/probe/link.hpp"
#include "v6c/wire/results.hpp"

namespace v6c::agent {

struct Session {
  probe::Link link;
  std::unique_ptr<probe::PcapWriter> pcap;
  wire::AgentReport report;
  bool text;

  // The report's host: --host, else the plan's, else this host's name.
  Session(const Output& out, const std::string& ifname, const std::string& plan_host);
  // Records one procedure, and shows it as text unless the output is quiet or JSON on stdout.
  void add(wire::ProcedureRecord rec);
  // The report as JSON and as console frames (under `run`), where the output asks for them.
  void write(const Output& out, const std::string& run) const;
};

}  // namespace v6c::agent
