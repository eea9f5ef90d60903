// Readers for the parts of params structs that several entry points share: the ignored scope
// and the progress callback.
#pragma once

#include "algorithms/common/ignored_scope.h"
#include "core/common/context.h"
#include "nncf.h"

namespace nncf::capi {

// Copies a caller's nncf_ignored_scope (NULL arrays with a zero count are fine; a NULL array or
// element with a non-zero count is kInvalidArgument naming the field).
algorithms::IgnoredScope ReadIgnoredScope(const nncf_ignored_scope* scope);

// A context whose progress calls `progress` (none when NULL); returning 0 cancels.
Context MakeProgressContext(nncf_progress_fn progress, void* user_data);

}  // namespace nncf::capi
