// The kernel interface of the executor. A kernel object is built once per node when a plan is
// compiled (attributes parsed and checked there) and run many times; it may cache per-shape state
// (oneDNN primitives) behind its own lock, because one compiled plan may run on several threads.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/common/error.h"
#include "core/ir/graph.h"
#include "core/ir/node.h"
#include "core/ir/tensor.h"

namespace nncf::exec {

class SubgraphRunner;

// Attribute access with the node named in every error.
class NodeInfo {
 public:
  NodeInfo(const ir::Node& node, int64_t opset) : node_(node), opset_(opset) {}
  const ir::Node& node() const { return node_; }
  int64_t opset() const { return opset_; }
  // "Conv 'conv1'" or "Conv #<no name>" for messages.
  std::string Label() const;

  bool Has(const std::string& name) const { return node_.FindAttribute(name) != nullptr; }
  int64_t GetInt(const std::string& name, int64_t default_value) const;
  int64_t RequireInt(const std::string& name) const;
  float GetFloat(const std::string& name, float default_value) const;
  std::string GetString(const std::string& name, const std::string& default_value) const;
  std::vector<int64_t> GetInts(const std::string& name,
                               const std::vector<int64_t>& default_value = {}) const;
  std::vector<float> GetFloats(const std::string& name,
                               const std::vector<float>& default_value = {}) const;
  std::vector<std::string> GetStrings(const std::string& name) const;
  const ir::Tensor* GetTensor(const std::string& name) const;  // nullptr when absent
  const ir::Graph* GetGraph(const std::string& name) const;    // nullptr when absent

  size_t num_inputs() const { return node_.inputs.size(); }
  size_t num_outputs() const { return node_.outputs.size(); }
  // An input slot that exists and is not the empty name.
  bool HasInput(size_t index) const {
    return index < node_.inputs.size() && !node_.inputs[index].empty();
  }

  // Throws nncf::Error(code) with the node label prefixed.
  [[noreturn]] void Fail(ErrorCode code, const std::string& message) const;

 private:
  const ir::Node& node_;
  int64_t opset_;
};

struct RunContext {
  int num_threads = 1;
  // Runs subgraphs of If/Loop/Scan with the current scope's values visible.
  const SubgraphRunner* subgraphs = nullptr;
};

class Kernel {
 public:
  virtual ~Kernel() = default;
  // inputs has one entry per node input; nullptr for an omitted optional input. outputs arrives
  // sized to the node's outputs; the kernel sets every one whose name is non-empty.
  // Errors: nncf::Error naming the node (use NodeInfo::Fail or keep the label).
  virtual void Run(const std::vector<const ir::Tensor*>& inputs, std::vector<ir::Tensor>& outputs,
                   const RunContext& context) = 0;
};

using KernelFactory = std::unique_ptr<Kernel> (*)(const NodeInfo& info);

// Lets control-flow kernels run a subgraph. The executor implements it.
class SubgraphRunner {
 public:
  virtual ~SubgraphRunner() = default;
  // Runs `graph` with its formal inputs bound to `inputs` (in order); names of enclosing scopes
  // resolve to the caller's values. Returns the graph outputs in order.
  virtual std::vector<ir::Tensor> RunSubgraph(const ir::Graph& graph,
                                              const std::vector<const ir::Tensor*>& inputs,
                                              const RunContext& context) const = 0;
};

}  // namespace nncf::exec
