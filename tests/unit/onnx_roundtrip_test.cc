// Import then export must give back the identical protobuf message: every model and tensor of
// Debian's libonnx-testdata, plus models built here that use every corner of the format.
#include <gtest/gtest.h>

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/unknown_field_set.h>
#include <google/protobuf/util/message_differencer.h>
#include <onnx/onnx-data_pb.h>
#include <onnx/onnx_pb.h>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "onnx/external_data.h"
#include "onnx/proto_convert.h"

namespace {

namespace fs = std::filesystem;
namespace pb = ::google::protobuf;
using nncf::onnx::FileExternalDataReader;
using nncf::onnx::ModelFromProto;
using nncf::onnx::ModelToProto;
using nncf::onnx::TensorFromProto;
using nncf::onnx::TensorToProto;

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

template <typename Message>
bool ParseBytes(const std::string& bytes, Message* message) {
  pb::io::CodedInputStream input(reinterpret_cast<const uint8_t*>(bytes.data()),
                                 static_cast<int>(bytes.size()));
  input.SetTotalBytesLimit(INT_MAX);
  return message->ParseFromCodedStream(&input) && input.ConsumedEntireMessage();
}

// Empty string when equal; otherwise protobuf's description of the differences.
std::string Differences(const pb::Message& expected, const pb::Message& actual) {
  if (pb::util::MessageDifferencer::Equals(expected, actual)) return "";
  pb::util::MessageDifferencer differencer;
  std::string report;
  differencer.ReportDifferencesToString(&report);
  differencer.Compare(expected, actual);
  if (report.size() > 2000) report = report.substr(0, 2000) + "...";
  return report.empty() ? "(messages differ)" : report;
}

std::string RoundTripModel(const onnx::ModelProto& original, const std::string& base_dir) {
  FileExternalDataReader reader(base_dir, true);
  nncf::ir::Model model = ModelFromProto(original, &reader);
  onnx::ModelProto exported;
  ModelToProto(model, &exported, nullptr);
  return Differences(original, exported);
}

std::string RoundTripTensor(const onnx::TensorProto& original) {
  nncf::ir::Tensor tensor = TensorFromProto(original, nullptr);
  onnx::TensorProto exported;
  TensorToProto(tensor, &exported, nullptr);
  return Differences(original, exported);
}

// Every TensorProto inside a test-data value (tensor, sequence, map or optional).
void CollectTensors(const onnx::SequenceProto& seq, std::vector<onnx::TensorProto>* out);
void CollectTensors(const onnx::MapProto& map, std::vector<onnx::TensorProto>* out) {
  if (map.has_values()) CollectTensors(map.values(), out);
}
void CollectTensors(const onnx::OptionalProto& opt, std::vector<onnx::TensorProto>* out) {
  if (opt.has_tensor_value()) out->push_back(opt.tensor_value());
  if (opt.has_sequence_value()) CollectTensors(opt.sequence_value(), out);
  if (opt.has_map_value()) CollectTensors(opt.map_value(), out);
  if (opt.has_optional_value()) CollectTensors(opt.optional_value(), out);
}
void CollectTensors(const onnx::SequenceProto& seq, std::vector<onnx::TensorProto>* out) {
  for (const auto& t : seq.tensor_values()) out->push_back(t);
  for (const auto& s : seq.sequence_values()) CollectTensors(s, out);
  for (const auto& m : seq.map_values()) CollectTensors(m, out);
  for (const auto& o : seq.optional_values()) CollectTensors(o, out);
}

// The declared type of test-data file input_K.pb / output_K.pb of `model`, if known.
const onnx::TypeProto* DeclaredType(const onnx::ModelProto& model, const std::string& file) {
  const bool input = file.rfind("input_", 0) == 0;
  const bool output = file.rfind("output_", 0) == 0;
  if (!input && !output) return nullptr;
  const size_t start = file.find('_') + 1;
  const int index = std::atoi(file.substr(start).c_str());
  std::vector<const onnx::ValueInfoProto*> values;
  if (input) {
    std::vector<std::string> initialized;
    for (const auto& t : model.graph().initializer()) initialized.push_back(t.name());
    for (const auto& vi : model.graph().input()) {
      if (std::find(initialized.begin(), initialized.end(), vi.name()) == initialized.end()) {
        values.push_back(&vi);
      }
    }
  } else {
    for (const auto& vi : model.graph().output()) values.push_back(&vi);
  }
  if (index < 0 || index >= static_cast<int>(values.size())) return nullptr;
  return values[index]->has_type() ? &values[index]->type() : nullptr;
}

TEST(OnnxRoundTrip, EveryModelAndTensorOfLibOnnxTestData) {
  const fs::path root = NNCF_ONNX_TESTDATA_DIR;
  if (!fs::exists(root)) GTEST_SKIP() << "libonnx-testdata is not installed at " << root;
  std::vector<fs::path> models;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (entry.is_regular_file() && entry.path().filename() == "model.onnx") {
      models.push_back(entry.path());
    }
  }
  std::sort(models.begin(), models.end());
  size_t models_checked = 0, tensors_checked = 0, failures = 0;
  for (const auto& path : models) {
    onnx::ModelProto original;
    if (!ParseBytes(ReadFile(path), &original)) {
      ADD_FAILURE() << path << ": does not parse as ModelProto";
      ++failures;
      continue;
    }
    std::string diff;
    try {
      diff = RoundTripModel(original, path.parent_path().string());
    } catch (const std::exception& e) {
      diff = std::string("import/export threw: ") + e.what();
    }
    ++models_checked;
    if (!diff.empty()) {
      ADD_FAILURE() << path << ": round trip differs:\n" << diff;
      ++failures;
    }
    for (const auto& dir : fs::directory_iterator(path.parent_path())) {
      if (!dir.is_directory() || dir.path().filename().string().rfind("test_data_set_", 0) != 0) {
        continue;
      }
      for (const auto& file : fs::directory_iterator(dir.path())) {
        if (file.path().extension() != ".pb") continue;
        const std::string bytes = ReadFile(file.path());
        const onnx::TypeProto* type = DeclaredType(original, file.path().filename().string());
        std::vector<onnx::TensorProto> tensors;
        bool parsed = true;
        if (type == nullptr || type->has_tensor_type() || type->has_sparse_tensor_type()) {
          onnx::TensorProto tensor;
          parsed = ParseBytes(bytes, &tensor);
          tensors.push_back(tensor);
        } else if (type->has_sequence_type()) {
          onnx::SequenceProto seq;
          parsed = ParseBytes(bytes, &seq);
          CollectTensors(seq, &tensors);
        } else if (type->has_optional_type()) {
          onnx::OptionalProto opt;
          parsed = ParseBytes(bytes, &opt);
          CollectTensors(opt, &tensors);
        } else if (type->has_map_type()) {
          onnx::MapProto map;
          parsed = ParseBytes(bytes, &map);
          CollectTensors(map, &tensors);
        }
        if (!parsed) {
          ADD_FAILURE() << file.path() << ": does not parse as its declared type";
          ++failures;
          continue;
        }
        for (const auto& tensor : tensors) {
          std::string tensor_diff;
          try {
            tensor_diff = RoundTripTensor(tensor);
          } catch (const std::exception& e) {
            tensor_diff = std::string("import/export threw: ") + e.what();
          }
          ++tensors_checked;
          if (!tensor_diff.empty()) {
            ADD_FAILURE() << file.path() << ": tensor round trip differs:\n" << tensor_diff;
            ++failures;
          }
        }
      }
    }
  }
  std::cout << "[roundtrip] libonnx-testdata: " << models_checked << " models and "
            << tensors_checked << " test-data tensors checked, " << failures << " failures\n";
  EXPECT_GT(models_checked, 900u);
  EXPECT_GT(tensors_checked, 2000u);
}

