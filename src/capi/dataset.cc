// Datasets: user callbacks or copied samples, plus the optional transform (nncf.Dataset's
// transform_func). User callbacks report failures as statuses; they become nncf::Error here.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "capi/api_impl.h"

namespace nncf::capi {
namespace {

// Turns a status returned by a user callback into an exception (and frees the status).
// NNCF_ERR_CANCELLED keeps its code; `end_of_data_ok` keeps NNCF_ERR_NOT_FOUND too (the end of a
// dataset of unknown length). Everything else becomes NNCF_ERR_CALLBACK.
void ThrowIfCallbackFailed(nncf_status* status, const std::string& what, bool end_of_data_ok) {
  if (status == nullptr) return;
  const std::unique_ptr<nncf_status, void (*)(nncf_status*)> owned(status, nncf_status_free);
  const nncf_code code = status->code;
  const std::string& message = status->message;
  if (code == NNCF_ERR_CANCELLED) Fail(ErrorCode::kCancelled, what + " cancelled: " + message);
  if (code == NNCF_ERR_NOT_FOUND && end_of_data_ok) {
    Fail(ErrorCode::kNotFound, what + " reported the end of the data: " + message);
  }
  Fail(ErrorCode::kCallback, what + " failed with " + nncf_code_string(code) + ": " + message);
}

std::string ItemName(int64_t index) {
  return "item " + std::to_string(index);
}

// The transform slot every dataset has; owns user_data through `destroy`.
class Transform {
 public:
  Transform() = default;
  Transform(const Transform&) = delete;
  Transform& operator=(const Transform&) = delete;
  ~Transform() { Reset(nullptr, nullptr, nullptr); }

  void Reset(nncf_transform_fn fn, void* user_data, void (*destroy)(void*)) {
    // Setting the same user_data again must not release it.
    const bool same_owner = user_data == user_data_ && destroy == destroy_;
    if (destroy_ && !same_owner) destroy_(user_data_);
    fn_ = fn;
    user_data_ = user_data;
    destroy_ = destroy;
  }

  data::Sample Apply(data::Sample item, int64_t index) const {
    if (fn_ == nullptr) return item;
    nncf_sample input;
    input.impl = std::move(item);
    nncf_sample output;
    ThrowIfCallbackFailed(fn_(user_data_, &input, &output),
                          "dataset transform of " + ItemName(index), false);
    if (output.impl.empty()) {
      Fail(ErrorCode::kCallback, "dataset transform of " + ItemName(index) +
                                     " returned success but left the output sample empty");
    }
    return std::move(output.impl);
  }

 private:
  nncf_transform_fn fn_ = nullptr;
  void* user_data_ = nullptr;
  void (*destroy_)(void*) = nullptr;
};

class CapiDataset : public data::Dataset {
 public:
  Transform& transform() { return transform_; }

  data::Sample GetItem(int64_t index) override {
    if (index < 0) {
      Fail(ErrorCode::kInvalidArgument, "dataset index " + std::to_string(index) + " is negative");
    }
    const int64_t length = Length();
    if (length >= 0 && index >= length) {
      Fail(ErrorCode::kNotFound, "dataset index " + std::to_string(index) +
                                     " is out of range; the dataset has " + std::to_string(length) +
                                     " items");
    }
    return transform_.Apply(RawItem(index, length < 0), index);
  }

 protected:
  virtual data::Sample RawItem(int64_t index, bool length_unknown) = 0;

 private:
  Transform transform_;
};

class CallbackDataset final : public CapiDataset {
 public:
  explicit CallbackDataset(const nncf_dataset_callbacks& callbacks) : callbacks_(callbacks) {
    transform().Reset(callbacks.transform, callbacks.user_data, nullptr);
  }
  ~CallbackDataset() override {
    // A transform installed by nncf_dataset_set_transform is released before the dataset's own
    // user_data, which the callbacks' transform may share.
    transform().Reset(nullptr, nullptr, nullptr);
    if (callbacks_.destroy) callbacks_.destroy(callbacks_.user_data);
  }

