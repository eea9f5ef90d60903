// Small helpers for tests that drive external programs (node for ONNX Runtime, python3).
#pragma once

#include <filesystem>
#include <string>

namespace nncf::testing {

// The first executable `program` on PATH, or "" when there is none.
std::string FindOnPath(const std::string& program);
// `s` quoted for /bin/sh.
std::string ShellQuote(const std::string& s);
// A whole text file ("" when it cannot be read).
std::string ReadText(const std::filesystem::path& path);

}  // namespace nncf::testing
