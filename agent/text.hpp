// The agent's readable output: complete, in the spirit of rdisc6, for a person at a shell.
#pragma once
#include <string>

#include "v6c/wire/results.hpp"

namespace v6c::agent {

std::string render_header(const wire::AgentReport& report);  // version, interface, MAC, MTU, link-local
std::string render_record(const wire::ProcedureRecord& rec);
// `v6agent diagnose`'s summary: each link of the chain, then the answer and what to check next.
std::string render_diagnosis(const std::vector<wire::DiagnosisStep>& steps);

}  // namespace v6c::agent