  int64_t Length() const override {
    if (callbacks_.length == nullptr) return -1;
    const int64_t length = callbacks_.length(callbacks_.user_data);
    if (length < -1) {
      Fail(ErrorCode::kCallback, "dataset length callback returned " + std::to_string(length) +
                                     "; expected a count or -1 for unknown");
    }
    return length;
  }

  int64_t BatchSize() const override { return callbacks_.batch_size; }

 protected:
  data::Sample RawItem(int64_t index, bool length_unknown) override {
    nncf_sample item;
    ThrowIfCallbackFailed(callbacks_.get_item(callbacks_.user_data, index, &item),
                          "dataset get_item(" + std::to_string(index) + ")", length_unknown);
    if (item.impl.empty()) {
      Fail(ErrorCode::kCallback, "dataset get_item(" + std::to_string(index) +
                                     ") returned success but left the sample empty");
    }
    return std::move(item.impl);
  }

 private:
  nncf_dataset_callbacks callbacks_;
};

class SampleListDataset final : public CapiDataset {
 public:
  explicit SampleListDataset(std::vector<data::Sample> samples) : samples_(std::move(samples)) {}
  int64_t Length() const override { return static_cast<int64_t>(samples_.size()); }
  int64_t BatchSize() const override { return 0; }

 protected:
  data::Sample RawItem(int64_t index, bool) override {
    return samples_.at(static_cast<size_t>(index));
  }

 private:
  std::vector<data::Sample> samples_;
};

// The items of another dataset at chosen indices, as a validation callback sees them: the source's
// transform has run; a transform set on the view applies on top.
class DatasetView final : public CapiDataset {
 public:
  DatasetView(data::Dataset& source, std::vector<int64_t> indices)
      : source_(source), indices_(std::move(indices)) {}
  int64_t Length() const override { return static_cast<int64_t>(indices_.size()); }
  int64_t BatchSize() const override { return source_.BatchSize(); }
  int64_t SourceIndex(int64_t index) const {
    if (index < 0 || index >= Length()) {
      Fail(ErrorCode::kNotFound, "dataset view index " + std::to_string(index) +
                                     " is out of range; the view has " + std::to_string(Length()) +
                                     " items");
    }
    return indices_[static_cast<size_t>(index)];
  }

 protected:
  data::Sample RawItem(int64_t index, bool) override { return source_.GetItem(SourceIndex(index)); }

 private:
  data::Dataset& source_;
  std::vector<int64_t> indices_;
};

void DefaultCallbacks(nncf_dataset_callbacks* callbacks, uint32_t struct_size) {
  nncf_dataset_callbacks_default(callbacks, struct_size);
}

}  // namespace

std::unique_ptr<nncf_dataset> MakeDatasetView(data::Dataset& source, std::vector<int64_t> indices) {
  auto dataset = std::make_unique<nncf_dataset>();
  dataset->impl = std::make_unique<DatasetView>(source, std::move(indices));
  return dataset;
}

int64_t DatasetSourceIndex(const nncf_dataset& dataset, int64_t index) {
  if (const auto* view = dynamic_cast<const DatasetView*>(dataset.impl.get())) {
    return view->SourceIndex(index);
  }
  return index;
}

}  // namespace nncf::capi

