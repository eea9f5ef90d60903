// NumPy .npz archives (np.savez and np.savez_compressed): a zip of .npy members.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "npy.h"

namespace nncf_cli {

// The archive's arrays in member order, named without the ".npy" suffix. Throws CliError: i/o
// when the file cannot be opened, invalid input for a bad archive or member.
std::vector<std::pair<std::string, Array>> ReadNpzFile(const std::string& path);

}  // namespace nncf_cli
