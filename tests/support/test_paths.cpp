#include "test_paths.hpp"

namespace v6c::test::paths {
const char* source_dir() { return V6C_PATH_SOURCE_DIR; }
const char* fixtures() { return V6C_PATH_FIXTURES; }
const char* agent_bin() { return V6C_PATH_AGENT_BIN; }
const char* image_agent_bin() { return V6C_PATH_IMAGE_AGENT_BIN; }
const char* controller_bin() { return V6C_PATH_CONTROLLER_BIN; }
}  // namespace v6c::test::paths