// ---- models built here ----

void AddUnknownVarint(pb::Message* message, int number, uint64_t value) {
  message->GetReflection()->MutableUnknownFields(message)->AddVarint(number, value);
}
void AddUnknownBytes(pb::Message* message, int number, const std::string& value) {
  message->GetReflection()->MutableUnknownFields(message)->AddLengthDelimited(number, value);
}

onnx::TensorProto* AddRawTensor(onnx::GraphProto* graph, const std::string& name, int32_t dtype,
                                std::vector<int64_t> dims, const std::string& raw) {
  auto* t = graph->add_initializer();
  t->set_name(name);
  t->set_data_type(dtype);
  for (int64_t d : dims) t->add_dims(d);
  t->set_raw_data(raw);
  return t;
}

// One raw and one typed initializer for every numeric dtype 1..23, three elements each.
void AddEveryDtype(onnx::GraphProto* graph) {
  struct Case {
    int32_t dtype;
    size_t raw_bytes;  // for three elements
  };
  const Case cases[] = {{1, 12}, {2, 3},   {3, 3},   {4, 6},   {5, 6},   {6, 12},  {7, 24}, {9, 3},
                        {10, 6}, {11, 24}, {12, 12}, {13, 24}, {14, 24}, {15, 48}, {16, 6}, {17, 3},
                        {18, 3}, {19, 3},  {20, 3},  {21, 2},  {22, 2},  {23, 2}};
  for (const Case& c : cases) {
    std::string raw(c.raw_bytes, '\0');
    for (size_t i = 0; i < raw.size(); ++i) raw[i] = static_cast<char>((i * 37 + c.dtype) & 0x7f);
    if (c.dtype == 9) raw = std::string("\x01\x00\x01", 3);
    AddRawTensor(graph, "raw_" + std::to_string(c.dtype), c.dtype, {3}, raw);

    auto* t = graph->add_initializer();
    t->set_name("typed_" + std::to_string(c.dtype));
    t->set_data_type(c.dtype);
    t->add_dims(3);
    switch (c.dtype) {
      case 1:
        for (float v : {1.5f, -2.0f, 3.25f}) t->add_float_data(v);
        break;
      case 14:
        for (float v : {1.f, 2.f, 3.f, 4.f, 5.f, 6.f}) t->add_float_data(v);
        break;
      case 11:
        for (double v : {1.5, -2.0, 1e300}) t->add_double_data(v);
        break;
      case 15:
        for (double v : {1., 2., 3., 4., 5., 6.}) t->add_double_data(v);
        break;
      case 7:
        for (int64_t v : {int64_t{-1}, int64_t{1} << 40, int64_t{7}}) t->add_int64_data(v);
        break;
      case 12:
        for (uint64_t v : {0u, 4000000000u, 7u}) t->add_uint64_data(v);
        break;
      case 13:
        for (uint64_t v : {uint64_t{0}, ~uint64_t{0}, uint64_t{7}}) t->add_uint64_data(v);
        break;
      case 6:
        for (int32_t v : {INT32_MIN, -1, INT32_MAX}) t->add_int32_data(v);
        break;
      case 3:
        for (int32_t v : {-128, -1, 127}) t->add_int32_data(v);
        break;
      case 5:
        for (int32_t v : {-32768, -1, 32767}) t->add_int32_data(v);
        break;
      case 9:
        for (int32_t v : {1, 0, 1}) t->add_int32_data(v);
        break;
      case 4:
      case 10:
      case 16:
        for (int32_t v : {0, 0x3c00, 0xffff}) t->add_int32_data(v);
        break;
      case 21:
      case 22:
      case 23:
        // Two 4-bit elements per int32_data entry: three elements take two entries.
        for (int32_t v : {0xf1, 0x07}) t->add_int32_data(v);
        break;
      default:  // uint8 and the float8 formats: one byte per entry
        for (int32_t v : {0, 0x7f, 0xff}) t->add_int32_data(v);
        break;
    }
  }
  auto* s = graph->add_initializer();
  s->set_name("strings");
  s->set_data_type(8);
  s->add_dims(2);
  s->add_string_data("hello");
  s->add_string_data(std::string("\0bin", 4));
  // Zero-element tensors: raw present but empty, and no data field at all.
  AddRawTensor(graph, "empty_raw", 1, {0, 4}, "");
  auto* empty_typed = graph->add_initializer();
  empty_typed->set_name("empty_typed");
  empty_typed->set_data_type(7);
  empty_typed->add_dims(0);
  // A scalar.
  AddRawTensor(graph, "scalar", 1, {}, std::string(4, '\x01'));
}

