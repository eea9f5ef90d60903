#include "data_source.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>
#include <utility>

#include "cli_error.h"
#include "npy.h"
#include "npz.h"

namespace nncf_cli {

namespace {

using NamedArrays = std::vector<std::pair<std::string, Array>>;

struct ModelInput {
  std::string name;
  nncf_dtype dtype;
};

std::vector<ModelInput> ModelInputs(const nncf_model* model) {
  std::vector<ModelInput> inputs;
  for (size_t i = 0; i < nncf_model_num_inputs(model); ++i) {
    nncf_tensor_info info = EmptyTensorInfo();
    Check(nncf_model_input_info(model, i, &info), "reading model input " + std::to_string(i));
    inputs.push_back({info.name, info.dtype});
  }
  return inputs;
}

bool HasSuffix(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Names a lone .npy array after the model's single input.
NamedArrays ReadFile(const std::string& path, const std::vector<ModelInput>& inputs) {
  if (HasSuffix(path, ".npz")) return ReadNpzFile(path);
  if (!HasSuffix(path, ".npy")) {
    throw CliError(kExitInvalidInput, "'" + path + "' is neither a .npy nor a .npz file");
  }
  if (inputs.size() != 1) {
    throw CliError(kExitInvalidInput, "'" + path + "' holds one array but the model has " +
                                          std::to_string(inputs.size()) +
                                          " inputs: use a .npz with arrays named after them");
  }
  NamedArrays arrays;
  arrays.emplace_back(inputs[0].name, ReadNpyFile(path));
  return arrays;
}

Array ToFloat32(const Array& array) {
  Array converted;
  converted.dtype = NNCF_DTYPE_FLOAT;
  converted.shape = array.shape;
  const int64_t count = array.ElementCount();
  converted.data.resize(static_cast<size_t>(count) * sizeof(float));
  for (int64_t i = 0; i < count; ++i) {
    double value;
    std::memcpy(&value, array.data.data() + i * sizeof(double), sizeof value);
    const float narrowed = static_cast<float>(value);
    std::memcpy(converted.data.data() + i * sizeof(float), &narrowed, sizeof narrowed);
  }
  return converted;
}

// Checks that every model input has an array of its dtype, converting float64 to float32.
void FitToModel(NamedArrays& arrays, const std::vector<ModelInput>& inputs,
                const std::string& origin) {
  for (const ModelInput& input : inputs) {
    auto found = std::find_if(arrays.begin(), arrays.end(),
                              [&](const auto& named) { return named.first == input.name; });
    if (found == arrays.end()) {
      throw CliError(kExitInvalidInput, origin + ": no array for model input '" + input.name + "'");
    }
    Array& array = found->second;
    if (input.dtype == NNCF_DTYPE_FLOAT && array.dtype == NNCF_DTYPE_DOUBLE) {
      array = ToFloat32(array);
    }
    if (input.dtype != NNCF_DTYPE_UNDEFINED && array.dtype != input.dtype) {
      throw CliError(kExitInvalidInput, origin + ": array '" + input.name + "' is " +
                                            nncf_dtype_name(array.dtype) + ", the model input is " +
                                            nncf_dtype_name(input.dtype));
    }
  }
}

SamplePtr MakeSample(const NamedArrays& arrays, int64_t first_row, int64_t rows) {
  nncf_sample* raw = nullptr;
  Check(nncf_sample_create(&raw), "creating a sample");
  SamplePtr sample(raw);
  for (const auto& [name, array] : arrays) {
    if (rows < 0) {
      Check(nncf_sample_set_tensor(sample.get(), name.c_str(), array.dtype, array.shape.data(),
                                   array.shape.size(), array.data.data(), array.data.size()),
            "setting tensor '" + name + "'");
      continue;
    }
    std::vector<int64_t> shape = array.shape;
    const size_t row_bytes = shape[0] == 0 ? 0 : array.data.size() / static_cast<size_t>(shape[0]);
    shape[0] = rows;
    Check(nncf_sample_set_tensor(sample.get(), name.c_str(), array.dtype, shape.data(),
                                 shape.size(), array.data.data() + row_bytes * first_row,
                                 row_bytes * static_cast<size_t>(rows)),
          "setting tensor '" + name + "'");
  }
  return sample;
}

// Items of `batch` rows along axis 0; every array must have the same number of rows.
std::vector<SamplePtr> SplitRows(const NamedArrays& arrays, int64_t batch,
                                 const std::string& origin) {
  std::vector<SamplePtr> samples;
  if (batch == 0) {
    samples.push_back(MakeSample(arrays, 0, -1));
    return samples;
  }
  int64_t rows = -1;
  for (const auto& [name, array] : arrays) {
    if (array.shape.empty()) {
      throw CliError(kExitInvalidInput,
                     origin + ": array '" + name + "' is a scalar and cannot be split by --batch");
    }
    if (rows >= 0 && array.shape[0] != rows) {
      throw CliError(kExitInvalidInput, origin + ": arrays differ in their first dimension (" +
                                            std::to_string(rows) + " and " +
                                            std::to_string(array.shape[0]) + " for '" + name +
                                            "'), so they cannot be split into items");
    }
    rows = array.shape[0];
  }
  if (rows <= 0) throw CliError(kExitInvalidInput, origin + ": no rows to read");
  for (int64_t first = 0; first < rows; first += batch) {
    samples.push_back(MakeSample(arrays, first, std::min(batch, rows - first)));
  }
  return samples;
}

}  // namespace

std::vector<SamplePtr> LoadSamples(const std::string& path, int64_t batch,
                                   const nncf_model* model) {
  if (batch < 0) throw CliError(kExitUsage, "--batch must be 0 or more");
  const std::vector<ModelInput> inputs = ModelInputs(model);
  struct stat info;
  if (stat(path.c_str(), &info) != 0) {
    throw CliError(kExitIo, "cannot open data '" + path + "': " + std::strerror(errno));
  }
  if (!S_ISDIR(info.st_mode)) {
    NamedArrays arrays = ReadFile(path, inputs);
    FitToModel(arrays, inputs, path);
    return SplitRows(arrays, batch, path);
  }
  std::vector<std::string> files;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(path, error)) {
    const std::string name = entry.path().string();
    if (entry.is_regular_file() && (HasSuffix(name, ".npy") || HasSuffix(name, ".npz"))) {
      files.push_back(name);
    }
  }
  if (error) throw CliError(kExitIo, "cannot list '" + path + "': " + error.message());
  if (files.empty()) throw CliError(kExitInvalidInput, "'" + path + "' has no .npy or .npz files");
  std::sort(files.begin(), files.end());
  std::vector<SamplePtr> samples;
  for (const std::string& file : files) {
    NamedArrays arrays = ReadFile(file, inputs);
    FitToModel(arrays, inputs, file);
    samples.push_back(MakeSample(arrays, 0, -1));
  }
  return samples;
}

DatasetPtr LoadDataset(const std::string& path, int64_t batch, const nncf_model* model,
                       const std::string& what) {
  std::vector<SamplePtr> samples = LoadSamples(path, batch, model);
  std::vector<const nncf_sample*> pointers;
  for (const SamplePtr& sample : samples) pointers.push_back(sample.get());
  nncf_dataset* raw = nullptr;
  Check(nncf_dataset_create_from_samples(pointers.data(), pointers.size(), &raw), what);
  return DatasetPtr(raw);
}

}  // namespace nncf_cli
