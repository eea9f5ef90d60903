// Calibration and inference data from .npy / .npz files or a directory of them, as samples
// holding one model input per array.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "handles.h"
#include "nncf.h"

namespace nncf_cli {

// Items read from `path`:
// - a .npy file: its array feeds the model's single input;
// - a .npz file: arrays named after the model inputs (other names, such as labels, ride along);
// - a directory: every .npy/.npz file in it, sorted by name, one item per file.
// A single file is split along axis 0 into items of `batch` rows (the last may be shorter);
// batch 0 keeps the whole file as one item. float64 arrays feed float inputs as float32.
// Throws CliError: i/o for unreadable paths, invalid input for arrays that do not fit the model.
std::vector<SamplePtr> LoadSamples(const std::string& path, int64_t batch, const nncf_model* model);

// The same items as a dataset (copies of the samples); `what` names the step in errors.
DatasetPtr LoadDataset(const std::string& path, int64_t batch, const nncf_model* model,
                       const std::string& what);

}  // namespace nncf_cli
