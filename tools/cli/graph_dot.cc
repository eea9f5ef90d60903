#include "graph_dot.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "cli_error.h"

namespace nncf_cli {

namespace {

// Fill colours: activation quantizers, weight dequantizers and compressed weights.
constexpr char kQuantizeColor[] = "#f4a582";
constexpr char kDequantizeColor[] = "#fddbc7";
constexpr char kWeightColor[] = "#92c5de";
constexpr char kCompressedOpColor[] = "#4393c3";

std::string Escape(const std::string& text) {
  std::string escaped;
  for (char c : text) {
    if (c == '"' || c == '\\') escaped.push_back('\\');
    escaped.push_back(c);
  }
  return escaped;
}

std::string Dims(const std::vector<int64_t>& dims) {
  std::string text = "[";
  for (size_t i = 0; i < dims.size(); ++i) {
    if (i) text += ", ";
    text += std::to_string(dims[i]);
  }
  return text + "]";
}

bool OnPath(const std::string& program) {
  const char* path = std::getenv("PATH");
  if (!path) return false;
  std::stringstream dirs(path);
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (!dir.empty() && access((dir + "/" + program).c_str(), X_OK) == 0) return true;
  }
  return false;
}

}  // namespace

std::string GraphToDot(const GraphStructure& graph) {
  const auto compressed = CompressedWeights(graph);
  std::ostringstream dot;
  dot << "digraph \"" << Escape(graph.name) << "\" {\n"
      << "  rankdir=TB;\n  node [shape=box, style=\"rounded,filled\", fillcolor=white, "
         "fontname=\"Helvetica\"];\n  edge [fontname=\"Helvetica\", fontsize=9];\n";

  // Producers of every value: graph inputs, compressed weights, then node outputs.
  std::map<std::string, std::string> producer;
  for (size_t i = 0; i < graph.inputs.size(); ++i) {
    const std::string id = "input" + std::to_string(i);
    producer[graph.inputs[i]] = id;
    dot << "  " << id << " [shape=ellipse, label=\"" << Escape(graph.inputs[i])
        << "\", fillcolor=\"#e0e0e0\"];\n";
  }
  size_t weight_index = 0;
  for (const auto& [name, tensor] : compressed) {
    const std::string id = "weight" + std::to_string(weight_index++);
    producer[name] = id;
    dot << "  " << id << " [shape=note, label=\"" << Escape(name) << "\\n"
        << nncf_dtype_name(tensor->dtype) << " " << Dims(tensor->dims) << "\", fillcolor=\""
        << kWeightColor << "\"];\n";
  }
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    const GraphNode& node = graph.nodes[i];
    const std::string id = "node" + std::to_string(i);
    for (const std::string& output : node.outputs) {
      if (!output.empty()) producer[output] = id;
    }
    std::string fill;
    bool weight_dequantizer = !node.inputs.empty() && compressed.count(node.inputs[0]);
    if (node.op_type == "QuantizeLinear") {
      fill = kQuantizeColor;
    } else if (node.op_type == "DequantizeLinear") {
      fill = weight_dequantizer ? kWeightColor : kDequantizeColor;
    } else if (node.op_type == "MatMulNBits") {
      fill = kCompressedOpColor;
    } else if (weight_dequantizer) {
      fill = kWeightColor;
    }
    const std::string op = node.domain.empty() || node.domain == "ai.onnx"
                               ? node.op_type
                               : node.domain + "." + node.op_type;
    dot << "  " << id << " [label=\"" << Escape(node.name.empty() ? op : node.name) << "\\n"
        << Escape(op) << "\"";
    if (!fill.empty()) dot << ", fillcolor=\"" << fill << "\"";
    dot << "];\n";
  }
  for (size_t i = 0; i < graph.outputs.size(); ++i) {
    dot << "  output" << i << " [shape=ellipse, label=\"" << Escape(graph.outputs[i])
        << "\", fillcolor=\"#e0e0e0\"];\n";
  }

  // Edges from producers; plain float initializers (weights, biases, scales) are left out.
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    std::set<std::string> drawn;
    for (const std::string& input : graph.nodes[i].inputs) {
      auto found = producer.find(input);
      if (input.empty() || found == producer.end() || !drawn.insert(input).second) continue;
      dot << "  " << found->second << " -> node" << i << " [label=\"" << Escape(input) << "\"];\n";
    }
  }
  for (size_t i = 0; i < graph.outputs.size(); ++i) {
    auto found = producer.find(graph.outputs[i]);
    if (found != producer.end()) dot << "  " << found->second << " -> output" << i << ";\n";
  }
  dot << "}\n";
  return dot.str();
}

std::string WriteGraphFiles(const GraphStructure& graph, const std::string& dot_path) {
  {
    std::ofstream file(dot_path, std::ios::trunc);
    if (!file) {
      throw CliError(kExitIo, "cannot create '" + dot_path + "': " + std::strerror(errno));
    }
    file << GraphToDot(graph);
    if (!file) throw CliError(kExitIo, "cannot write '" + dot_path + "'");
  }
  if (!OnPath("dot")) return "";
  std::string svg_path = dot_path;
  const size_t slash = svg_path.find_last_of('/');
  const size_t dot = svg_path.find_last_of('.');
  if (dot != std::string::npos && (slash == std::string::npos || dot > slash)) {
    svg_path.resize(dot);
  }
  svg_path += ".svg";
  const pid_t pid = fork();
  if (pid < 0) throw CliError(kExitOther, std::string("cannot run dot: ") + std::strerror(errno));
  if (pid == 0) {
    execlp("dot", "dot", "-Tsvg", dot_path.c_str(), "-o", svg_path.c_str(),
           static_cast<char*>(nullptr));
    _exit(127);
  }
  int status = 0;
  if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw CliError(kExitOther, "Graphviz dot failed to render '" + svg_path + "'");
  }
  return svg_path;
}

}  // namespace nncf_cli
