// Runs the ONNX backend node tests (Debian's libonnx-testdata) through nncf::exec::Executor,
// grouped by the operator each case tests. --data names another directory of the same layout
// (tests/conformance/golden: cases generated with ONNX Runtime); there --all also runs the ops its
// cases use that operators.txt does not list. Every case runs in a forked child so that a crash or
// a hang in one kernel is reported as that case's failure instead of ending the run.
//
//   conformance_runner --op Conv [--op Relu ...] [--all] [--list] [--verbose] [--threads N]
//                      [--data DIR] [--operators FILE] [--exclusions FILE] [--tolerances FILE]
//                      [--no-fork]
//                      [--case test_name] [--timeout SECONDS]

#include <onnx/onnx_pb.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "core/common/error.h"
#include "core/exec/executor.h"
#include "core/ir/dtype.h"
#include "core/ir/model.h"
#include "core/ir/tensor.h"
#include "onnx/model_io.h"
#include "onnx/proto_convert.h"

namespace {

namespace fs = std::filesystem;
using nncf::ErrorCode;
using nncf::ir::DType;

// The ONNX backend test tolerance for floating-point outputs.
constexpr double kRelTolerance = 1e-3;
constexpr double kAbsTolerance = 1e-7;

// A case whose reference data is known to be computed differently from the current spec gets a
// wider relative tolerance, with the reason committed next to it.
struct Tolerance {
  double rtol = kRelTolerance;
  std::string reason;
};

// The data directories the committed lists (exclusions, tolerances) may name cases of.
constexpr const char* kNodeTestDir = NNCF_ONNX_TESTDATA_DIR "/node";
constexpr const char* kGoldenDir = NNCF_SOURCE_DIR "/tests/conformance/golden";

struct Options {
  std::vector<std::string> ops;
  std::set<std::string> only_cases;
  bool all = false;
  bool list = false;
  bool verbose = false;
  bool fork_cases = true;
  int threads = 1;
  int timeout_seconds = 120;
  std::string data_dir = kNodeTestDir;
  std::string operators_file = NNCF_SOURCE_DIR "/tests/conformance/operators.txt";
  std::string exclusions_file = NNCF_SOURCE_DIR "/tests/conformance/exclusions.txt";
  std::string tolerances_file = NNCF_SOURCE_DIR "/tests/conformance/tolerances.txt";
  std::map<std::string, Tolerance> tolerances;  // read from tolerances_file
};

struct TestCase {
  std::string name;
  fs::path dir;
  std::set<std::string> ops;  // op types the case is attributed to
  bool expanded = false;
};

enum class Outcome { kPass, kFail, kExcluded };

struct CaseResult {
  Outcome outcome = Outcome::kFail;
  std::string message;
};

[[noreturn]] void Usage(const std::string& problem) {
  std::cerr << "conformance_runner: " << problem << "\n"
            << "usage: conformance_runner (--op OP ... | --all) [--list] [--verbose] "
               "[--threads N] [--case NAME] [--data DIR] [--operators FILE] [--exclusions FILE] "
               "[--tolerances FILE] [--timeout SECONDS] [--no-fork]\n";
  std::exit(2);
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw nncf::Error(ErrorCode::kIo, "cannot read " + path.string());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string Trim(const std::string& s) {
  const size_t begin = s.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) return "";
  const size_t end = s.find_last_not_of(" \t\r\n");
  return s.substr(begin, end - begin + 1);
}

// Non-empty lines with '#' comments removed.
std::vector<std::string> ReadListLines(const std::string& path) {
  std::ifstream in(path);
  if (!in) Usage("cannot read " + path);
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    const size_t hash = line.find('#');
    if (hash != std::string::npos) line.resize(hash);
    line = Trim(line);
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

std::vector<std::string> ReadOperators(const std::string& path) {
  std::vector<std::string> ops;
  std::set<std::string> seen;
  for (const std::string& line : ReadListLines(path)) {
    if (line.find_first_of(" \t") != std::string::npos) Usage(path + ": bad line '" + line + "'");
    if (!seen.insert(line).second) Usage(path + ": " + line + " listed twice");
    ops.push_back(line);
  }
  return ops;
}

// test name -> reason
std::map<std::string, std::string> ReadExclusions(const std::string& path) {
  std::map<std::string, std::string> exclusions;
  for (const std::string& line : ReadListLines(path)) {
    const size_t space = line.find_first_of(" \t");
    if (space == std::string::npos) Usage(path + ": '" + line + "' has no reason");
    const std::string name = line.substr(0, space);
    if (!exclusions.emplace(name, Trim(line.substr(space))).second) {
      Usage(path + ": " + name + " listed twice");
    }
  }
  return exclusions;
}

// test name -> relative tolerance and reason ("test_name rtol reason")
std::map<std::string, Tolerance> ReadTolerances(const std::string& path) {
  std::map<std::string, Tolerance> tolerances;
  if (!fs::exists(path)) return tolerances;
  for (const std::string& line : ReadListLines(path)) {
    std::istringstream in(line);
    std::string name;
    Tolerance t;
    if (!(in >> name >> t.rtol) || t.rtol <= 0) Usage(path + ": bad line '" + line + "'");
    std::getline(in, t.reason);
    t.reason = Trim(t.reason);
    if (t.reason.empty()) Usage(path + ": '" + name + "' has no reason");
    if (!tolerances.emplace(name, t).second) Usage(path + ": " + name + " listed twice");
  }
  return tolerances;
}

std::set<std::string> TopLevelOpTypes(const fs::path& model_path) {
  ::onnx::ModelProto model;
  if (!model.ParseFromString(ReadFile(model_path))) {
    throw nncf::Error(ErrorCode::kInvalidModel, "cannot parse " + model_path.string());
  }
  std::set<std::string> ops;
  for (const ::onnx::NodeProto& node : model.graph().node()) ops.insert(node.op_type());
  return ops;
}

// Every test_* directory with a model; function-expanded cases take the ops of their base case
// (the test of the op they decompose), since their own nodes are the decomposition.
std::vector<TestCase> DiscoverCases(const std::string& data_dir) {
  std::vector<TestCase> cases;
  std::error_code ec;
  fs::directory_iterator it(data_dir, ec);
  if (ec) Usage("cannot list " + data_dir + ": " + ec.message());
  for (const fs::directory_entry& entry : it) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("test_", 0) != 0 || !fs::exists(entry.path() / "model.onnx")) continue;
    TestCase test;
    test.name = name;
    test.dir = entry.path();
    cases.push_back(std::move(test));
  }
  std::sort(cases.begin(), cases.end(),
            [](const TestCase& a, const TestCase& b) { return a.name < b.name; });
  std::map<std::string, std::set<std::string>> own_ops;
  for (TestCase& test : cases) own_ops[test.name] = TopLevelOpTypes(test.dir / "model.onnx");
  for (TestCase& test : cases) {
    const size_t pos = test.name.find("_expanded");
    test.expanded = pos != std::string::npos;
    std::string base = test.name;
    if (test.expanded) base.erase(pos, std::string("_expanded").size());
    const auto found = own_ops.find(base);
    test.ops = found != own_ops.end() ? found->second : own_ops[test.name];
  }
  return cases;
}

