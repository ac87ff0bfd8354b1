// The exit code of a command that failed talking to a cloud (cmd_run, cmd_cleanup).
#pragma once
#include "exit_codes.hpp"
#include "v6c/cloud/errors.hpp"

namespace v6c {

// Bad configuration is a usage error; anything the cloud did or did not answer is the environment's.
inline int exit_code_for(const cloud::CloudError& error) {
  return dynamic_cast<const cloud::ConfigError*>(&error) ? kExitUsage : kExitEnvironment;
}

}  // namespace v6c
