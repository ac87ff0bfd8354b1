// The exit code a run's verdicts give, chosen here at the command line's edge rather than in
// the catalogue library.
#pragma once
#include "exit_codes.hpp"
#include "v6c/catalog/evaluator.hpp"

namespace v6c {

// What a run's verdicts make the command exit with: kExitPass when every MUST is PASS or a
// SKIP that does not apply here (Summary::every_must_met), kExitMustFailed otherwise (a MUST
// failed, could not be measured, or was not run).
inline int exit_code_of(const catalog::Result& r) {
  return catalog::summarize(r.verdicts).every_must_met() ? kExitPass : kExitMustFailed;
}

}  // namespace v6c