// Names of the test_* case directories of a data directory (none when it does not exist).
std::set<std::string> CaseNamesIn(const std::string& data_dir) {
  std::set<std::string> names;
  std::error_code ec;
  for (fs::directory_iterator it(data_dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.rfind("test_", 0) == 0 && fs::exists(it->path() / "model.onnx")) names.insert(name);
  }
  return names;
}

std::vector<fs::path> SortedFiles(const fs::path& dir, const std::string& prefix) {
  std::vector<std::pair<int, fs::path>> numbered;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(prefix, 0) != 0) continue;
    const std::string digits = name.substr(prefix.size(), name.find('.') - prefix.size());
    if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos) continue;
    numbered.emplace_back(std::stoi(digits), entry.path());
  }
  std::sort(numbered.begin(), numbered.end());
  std::vector<fs::path> paths;
  for (auto& [index, path] : numbered) paths.push_back(path);
  return paths;
}

std::vector<fs::path> DataSets(const fs::path& case_dir) {
  std::vector<fs::path> sets;
  for (const fs::directory_entry& entry : fs::directory_iterator(case_dir)) {
    if (entry.is_directory() && entry.path().filename().string().rfind("test_data_set_", 0) == 0) {
      sets.push_back(entry.path());
    }
  }
  std::sort(sets.begin(), sets.end());
  return sets;
}

// ONNX 1.12's generator stores bfloat16 data as uint16 TensorProtos (numpy has no bfloat16); the
// bits are the bfloat16 values, so a value the graph declares bfloat16 is reinterpreted.
void MatchDeclaredBFloat16(const nncf::ir::ValueInfo* info, nncf::ir::Tensor* value) {
  if (info && info->type && info->type->IsTensor() &&
      info->type->tensor_dtype() == DType::kBFloat16 && value->dtype == DType::kUint16) {
    value->dtype = DType::kBFloat16;
  }
}

