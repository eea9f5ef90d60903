// Reading an ignored scope from a config: an algorithm's own section ("quantize.ignored_scope")
// or, when that is absent, the shared top-level "ignored_scope".
#pragma once

#include <string>

#include "algorithms/common/ignored_scope.h"
#include "core/config/config.h"

namespace nncf::algorithms {

// Adds the rules of `section`.ignored_scope (else the top-level ignored_scope) to `scope`. When
// `scope` already had rules, validation stays on only if both ask for it.
void AddIgnoredScopeFromConfig(const config::Config& config, const std::string& section,
                               IgnoredScope* scope);

}  // namespace nncf::algorithms
