// Bad input to the model loader: each case gives the right error code and a message that names
// the file, tensor or location at fault.
#include <gtest/gtest.h>
#include <unistd.h>

#include <onnx/onnx_pb.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "core/common/error.h"
#include "onnx/model_io.h"

namespace {

namespace fs = std::filesystem;
using nncf::Error;
using nncf::ErrorCode;
using nncf::onnx::LoadModelBytes;
using nncf::onnx::LoadModelFile;
using nncf::onnx::LoadOptions;

class ModelIoErrors : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("nncf_io_err_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Path(const std::string& name) const { return (dir_ / name).string(); }

  std::string Write(const std::string& name, const std::string& bytes) const {
    std::ofstream out(Path(name), std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    return Path(name);
  }

  // Loads `path` expecting failure; returns the error for inspection.
  static Error LoadError(const std::string& path) {
    LoadOptions options;
    options.validate = false;
    try {
      LoadModelFile(path, options);
    } catch (const Error& e) {
      return e;
    }
    ADD_FAILURE() << "loading " << path << " succeeded";
    return Error(ErrorCode::kOk, "");
  }

  static void ExpectError(const Error& e, ErrorCode code, const std::vector<std::string>& words) {
    EXPECT_EQ(e.code(), code) << e.what();
    for (const auto& word : words) {
      EXPECT_NE(std::string(e.what()).find(word), std::string::npos)
          << "'" << word << "' missing from: " << e.what();
    }
  }

  static onnx::ModelProto ValidModel() {
    onnx::ModelProto m;
    m.set_ir_version(8);
    auto* opset = m.add_opset_import();
    opset->set_version(13);
    auto* g = m.mutable_graph();
    g->set_name("g");
    auto* w = g->add_initializer();
    w->set_name("weights");
    w->set_data_type(onnx::TensorProto::FLOAT);
    w->add_dims(256);
    w->set_raw_data(std::string(1024, '\x01'));
    auto* node = g->add_node();
    node->set_op_type("Identity");
    node->add_input("weights");
    node->add_output("y");
    auto* y = g->add_output();
    y->set_name("y");
    y->mutable_type()->mutable_tensor_type()->set_elem_type(1);
    y->mutable_type()->mutable_tensor_type()->mutable_shape()->add_dim()->set_dim_value(256);
    return m;
  }

  // A model whose one tensor (100 floats) lives in `location` with the given entries.
  static onnx::ModelProto ExternalModel(const std::string& location,
                                        std::vector<std::pair<std::string, std::string>> extra) {
    onnx::ModelProto m = ValidModel();
    auto* w = m.mutable_graph()->mutable_initializer(0);
    w->clear_raw_data();
    w->clear_dims();
    w->add_dims(100);
    w->set_data_location(onnx::TensorProto::EXTERNAL);
    extra.insert(extra.begin(), {"location", location});
    for (const auto& [key, value] : extra) {
      auto* entry = w->add_external_data();
      entry->set_key(key);
      entry->set_value(value);
    }
    return m;
  }

  fs::path dir_;
};

TEST_F(ModelIoErrors, MissingFile) {
  ExpectError(LoadError(Path("absent.onnx")), ErrorCode::kNotFound, {"absent.onnx"});
}

TEST_F(ModelIoErrors, EmptyFile) {
  ExpectError(LoadError(Write("empty.onnx", "")), ErrorCode::kInvalidModel,
              {"empty.onnx", "empty"});
}

TEST_F(ModelIoErrors, TruncatedFile) {
  const std::string bytes = ValidModel().SerializeAsString();
  ExpectError(LoadError(Write("cut.onnx", bytes.substr(0, bytes.size() / 2))),
              ErrorCode::kInvalidModel, {"cut.onnx", "truncated"});
}

TEST_F(ModelIoErrors, RandomBytes) {
  std::mt19937 rng(1234);
  for (int round = 0; round < 20; ++round) {
    std::string bytes(4096, '\0');
    for (char& c : bytes) c = static_cast<char>(rng());
    ExpectError(LoadError(Write("random.onnx", bytes)), ErrorCode::kInvalidModel,
                {"random.onnx", "not"});
  }
}

TEST_F(ModelIoErrors, TextFile) {
  ExpectError(LoadError(Write("model.txt", "ir_version: 8\ngraph {\n  name: \"g\"\n}\n")),
              ErrorCode::kInvalidModel, {"model.txt", "ONNX model"});
}

TEST_F(ModelIoErrors, RawDataSizeMismatch) {
  onnx::ModelProto m = ValidModel();
  m.mutable_graph()->mutable_initializer(0)->set_raw_data(std::string(1000, '\0'));
  ExpectError(LoadError(Write("bad_raw.onnx", m.SerializeAsString())), ErrorCode::kInvalidModel,
              {"bad_raw.onnx", "'weights'", "raw_data", "1000", "1024"});
}

TEST_F(ModelIoErrors, TypedDataProblems) {
  onnx::ModelProto m = ValidModel();
  auto* w = m.mutable_graph()->mutable_initializer(0);
  w->clear_raw_data();
  for (int i = 0; i < 255; ++i) w->add_float_data(1.0f);
  ExpectError(LoadError(Write("short.onnx", m.SerializeAsString())), ErrorCode::kInvalidModel,
              {"'weights'", "float_data", "255", "256"});

  w->clear_float_data();
  w->set_data_type(onnx::TensorProto::UINT8);
  for (int i = 0; i < 256; ++i) w->add_int32_data(i == 7 ? 300 : 1);
  ExpectError(LoadError(Write("range.onnx", m.SerializeAsString())), ErrorCode::kInvalidModel,
              {"'weights'", "300", "uint8"});

  w->clear_int32_data();
  for (int i = 0; i < 256; ++i) w->add_int64_data(1);
  ExpectError(LoadError(Write("field.onnx", m.SerializeAsString())), ErrorCode::kInvalidModel,
              {"'weights'", "int64_data"});

  w->set_data_type(99);
  ExpectError(LoadError(Write("dtype.onnx", m.SerializeAsString())), ErrorCode::kInvalidModel,
              {"'weights'", "99"});
}

TEST_F(ModelIoErrors, MissingExternalFile) {
  ExpectError(LoadError(Write("m.onnx", ExternalModel("gone.bin", {}).SerializeAsString())),
              ErrorCode::kNotFound, {"m.onnx", "'weights'", "gone.bin"});
}

TEST_F(ModelIoErrors, ExternalRangePastEnd) {
  Write("w.bin", std::string(300, '\0'));
  ExpectError(LoadError(Write("m.onnx", ExternalModel("w.bin", {}).SerializeAsString())),
              ErrorCode::kInvalidModel, {"'weights'", "w.bin", "past the end"});
  Write("w.bin", std::string(400, '\0'));
  ExpectError(
      LoadError(Write("m.onnx", ExternalModel("w.bin", {{"offset", "64"}}).SerializeAsString())),
      ErrorCode::kInvalidModel, {"'weights'", "past the end", "400 bytes"});
  ExpectError(
      LoadError(Write("m.onnx", ExternalModel("w.bin", {{"length", "800"}}).SerializeAsString())),
      ErrorCode::kInvalidModel, {"'weights'", "length 800"});
  ExpectError(
      LoadError(Write("m.onnx", ExternalModel("w.bin", {{"offset", "-4"}}).SerializeAsString())),
      ErrorCode::kInvalidModel, {"'weights'", "offset", "-4"});

  // The non-mapped path checks the same.
  LoadOptions read;
  read.validate = false;
  read.mmap_external_data = false;
  Write("m.onnx", ExternalModel("w.bin", {{"offset", "64"}}).SerializeAsString());
  try {
    LoadModelFile(Path("m.onnx"), read);
    ADD_FAILURE() << "range past the end accepted";
  } catch (const Error& e) {
    ExpectError(e, ErrorCode::kInvalidModel, {"'weights'", "past the end"});
  }
  // And the exact fit loads.
  Write("w.bin", std::string(464, '\0'));
  EXPECT_NO_THROW(LoadModelFile(Path("m.onnx"), read));
}

TEST_F(ModelIoErrors, LocationEscapingTheBaseDirectory) {
  fs::create_directories(dir_ / "sub");
  Write("outside.bin", std::string(400, '\0'));
  for (const std::string location : {"../outside.bin", "a/../../outside.bin", "/etc/passwd"}) {
    std::ofstream((dir_ / "sub" / "m.onnx").string(), std::ios::binary)
        << ExternalModel(location, {}).SerializeAsString();
    ExpectError(LoadError((dir_ / "sub" / "m.onnx").string()), ErrorCode::kInvalidModel,
                {"'weights'", location});
  }
}

TEST_F(ModelIoErrors, BlobErrors) {
  LoadOptions options;
  options.validate = false;
  try {
    LoadModelBytes(nullptr, 10, options);
    ADD_FAILURE() << "null blob accepted";
  } catch (const Error& e) {
    ExpectError(e, ErrorCode::kInvalidArgument, {"null"});
  }
  const std::string junk = "definitely not a model";
  try {
    LoadModelBytes(junk.data(), junk.size(), options);
    ADD_FAILURE() << "junk blob accepted";
  } catch (const Error& e) {
    ExpectError(e, ErrorCode::kInvalidModel, {"model blob"});
  }
}

TEST_F(ModelIoErrors, ValidationRunsOnLoad) {
  onnx::ModelProto m = ValidModel();
  m.mutable_graph()->mutable_node(0)->set_input(0, "dangling");
  const std::string path = Write("dangling.onnx", m.SerializeAsString());
  try {
    LoadModelFile(path, LoadOptions());
    ADD_FAILURE() << "a dangling input passed validation";
  } catch (const Error& e) {
    ExpectError(e, ErrorCode::kInvalidModel, {"dangling.onnx", "dangling"});
  }
  Write("ok.onnx", ValidModel().SerializeAsString());
  EXPECT_NO_THROW(LoadModelFile(Path("ok.onnx"), LoadOptions()));
}

}  // namespace
