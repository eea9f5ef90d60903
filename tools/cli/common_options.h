// Options shared by several subcommands, and the helpers that turn them into C API arguments.
#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "handles.h"
#include "nncf.h"

namespace nncf_cli {

// --ignored-names / --ignored-patterns / --ignored-types (nncf.IgnoredScope).
class IgnoredScopeOptions {
 public:
  void AddTo(CLI::App* command);
  // NULL when no rule was given; otherwise valid while this object lives.
  const nncf_ignored_scope* Get();

 private:
  std::vector<std::string> names_, patterns_, types_;
  std::vector<const char*> name_ptrs_, pattern_ptrs_, type_ptrs_;
  bool no_validate_ = false;
  nncf_ignored_scope scope_{};
};

// An option taking one of the library's names for an enum ("int4_sym", "mixed"), built by asking
// the library for the name of every value in [first, last], so the spellings cannot drift.
CLI::Option* AddEnumOption(CLI::App* command, const std::string& flag, int32_t* target,
                           int32_t first, int32_t last, const char* (*name_of)(int32_t),
                           const std::string& description);

// Loads --config FILE; a null pointer when path is empty.
ConfigPtr LoadConfig(const std::string& path);

// Throws CliError (i/o) naming `what` when `path` cannot be stat'ed.
void RequireFile(const std::string& path, const std::string& what);

// Loads a model, mapping a missing file to the i/o exit code before the library sees it.
ModelPtr LoadModel(const std::string& path);
void SaveModel(const nncf_model* model, const std::string& path);

// Seconds since an arbitrary fixed point, for the summaries' timings.
double NowSeconds();

}  // namespace nncf_cli
