// Where the tests find the source tree, fixtures and built binaries. The paths differ per
// checkout, so they are compiled into one file (test_paths.cpp), not into every test: the
// tests' command lines stay the same across clones and ccache can reuse their objects.
// Included into every test by the compiler (-include), behind the V6C_* macros.
#pragma once

namespace v6c::test::paths {
const char* source_dir();
const char* fixtures();
const char* agent_bin();
const char* image_agent_bin();
const char* controller_bin();  // empty when v6conform is not part of the build
}  // namespace v6c::test::paths