nncf::ir::Tensor LoadTensor(const fs::path& path) {
  ::onnx::TensorProto proto;
  if (!proto.ParseFromString(ReadFile(path))) {
    throw nncf::Error(ErrorCode::kInvalidArgument, "cannot parse TensorProto " + path.string());
  }
  return nncf::onnx::TensorFromProto(proto, nullptr);
}

std::string DimsString(const std::vector<int64_t>& dims) {
  std::string s = "[";
  for (size_t i = 0; i < dims.size(); ++i) s += (i ? ", " : "") + std::to_string(dims[i]);
  return s + "]";
}

std::string FormatDouble(double v) {
  char text[64];
  std::snprintf(text, sizeof(text), "%.9g", v);
  return text;
}

// ONNX backend semantics: floats within tolerance (NaN matches NaN, infinities must match
// exactly), everything else bit-exact. Returns "" when equal, else what differs.
std::string CompareTensors(const nncf::ir::Tensor& got, const nncf::ir::Tensor& expected,
                           double rtol) {
  if (got.dtype != expected.dtype) {
    return std::string("dtype ") + nncf::ir::DTypeName(got.dtype) + ", expected " +
           nncf::ir::DTypeName(expected.dtype);
  }
  if (got.dims != expected.dims) {
    return "shape " + DimsString(got.dims) + ", expected " + DimsString(expected.dims);
  }
  const int64_t count = expected.NumElements();
  if (expected.dtype == DType::kString) {
    for (int64_t i = 0; i < count; ++i) {
      if (got.strings.at(i) != expected.strings.at(i)) {
        return "element " + std::to_string(i) + " is \"" + got.strings[i] + "\", expected \"" +
               expected.strings[i] + "\"";
      }
    }
    return "";
  }
  if (got.ByteSize() != expected.ByteSize()) {
    return "holds " + std::to_string(got.ByteSize()) + " bytes, expected " +
           std::to_string(expected.ByteSize());
  }
  if (expected.dtype == DType::kComplex64 || expected.dtype == DType::kComplex128) {
    return std::memcmp(got.bytes(), expected.bytes(), expected.ByteSize()) == 0
               ? ""
               : "complex values differ";
  }
  const bool is_float = nncf::ir::IsFloatingPoint(expected.dtype);
  int64_t mismatches = 0;
  int64_t first = -1;
  double worst = 0;
  for (int64_t i = 0; i < count; ++i) {
    bool equal;
    if (is_float) {
      const double g = got.GetAsDouble(i), e = expected.GetAsDouble(i);
      if (std::isnan(e) || std::isnan(g)) {
        equal = std::isnan(e) && std::isnan(g);
      } else if (std::isinf(e) || std::isinf(g)) {
        equal = g == e;
      } else {
        const double diff = std::fabs(g - e);
        equal = diff <= kAbsTolerance + rtol * std::fabs(e);
        if (!equal) worst = std::max(worst, diff);
      }
    } else {
      equal = got.GetAsDouble(i) == expected.GetAsDouble(i);
    }
    if (!equal) {
      if (first < 0) first = i;
      ++mismatches;
    }
  }
  if (mismatches == 0) return "";
  std::string message = std::to_string(mismatches) + " of " + std::to_string(count) +
                        " elements differ; element " + std::to_string(first) + " is " +
                        FormatDouble(got.GetAsDouble(first)) + ", expected " +
                        FormatDouble(expected.GetAsDouble(first));
  if (is_float && worst > 0) message += " (max abs diff " + FormatDouble(worst) + ")";
  return message;
}

