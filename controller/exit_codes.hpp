// v6conform's exit codes, in one place (README, "v6conform exit code").
#pragma once

namespace v6c {

enum ExitCode : int {
  kExitPass = 0,         // every MUST requirement that ran passed
  kExitMustFailed = 1,   // at least one MUST requirement failed or could not be measured (ERROR)
  kExitUsage = 2,        // bad command line, malformed catalogue, clouds.yaml or result file
  kExitEnvironment = 3,  // not root, a tool or package missing, cloud unreachable, auth failed
  kExitInterrupted = 4,  // stopped by SIGINT/SIGTERM (after cleanup)
  kExitInternal = 5,     // a bug: an unexpected exception
};

}  // namespace v6c