extern "C" {

nncf_status* nncf_dataset_create(const nncf_dataset_callbacks* callbacks, nncf_dataset** out) {
  NNCF_API_BEGIN
  NNCF_CHECK_ARG(callbacks);
  NNCF_CHECK_ARG(out);
  const nncf_dataset_callbacks full = nncf::capi::ReadVersionedStruct(
      callbacks, "nncf_dataset_callbacks", nncf::capi::DefaultCallbacks);
  if (full.get_item == nullptr) {
    nncf::Fail(nncf::ErrorCode::kInvalidArgument,
               "nncf_dataset_create: nncf_dataset_callbacks.get_item is NULL (it is required)");
  }
  if (full.batch_size < 0) {
    nncf::Fail(nncf::ErrorCode::kInvalidArgument,
               "nncf_dataset_create: nncf_dataset_callbacks.batch_size is " +
                   std::to_string(full.batch_size) + "; expected 0 (unknown) or more");
  }
  auto dataset = std::make_unique<nncf_dataset>();
  dataset->impl = std::make_unique<nncf::capi::CallbackDataset>(full);
  *out = dataset.release();
  NNCF_API_END
}

nncf_status* nncf_dataset_create_from_samples(const nncf_sample* const* samples, size_t n_samples,
                                              nncf_dataset** out) {
  NNCF_API_BEGIN
  NNCF_CHECK_ARG(out);
  if (samples == nullptr && n_samples > 0) {
    nncf::Fail(nncf::ErrorCode::kInvalidArgument,
               "nncf_dataset_create_from_samples: argument 'samples' is NULL but n_samples is " +
                   std::to_string(n_samples));
  }
  std::vector<nncf::data::Sample> copies;
  copies.reserve(n_samples);
  for (size_t i = 0; i < n_samples; ++i) {
    const std::string which =
        "nncf_dataset_create_from_samples: samples[" + std::to_string(i) + "]";
    if (samples[i] == nullptr) nncf::Fail(nncf::ErrorCode::kInvalidArgument, which + " is NULL");
    if (samples[i]->impl.empty()) {
      nncf::Fail(nncf::ErrorCode::kInvalidArgument, which + " has no tensors");
    }
    copies.push_back(samples[i]->impl);
  }
  auto dataset = std::make_unique<nncf_dataset>();
  dataset->impl = std::make_unique<nncf::capi::SampleListDataset>(std::move(copies));
  *out = dataset.release();
  NNCF_API_END
}

nncf_status* nncf_dataset_set_transform(nncf_dataset* dataset, nncf_transform_fn fn,
                                        void* user_data, void (*destroy)(void* user_data)) {
  NNCF_API_BEGIN
  NNCF_CHECK_ARG(dataset);
  static_cast<nncf::capi::CapiDataset&>(*dataset->impl).transform().Reset(fn, user_data, destroy);
  NNCF_API_END
}

void nncf_dataset_free(nncf_dataset* dataset) {
  delete dataset;
}

nncf_status* nncf_dataset_length(const nncf_dataset* dataset, int64_t* out) {
  NNCF_API_BEGIN
  NNCF_CHECK_ARG(dataset);
  NNCF_CHECK_ARG(out);
  *out = dataset->impl->Length();
  NNCF_API_END
}

nncf_status* nncf_dataset_batch_size(const nncf_dataset* dataset, int64_t* out) {
  NNCF_API_BEGIN
  NNCF_CHECK_ARG(dataset);
  NNCF_CHECK_ARG(out);
  *out = dataset->impl->BatchSize();
  NNCF_API_END
}

nncf_status* nncf_dataset_get_item(nncf_dataset* dataset, int64_t index, nncf_sample** out) {
  NNCF_API_BEGIN
  NNCF_CHECK_ARG(dataset);
  NNCF_CHECK_ARG(out);
  auto sample = std::make_unique<nncf_sample>();
  sample->impl = dataset->impl->GetItem(index);
  *out = sample.release();
  NNCF_API_END
}

nncf_status* nncf_dataset_source_index(const nncf_dataset* dataset, int64_t index, int64_t* out) {
  NNCF_API_BEGIN
  NNCF_CHECK_ARG(dataset);
  NNCF_CHECK_ARG(out);
  *out = nncf::capi::DatasetSourceIndex(*dataset, index);
  NNCF_API_END
}

}  // extern "C"