// Runs one case (all its data sets). Throws nncf::Error from loading or the executor; returns the
// mismatch description ("" when every output matches).
std::string RunCase(const TestCase& test, const Options& options) {
  const auto tolerance_it = options.tolerances.find(test.name);
  const double rtol =
      tolerance_it != options.tolerances.end() ? tolerance_it->second.rtol : kRelTolerance;
  nncf::onnx::LoadOptions load;
  auto model = std::make_shared<nncf::ir::Model>(
      nncf::onnx::LoadModelFile((test.dir / "model.onnx").string(), load));
  nncf::exec::ExecutorOptions exec_options;
  exec_options.num_threads = options.threads;
  nncf::exec::Executor executor(model, exec_options);

  const std::vector<const nncf::ir::ValueInfo*> real_inputs = model->graph->RealInputs();
  const std::vector<fs::path> sets = DataSets(test.dir);
  if (sets.empty()) return "no test_data_set_* directory";
  for (const fs::path& set : sets) {
    const std::string set_name = set.filename().string();
    const std::vector<fs::path> input_files = SortedFiles(set, "input_");
    const std::vector<fs::path> output_files = SortedFiles(set, "output_");
    if (input_files.size() > real_inputs.size()) {
      return set_name + ": " + std::to_string(input_files.size()) + " input files for " +
             std::to_string(real_inputs.size()) + " graph inputs";
    }
    nncf::exec::NamedTensors feeds;
    for (size_t i = 0; i < input_files.size(); ++i) {
      const nncf::ir::ValueInfo& info = *real_inputs[i];
      if (info.type && !info.type->IsTensor()) {
        return set_name + ": input '" + info.name +
               "' is not a tensor; the executor takes tensors only, so it should have rejected "
               "the model with kUnsupported";
      }
      nncf::ir::Tensor value = LoadTensor(input_files[i]);
      MatchDeclaredBFloat16(&info, &value);
      value.name = info.name;
      feeds.emplace_back(info.name, std::move(value));
    }
    const nncf::exec::NamedTensors outputs = executor.Run(feeds);
    if (outputs.size() != output_files.size()) {
      return set_name + ": " + std::to_string(outputs.size()) + " outputs, expected " +
             std::to_string(output_files.size());
    }
    for (size_t i = 0; i < outputs.size(); ++i) {
      nncf::ir::Tensor expected = LoadTensor(output_files[i]);
      MatchDeclaredBFloat16(model->graph->FindValueInfo(outputs[i].first), &expected);
      const std::string mismatch = CompareTensors(outputs[i].second, expected, rtol);
      if (!mismatch.empty()) {
        return set_name + ": output " + std::to_string(i) + " '" + outputs[i].first +
               "': " + mismatch;
      }
    }
  }
  return "";
}

const char* ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kOk:
      return "kOk";
    case ErrorCode::kInvalidArgument:
      return "kInvalidArgument";
    case ErrorCode::kNotFound:
      return "kNotFound";
    case ErrorCode::kInvalidModel:
      return "kInvalidModel";
    case ErrorCode::kUnsupported:
      return "kUnsupported";
    case ErrorCode::kIo:
      return "kIo";
    case ErrorCode::kOutOfMemory:
      return "kOutOfMemory";
    case ErrorCode::kCancelled:
      return "kCancelled";
    case ErrorCode::kCallback:
      return "kCallback";
    case ErrorCode::kVersionMismatch:
      return "kVersionMismatch";
    case ErrorCode::kInvalidConfig:
      return "kInvalidConfig";
    case ErrorCode::kInternal:
      return "kInternal";
  }
  return "unknown code";
}

// An excluded case must fail with kUnsupported; anything else is a failure.
CaseResult Evaluate(const TestCase& test, const Options& options, const std::string* exclusion) {
  CaseResult result;
  try {
    const std::string mismatch = RunCase(test, options);
    if (exclusion) {
      result.message =
          mismatch.empty()
              ? "stale exclusion: the case passes (remove it from exclusions.txt)"
              : "excluded case gave wrong results instead of kUnsupported: " + mismatch;
      return result;
    }
    if (mismatch.empty()) {
      result.outcome = Outcome::kPass;
    } else {
      result.message = mismatch;
    }
  } catch (const nncf::Error& error) {
    if (exclusion && error.code() == ErrorCode::kUnsupported) {
      result.outcome = Outcome::kExcluded;
      result.message = *exclusion + " [" + error.what() + "]";
    } else {
      result.message = std::string(exclusion ? "excluded case failed with " : "") +
                       ErrorCodeName(error.code()) + ": " + error.what();
    }
  } catch (const std::exception& error) {
    result.message = std::string("non-nncf exception: ") + error.what();
  }
  return result;
}

