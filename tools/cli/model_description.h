// What `nncf info` shows: the library's model summary plus the quantized or compressed weights
// found in the file's graph structure.
#pragma once

#include <string>

#include "json.h"
#include "nncf.h"

namespace nncf_cli {

// The nncf_model_summary_json object plus "path", "compressed_weights" (count) and
// "compressed_weights_by_dtype" ({"int8": n, ...}) read from the file at `path`.
JsonPtr DescribeModel(const nncf_model* model, const std::string& path);

// The same description as aligned text for a terminal.
std::string DescriptionText(const cJSON* description);

}  // namespace nncf_cli