void SetTensorType(onnx::TypeProto* type, int32_t elem, std::vector<std::string> dims) {
  auto* tt = type->mutable_tensor_type();
  tt->set_elem_type(elem);
  auto* shape = tt->mutable_shape();
  for (const auto& d : dims) {
    auto* dim = shape->add_dim();
    if (d.empty()) continue;  // neither value nor param
    if (d[0] == '?') {
      dim->set_dim_param(d.substr(1));
    } else {
      dim->set_dim_value(std::stoll(d));
    }
  }
}

onnx::GraphProto SmallGraph(const std::string& name, const std::string& in,
                            const std::string& out) {
  onnx::GraphProto g;
  g.set_name(name);
  auto* node = g.add_node();
  node->set_op_type("Identity");
  node->add_input(in);
  node->add_output(out);
  auto* vi = g.add_output();
  vi->set_name(out);
  SetTensorType(vi->mutable_type(), 1, {"?N", "4"});
  AddRawTensor(&g, name + "_w", 1, {1}, std::string(4, '\x02'));
  return g;
}

onnx::ModelProto KitchenSinkModel() {
  onnx::ModelProto m;
  m.set_ir_version(9);
  m.set_producer_name("nncf-test");
  m.set_producer_version("");  // present with the default value
  m.set_model_version(0);
  m.set_doc_string("a model with everything");
  auto* op = m.add_opset_import();
  op->set_domain("");
  op->set_version(21);
  auto* op2 = m.add_opset_import();
  op2->set_domain("local");
  op2->set_version(1);
  AddUnknownVarint(op2, 99, 5);
  auto* meta = m.add_metadata_props();
  meta->set_key("author");
  meta->set_value("");
  AddUnknownBytes(meta, 7, "x");

  auto* g = m.mutable_graph();
  g->set_name("main");
  g->set_doc_string("");
  AddEveryDtype(g);

  auto* x = g->add_input();
  x->set_name("x");
  x->set_doc_string("input doc");
  SetTensorType(x->mutable_type(), 1, {"?batch", "4", ""});
  x->mutable_type()->set_denotation("IMAGE");
  x->mutable_type()->mutable_tensor_type()->mutable_shape()->mutable_dim(0)->set_denotation(
      "DATA_BATCH");
  x->mutable_type()->mutable_tensor_type()->mutable_shape()->mutable_dim(1)->set_denotation("");
  AddUnknownVarint(x, 30, 1);
  AddUnknownVarint(x->mutable_type(), 31, 2);
  AddUnknownVarint(x->mutable_type()->mutable_tensor_type(), 32, 3);
  AddUnknownVarint(x->mutable_type()->mutable_tensor_type()->mutable_shape(), 33, 4);
  AddUnknownVarint(x->mutable_type()->mutable_tensor_type()->mutable_shape()->mutable_dim(0), 34,
                   5);

  // Non-tensor value types.
  auto* seq = g->add_value_info();
  seq->set_name("seq");
  SetTensorType(seq->mutable_type()->mutable_sequence_type()->mutable_elem_type(), 7, {"?L"});
  auto* map = g->add_value_info();
  map->set_name("map");
  map->mutable_type()->mutable_map_type()->set_key_type(7);
  SetTensorType(map->mutable_type()
                    ->mutable_map_type()
                    ->mutable_value_type()
                    ->mutable_sequence_type()
                    ->mutable_elem_type(),
                1, {});
  auto* map0 = g->add_value_info();
  map0->set_name("map_key_default");
  map0->mutable_type()->mutable_map_type()->set_key_type(0);
  auto* opt = g->add_value_info();
  opt->set_name("opt");
  SetTensorType(opt->mutable_type()->mutable_optional_type()->mutable_elem_type(), 1, {"2"});
  auto* opt_seq = g->add_value_info();
  opt_seq->set_name("opt_seq");
  opt_seq->mutable_type()->mutable_optional_type()->mutable_elem_type()->mutable_sequence_type();
  auto* sparse = g->add_value_info();
  sparse->set_name("sparse");
  sparse->mutable_type()->mutable_sparse_tensor_type()->set_elem_type(1);
  sparse->mutable_type()->mutable_sparse_tensor_type()->mutable_shape()->add_dim()->set_dim_value(
      10);
  auto* opaque = g->add_value_info();
  opaque->set_name("opaque");
  opaque->mutable_type()->mutable_opaque_type()->set_domain("");
  opaque->mutable_type()->mutable_opaque_type()->set_name("thing");
  auto* untyped = g->add_value_info();
  untyped->set_name("untyped");
  auto* no_shape = g->add_value_info();
  no_shape->set_name("rank_unknown");
  no_shape->mutable_type()->mutable_tensor_type()->set_elem_type(1);
  auto* scalar_vi = g->add_value_info();
  scalar_vi->set_name("scalar_vi");
  scalar_vi->mutable_type()->mutable_tensor_type()->mutable_shape();

  auto* y = g->add_output();
  y->set_name("y");
  SetTensorType(y->mutable_type(), 1, {"?batch", "4"});

  // Nodes with every attribute kind.
  auto* node = g->add_node();
  node->set_name("");
  node->set_op_type("Custom");
  node->set_domain("local");
  node->set_doc_string("node doc");
  node->add_input("x");
  node->add_input("");
  node->add_output("y");
  AddUnknownBytes(node, 40, "node-extra");
  auto add_attr = [&](const std::string& name, onnx::AttributeProto::AttributeType type) {
    auto* a = node->add_attribute();
    a->set_name(name);
    a->set_type(type);
    return a;
  };
  add_attr("f", onnx::AttributeProto::FLOAT)->set_f(0.0f);
  add_attr("i", onnx::AttributeProto::INT)->set_i(-3);
  add_attr("s", onnx::AttributeProto::STRING)->set_s("");
  auto* at = add_attr("t", onnx::AttributeProto::TENSOR);
  at->mutable_t()->set_data_type(1);
  at->mutable_t()->add_float_data(2.5f);
  at->mutable_t()->set_data_location(onnx::TensorProto::DEFAULT);
  at->mutable_t()->mutable_segment()->set_begin(0);
  at->mutable_t()->mutable_segment()->set_end(1);
  AddUnknownVarint(at->mutable_t(), 50, 9);
  *add_attr("g", onnx::AttributeProto::GRAPH)->mutable_g() = SmallGraph("sub", "x", "z");
  auto* sp = add_attr("sp", onnx::AttributeProto::SPARSE_TENSOR)->mutable_sparse_tensor();
  sp->add_dims(10);
  sp->mutable_values()->set_data_type(1);
  sp->mutable_values()->add_dims(1);
  sp->mutable_values()->add_float_data(1.0f);
  sp->mutable_indices()->set_data_type(7);
  sp->mutable_indices()->add_dims(1);
  sp->mutable_indices()->add_int64_data(3);
  SetTensorType(add_attr("tp", onnx::AttributeProto::TYPE_PROTO)->mutable_tp(), 10, {"1"});
  auto* floats = add_attr("floats", onnx::AttributeProto::FLOATS);
  floats->add_floats(1.0f);
  floats->add_floats(-0.0f);
  auto* ints = add_attr("ints", onnx::AttributeProto::INTS);
  ints->add_ints(1);
  ints->add_ints(INT64_MIN);
  auto* strings = add_attr("strings", onnx::AttributeProto::STRINGS);
  strings->add_strings("a");
  strings->add_strings("");
  auto* tensors = add_attr("tensors", onnx::AttributeProto::TENSORS);
  tensors->add_tensors()->set_data_type(22);
  tensors->mutable_tensors(0)->add_dims(3);
  tensors->mutable_tensors(0)->add_int32_data(0x21);
  tensors->mutable_tensors(0)->add_int32_data(0x0f);
  *add_attr("graphs", onnx::AttributeProto::GRAPHS)->add_graphs() = SmallGraph("g1", "x", "q");
  *add_attr("sparses", onnx::AttributeProto::SPARSE_TENSORS)->add_sparse_tensors() = *sp;
  auto* tps = add_attr("tps", onnx::AttributeProto::TYPE_PROTOS);
  SetTensorType(tps->add_type_protos(), 1, {});
  tps->add_type_protos()->mutable_sequence_type();
  auto* undefined = node->add_attribute();
  undefined->set_name("undefined_type");
  undefined->set_type(onnx::AttributeProto::UNDEFINED);
  undefined->set_doc_string("");
  auto* ref = node->add_attribute();
  ref->set_name("ref");
  ref->set_ref_attr_name("outer");
  ref->set_type(onnx::AttributeProto::INT);
  AddUnknownVarint(ref, 60, 1);

  // Control flow with subgraphs.
  auto* if_node = g->add_node();
  if_node->set_op_type("If");
  if_node->add_input("cond");
  if_node->add_output("if_out");
  auto* then_attr = if_node->add_attribute();
  then_attr->set_name("then_branch");
  then_attr->set_type(onnx::AttributeProto::GRAPH);
  *then_attr->mutable_g() = SmallGraph("then", "x", "t_out");
  auto* else_attr = if_node->add_attribute();
  else_attr->set_name("else_branch");
  else_attr->set_type(onnx::AttributeProto::GRAPH);
  *else_attr->mutable_g() = SmallGraph("else", "x", "e_out");
  auto* loop = g->add_node();
  loop->set_op_type("Loop");
  loop->add_input("M");
  loop->add_input("");
  loop->add_output("loop_out");
  auto* body = loop->add_attribute();
  body->set_name("body");
  body->set_type(onnx::AttributeProto::GRAPH);
  *body->mutable_g() = SmallGraph("body", "x", "b_out");
  // A Loop inside the loop body.
  auto* inner = body->mutable_g()->add_node();
  inner->set_op_type("Scan");
  inner->add_input("x");
  inner->add_output("scan_out");
  auto* scan_body = inner->add_attribute();
  scan_body->set_name("body");
  scan_body->set_type(onnx::AttributeProto::GRAPH);
  *scan_body->mutable_g() = SmallGraph("scan_body", "x", "s_out");
  auto* num = inner->add_attribute();
  num->set_name("num_scan_inputs");
  num->set_type(onnx::AttributeProto::INT);
  num->set_i(1);

  auto* sparse_init = g->add_sparse_initializer();
  *sparse_init = *sp;
  sparse_init->mutable_values()->set_name("sparse_w");
  auto* annotation = g->add_quantization_annotation();
  annotation->set_tensor_name("y");
  auto* qp = annotation->add_quant_parameter_tensor_names();
  qp->set_key("SCALE_TENSOR");
  qp->set_value("y_scale");
  AddUnknownVarint(g, 70, 11);

  // A model-local function, with an attribute default (field 11, newer than ONNX 1.12).
  auto* fn = m.add_functions();
  fn->set_name("MyFn");
  fn->set_domain("local");
  fn->set_doc_string("");
  fn->add_input("a");
  fn->add_output("b");
  fn->add_attribute("alpha");
  auto* fn_node = fn->add_node();
  fn_node->set_op_type("Identity");
  fn_node->add_input("a");
  fn_node->add_output("b");
  auto* fn_op = fn->add_opset_import();
  fn_op->set_domain("");
  fn_op->set_version(18);
  onnx::AttributeProto beta;
  beta.set_name("beta");
  beta.set_type(onnx::AttributeProto::FLOAT);
  beta.set_f(0.5f);
  AddUnknownBytes(fn, nncf::onnx::kFunctionAttributeProtoField, beta.SerializeAsString());
  AddUnknownBytes(fn, 12, "value_info-like");  // another newer field
  beta.set_name("gamma");
  AddUnknownBytes(fn, nncf::onnx::kFunctionAttributeProtoField, beta.SerializeAsString());

  // Training info, kept verbatim.
  auto* training = m.add_training_info();
  *training->mutable_initialization() = SmallGraph("init", "x", "w0");
  auto* binding = training->add_update_binding();
  binding->set_key("w");
  binding->set_value("w_new");

  AddUnknownVarint(&m, 100, 123);
  AddUnknownBytes(&m, 101, "model-extra");
  return m;
}