bool WriteAll(int fd, const std::string& bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

// Runs Evaluate in a child process; a signal or a timeout becomes the case's failure.
CaseResult EvaluateIsolated(const TestCase& test, const Options& options,
                            const std::string* exclusion) {
  if (!options.fork_cases) return Evaluate(test, options, exclusion);
  int fds[2];
  if (pipe(fds) != 0) return {Outcome::kFail, std::string("pipe: ") + std::strerror(errno)};
  std::cout.flush();
  std::cerr.flush();
  const pid_t pid = fork();
  if (pid < 0) return {Outcome::kFail, std::string("fork: ") + std::strerror(errno)};
  if (pid == 0) {
    close(fds[0]);
    alarm(static_cast<unsigned>(options.timeout_seconds));
    const CaseResult result = Evaluate(test, options, exclusion);
    const char tag = result.outcome == Outcome::kPass       ? 'P'
                     : result.outcome == Outcome::kExcluded ? 'E'
                                                            : 'F';
    WriteAll(fds[1], std::string(1, tag) + result.message);
    close(fds[1]);
    std::cout.flush();
    _exit(0);
  }
  close(fds[1]);
  std::string reply;
  char buffer[4096];
  for (;;) {
    const ssize_t n = read(fds[0], buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    reply.append(buffer, static_cast<size_t>(n));
  }
  close(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFSIGNALED(status)) {
    const int sig = WTERMSIG(status);
    if (sig == SIGALRM) {
      return {Outcome::kFail, "timed out after " + std::to_string(options.timeout_seconds) + " s"};
    }
    return {Outcome::kFail, std::string("crashed with signal ") + strsignal(sig)};
  }
  if (reply.empty()) return {Outcome::kFail, "child exited without a result"};
  const Outcome outcome = reply[0] == 'P'   ? Outcome::kPass
                          : reply[0] == 'E' ? Outcome::kExcluded
                                            : Outcome::kFail;
  return {outcome, reply.substr(1)};
}

struct Tally {
  int expected = 0, passed = 0, excluded = 0, failed = 0;
  void Add(Outcome outcome) {
    ++expected;
    if (outcome == Outcome::kPass) ++passed;
    if (outcome == Outcome::kExcluded) ++excluded;
    if (outcome == Outcome::kFail) ++failed;
  }
};

Options ParseArgs(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) Usage(arg + " needs a value");
      return argv[++i];
    };
    if (arg == "--op") {
      options.ops.push_back(value());
    } else if (arg == "--case") {
      options.only_cases.insert(value());
    } else if (arg == "--all") {
      options.all = true;
    } else if (arg == "--list") {
      options.list = true;
    } else if (arg == "--verbose") {
      options.verbose = true;
    } else if (arg == "--no-fork") {
      options.fork_cases = false;
    } else if (arg == "--threads") {
      options.threads = std::atoi(value().c_str());
    } else if (arg == "--timeout") {
      options.timeout_seconds = std::max(1, std::atoi(value().c_str()));
    } else if (arg == "--data") {
      options.data_dir = value();
    } else if (arg == "--operators") {
      options.operators_file = value();
    } else if (arg == "--exclusions") {
      options.exclusions_file = value();
    } else if (arg == "--tolerances") {
      options.tolerances_file = value();
    } else {
      Usage("unknown argument " + arg);
    }
  }
  if (options.ops.empty() && !options.all) Usage("give --op OP or --all");
  return options;
}

}  // namespace

int main(int argc, char** argv) {
  Options options = ParseArgs(argc, argv);
  const std::vector<std::string> listed_ops = ReadOperators(options.operators_file);
  const std::set<std::string> listed(listed_ops.begin(), listed_ops.end());
  const std::map<std::string, std::string> exclusions = ReadExclusions(options.exclusions_file);
  options.tolerances = ReadTolerances(options.tolerances_file);
  std::vector<TestCase> cases;
  try {
    cases = DiscoverCases(options.data_dir);
  } catch (const std::exception& error) {
    Usage(error.what());
  }

  // The lists are shared by the node tests and the golden cases: a name must be a case of one of
  // them (or of the directory given with --data).
  std::set<std::string> case_names;
  for (const TestCase& test : cases) case_names.insert(test.name);
  std::set<std::string> known_names = case_names;
  for (const char* dir : {kNodeTestDir, kGoldenDir}) {
    const std::set<std::string> names = CaseNamesIn(dir);
    known_names.insert(names.begin(), names.end());
  }
  for (const auto& [name, reason] : exclusions) {
    if (!known_names.count(name)) Usage(options.exclusions_file + ": no case named " + name);
  }
  for (const auto& [name, tolerance] : options.tolerances) {
    if (!known_names.count(name)) Usage(options.tolerances_file + ": no case named " + name);
  }

  // Another data directory holds only cases of the ops it was made for: --all there runs every op
  // its cases use and reports only the ops that have cases.
  const bool node_tests = fs::path(options.data_dir) == fs::path(kNodeTestDir);
  std::vector<std::string> ops = options.all ? listed_ops : options.ops;
  if (options.all && !node_tests) {
    std::set<std::string> used;
    for (const TestCase& test : cases) used.insert(test.ops.begin(), test.ops.end());
    for (const std::string& op : used) {
      if (!listed.count(op)) ops.push_back(op);
    }
  }
  for (const std::string& op : ops) {
    if (!listed.count(op)) {
      std::cout << "note: " << op << " is not in " << options.operators_file << "\n";
    }
  }

  // Each case runs once even when several requested ops claim it.
  std::map<std::string, CaseResult> results;
  Tally total;
  bool exit_failure = false;
  for (const std::string& op : ops) {
    Tally tally;
    for (const TestCase& test : cases) {
      if (!test.ops.count(op)) continue;
      if (!options.only_cases.empty() && !options.only_cases.count(test.name)) continue;
      const auto exclusion_it = exclusions.find(test.name);
      const std::string* exclusion =
          exclusion_it != exclusions.end() ? &exclusion_it->second : nullptr;
      if (options.list) {
        std::cout << op << "  " << test.name
                  << (exclusion ? "  [excluded: " + *exclusion + "]" : "") << "\n";
        ++tally.expected;
        continue;
      }
      auto [it, fresh] = results.try_emplace(test.name);
      if (fresh) {
        const auto start = std::chrono::steady_clock::now();
        it->second = EvaluateIsolated(test, options, exclusion);
        total.Add(it->second.outcome);
        if (options.verbose) {
          const double ms =
              std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                  .count();
          std::string ops_text;
          for (const std::string& case_op : test.ops) ops_text += " " + case_op;
          std::cout << "  " << test.name << (test.expanded ? " (expanded)" : "")
                    << " ops:" << ops_text << ", " << FormatDouble(ms) << " ms\n";
        }
      }
      const CaseResult& result = it->second;
      tally.Add(result.outcome);
      switch (result.outcome) {
        case Outcome::kPass:
          std::cout << "PASS " << test.name << "\n";
          break;
        case Outcome::kExcluded:
          std::cout << "EXCLUDED " << test.name << ": " << result.message << "\n";
          break;
        case Outcome::kFail:
          std::cout << "FAIL " << test.name << ": " << result.message << "\n";
          break;
      }
      std::cout.flush();
    }
    if (options.all && !node_tests && tally.expected == 0) continue;
    if (options.list) {
      std::cout << op << ": " << tally.expected << " cases expected\n";
      continue;
    }
    std::cout << op << ": " << tally.expected << " cases expected, " << tally.passed << " passed, "
              << tally.excluded << " excluded, " << tally.failed << " failed\n";
    if (tally.failed > 0) exit_failure = true;
  }
  if (options.list) {
    if (!options.all) return 0;
    // The committed lists themselves: every exclusion names a case of a listed op, and the
    // exclusions stay within 5% of the cases.
    const std::set<std::string> run_ops(ops.begin(), ops.end());
    std::set<std::string> claimed;
    for (const TestCase& test : cases) {
      for (const std::string& op : test.ops) {
        if (run_ops.count(op)) claimed.insert(test.name);
      }
    }
    int excluded = 0;
    for (const auto& [name, reason] : exclusions) {
      if (!case_names.count(name)) continue;  // a case of another data directory
      if (claimed.count(name)) {
        ++excluded;
      } else {
        std::cout << "exclusion " << name << " names a case no listed operator claims\n";
        exit_failure = true;
      }
    }
    if (excluded * 20 > static_cast<int>(claimed.size())) {
      std::cout << "exclusions: " << excluded << " of " << claimed.size()
                << " cases, over the 5% budget\n";
      exit_failure = true;
    }
    std::cout << "all operators: " << claimed.size() << " cases expected, " << excluded
              << " excluded\n";
    return exit_failure ? 1 : 0;
  }

  if (options.all) {
    // Exclusions are budgeted against every case the listed ops claim.
    if (total.excluded * 20 > total.expected) {
      std::cout << "exclusions: " << total.excluded << " of " << total.expected
                << " cases, over the 5% budget\n";
      exit_failure = true;
    }
    std::cout << "all operators: " << total.expected << " cases expected, " << total.excluded
              << " excluded, " << total.passed << " passed, " << total.failed << " failed\n";
  }
  return exit_failure ? 1 : 0;
}