TEST(OnnxRoundTrip, KitchenSinkModel) {
  const onnx::ModelProto original = KitchenSinkModel();
  EXPECT_EQ(RoundTripModel(original, "."), "");

  // The comparison itself notices a one-field difference (negative control).
  onnx::ModelProto changed = original;
  changed.mutable_graph()->mutable_node(0)->mutable_attribute(0)->set_doc_string("");
  EXPECT_NE(Differences(original, changed), "");

  FileExternalDataReader reader(".", true);
  const nncf::ir::Model model = ModelFromProto(original, &reader);
  ASSERT_EQ(model.functions.size(), 1u);
  ASSERT_EQ(model.functions[0].attribute_defaults.size(), 2u);
  EXPECT_EQ(model.functions[0].attribute_defaults[0].name, "beta");
  EXPECT_FALSE(model.functions[0].unknown_fields.empty());  // field 12 stays unknown

  // Typed data is decoded into little-endian bytes.
  const nncf::ir::Tensor* int8 = model.graph->FindInitializer("typed_3");
  ASSERT_NE(int8, nullptr);
  EXPECT_EQ(int8->bytes()[0], 0x80);
  EXPECT_EQ(int8->bytes()[1], 0xff);
  const nncf::ir::Tensor* int4 = model.graph->FindInitializer("typed_22");
  ASSERT_NE(int4, nullptr);
  ASSERT_EQ(int4->ByteSize(), 2u);
  EXPECT_EQ(int4->bytes()[0], 0xf1);
  const nncf::ir::Tensor* u32 = model.graph->FindInitializer("typed_12");
  ASSERT_NE(u32, nullptr);
  uint32_t second;
  std::memcpy(&second, u32->bytes() + 4, 4);
  EXPECT_EQ(second, 4000000000u);
  EXPECT_EQ(model.graph->value_info[0].type->kind, nncf::ir::Type::Kind::kSequence);
}

TEST(OnnxRoundTrip, PresenceOfDefaultsIsExact) {
  // The same model with and without explicitly written defaults must stay distinguishable.
  onnx::ModelProto with_defaults;
  with_defaults.set_ir_version(0);
  with_defaults.set_domain("");
  auto* g = with_defaults.mutable_graph();
  g->set_name("");
  auto* t = g->add_initializer();
  t->set_name("");
  t->set_data_type(0);
  t->set_doc_string("");
  auto* n = g->add_node();
  n->set_op_type("");
  n->set_domain("");
  auto* opset = with_defaults.add_opset_import();
  opset->set_domain("");
  opset->set_version(0);
  EXPECT_EQ(RoundTripModel(with_defaults, "."), "");

  onnx::ModelProto without;
  without.mutable_graph()->add_initializer();
  without.mutable_graph()->add_node();
  without.add_opset_import();
  EXPECT_EQ(RoundTripModel(without, "."), "");
  EXPECT_FALSE(pb::util::MessageDifferencer::Equals(with_defaults, without));
}

TEST(OnnxRoundTrip, ExternalDataStaysExternalInMemory) {
  const fs::path dir = fs::temp_directory_path() / ("nncf_rt_ext_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::vector<float> values(1000);
  for (size_t i = 0; i < values.size(); ++i) values[i] = static_cast<float>(i) * 0.5f;
  {
    std::ofstream out(dir / "weights.bin", std::ios::binary);
    out.write("padding!", 8);
    out.write(reinterpret_cast<const char*>(values.data()), values.size() * 4);
  }
  onnx::ModelProto m;
  m.set_ir_version(8);
  auto* t = m.mutable_graph()->add_initializer();
  t->set_name("w");
  t->set_data_type(1);
  t->add_dims(1000);
  t->set_data_location(onnx::TensorProto::EXTERNAL);
  for (auto [k, v] : {std::pair<const char*, const char*>{"location", "weights.bin"},
                      {"offset", "8"},
                      {"length", "4000"}}) {
    auto* e = t->add_external_data();
    e->set_key(k);
    e->set_value(v);
  }
  EXPECT_EQ(RoundTripModel(m, dir.string()), "");

  FileExternalDataReader reader(dir.string(), true);
  const nncf::ir::Model model = ModelFromProto(m, &reader);
  const nncf::ir::Tensor& w = model.graph->initializers[0];
  EXPECT_TRUE(w.IsMapped());
  EXPECT_EQ(w.encoding, nncf::ir::TensorEncoding::kExternal);
  EXPECT_EQ(std::memcmp(w.bytes(), values.data(), 4000), 0);
  fs::remove_all(dir);
}

}  // namespace
