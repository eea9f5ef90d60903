#include "core/exec/executor.h"
#include "core/common/parallel_for.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <functional>
#include <mutex>
#include <new>
#include <queue>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "core/common/error.h"
#include "core/exec/kernel.h"
#include "core/exec/kernel_registry.h"
#include "core/exec/kernels/channels_last_global_pool.h"
#include "core/exec/kernels/fused_conv.h"
#include "core/exec/kernels/residual_tail.h"
#include "core/exec/tensor_util.h"
#include "core/exec/uninitialized_tensor.h"

// oneDNN's CPU engine runs on OpenMP and sizes its parallel regions from the calling thread's
// omp_get_max_threads(). libgomp comes in as oneDNN's dependency, not ours, so the calls are weak
// references: resolved when the runtime is loaded, skipped otherwise.
extern "C" {
int omp_get_max_threads(void) __attribute__((weak));
void omp_set_num_threads(int num_threads) __attribute__((weak));
}

namespace nncf::exec {
namespace {

enum class SlotKind { kFed, kInitializer, kOuter, kProduced };

struct Step {
  const ir::Node* node = nullptr;
  std::string label;
  std::shared_ptr<Kernel> kernel;  // shared by the plain and the fused step lists
  std::vector<int> inputs;         // slot per node input; -1 = omitted
  std::vector<int> outputs;        // slot per node output; -1 = omitted
  std::vector<int> reads;          // every slot read, implicit (subgraph) reads included
  std::vector<int> release;        // produced slots whose last reader is this step
};

// A compiled graph (the main graph's cut or a subgraph): values are numbered slots.
struct GraphPlan {
  const ir::Graph* graph = nullptr;
  std::vector<std::string> slot_names;
  std::vector<SlotKind> slot_kinds;
  std::vector<const ir::Tensor*> initializers;  // per slot; set for kInitializer
  std::unordered_map<std::string, int> slot_of;
  std::vector<int> input_slots;
  std::vector<const ir::ValueInfo*> input_infos;  // declared type per input, may be null
  std::vector<int> output_slots;
  std::vector<int> outer_slots;  // names resolved from enclosing scopes at run time
  std::vector<Step> steps;
  // The same computation with Conv(+Add)(+Relu) chains fused (empty when nothing fuses). Values
  // in hidden_slots are not produced by it, and values marked in channels_last are stored
  // channels-last by it: it runs only when no observer wants a hidden value, nor a channels-last
  // one unless the observer accepts that layout.
  std::vector<Step> fused_steps;
  std::vector<int> hidden_slots;
  std::vector<bool> channels_last;  // per slot, in the fused plan
  // Weights and biases the fused plan computed (BatchNormalization folded into a convolution);
  // a deque so the initializer pointers to them stay valid.
  std::deque<ir::Tensor> folded;

  int AddSlot(const std::string& name, SlotKind kind) {
    const int slot = static_cast<int>(slot_names.size());
    slot_names.push_back(name);
    slot_kinds.push_back(kind);
    initializers.push_back(nullptr);
    slot_of.emplace(name, slot);
    if (kind == SlotKind::kOuter) outer_slots.push_back(slot);
    return slot;
  }
};

std::string NodeLabel(const ir::Node& node) {
  return node.op_type + (node.name.empty() ? std::string(" #<no name>") : " '" + node.name + "'");
}

// Graph attributes of a node (If branches, Loop/Scan bodies).
std::vector<const ir::Graph*> Subgraphs(const ir::Node& node) {
  std::vector<const ir::Graph*> result;
  for (const ir::Attribute& attribute : node.attributes) {
    if (attribute.g) result.push_back(&**attribute.g);
    for (const ir::Box<ir::Graph>& graph : attribute.graphs) result.push_back(&*graph);
  }
  return result;
}

// Names a graph (with its nested subgraphs) reads but does not define: its outer-scope references.
std::set<std::string> FreeNames(const ir::Graph& graph) {
  std::unordered_set<std::string> defined;
  for (const ir::ValueInfo& input : graph.inputs) defined.insert(input.name);
  for (const ir::Tensor& initializer : graph.initializers) defined.insert(initializer.name);
  for (const std::string& name : graph.sparse_initializer_names) defined.insert(name);
  for (const ir::Node& node : graph.nodes) {
    for (const std::string& output : node.outputs) {
      if (!output.empty()) defined.insert(output);
    }
  }
  std::set<std::string> free;
  for (const ir::Node& node : graph.nodes) {
    for (const std::string& input : node.inputs) {
      if (!input.empty() && !defined.count(input)) free.insert(input);
    }
    for (const ir::Graph* subgraph : Subgraphs(node)) {
      for (const std::string& name : FreeNames(*subgraph)) {
        if (!defined.count(name)) free.insert(name);
      }
    }
  }
  return free;
}

std::vector<std::string> ImplicitInputs(const ir::Node& node) {
  std::set<std::string> names;
  for (const ir::Graph* subgraph : Subgraphs(node)) {
    for (const std::string& name : FreeNames(*subgraph)) names.insert(name);
  }
  // A name the node also reads explicitly needs no second edge.
  for (const std::string& input : node.inputs) names.erase(input);
  return {names.begin(), names.end()};
}

// Compiles `graph` from `inputs` to `outputs`. For a subgraph, names defined nowhere in the graph
// become outer-scope slots; for the main graph they are errors.
std::unique_ptr<GraphPlan> Compile(const ir::Model& model, const ir::Graph& graph,
                                   const std::vector<std::string>& inputs,
                                   const std::vector<std::string>& outputs, bool is_subgraph) {
  auto plan = std::make_unique<GraphPlan>();
  plan->graph = &graph;
  const std::string where = is_subgraph ? " of subgraph '" + graph.name + "'" : "";

  // Kernels exchange tensors only; sequences, maps and optionals are refused up front.
  for (const std::vector<ir::ValueInfo>* list : {&graph.inputs, &graph.outputs}) {
    for (const ir::ValueInfo& value : *list) {
      if (value.type && value.type->kind != ir::Type::Kind::kTensor &&
          value.type->kind != ir::Type::Kind::kUnset) {
        Fail(ErrorCode::kUnsupported, "value '" + value.name + "' of graph '" + graph.name +
                                          "' is not a tensor; the executor runs tensors only");
      }
    }
  }

  std::unordered_map<std::string, size_t> producer;
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    for (const std::string& output : graph.nodes[i].outputs) {
      if (output.empty()) continue;
      if (!producer.emplace(output, i).second) {
        Fail(ErrorCode::kInvalidModel,
             "value '" + output + "'" + where + " is produced by two nodes: " +
                 NodeLabel(graph.nodes[producer[output]]) + " and " + NodeLabel(graph.nodes[i]));
      }
    }
  }
  std::unordered_map<std::string, const ir::Tensor*> initializer_of;
  for (const ir::Tensor& initializer : graph.initializers) {
    initializer_of.emplace(initializer.name, &initializer);
  }
  std::unordered_set<std::string> graph_inputs;
  for (const ir::ValueInfo& input : graph.inputs) graph_inputs.insert(input.name);

  for (const std::string& name : inputs) {
    if (plan->slot_of.count(name)) {
      Fail(ErrorCode::kInvalidArgument, "input '" + name + "'" + where + " is listed twice");
    }
    if (!graph_inputs.count(name) && !initializer_of.count(name) && !producer.count(name)) {
      Fail(ErrorCode::kInvalidArgument,
           "input '" + name + "' is not a value of graph '" + graph.name + "'");
    }
    plan->input_slots.push_back(plan->AddSlot(name, SlotKind::kFed));
    plan->input_infos.push_back(graph.FindValueInfo(name));
  }

  // Walk back from the outputs to the cut; `needed` marks nodes by file index.
  std::vector<bool> needed(graph.nodes.size(), false);
  struct Pending {
    std::string name;
    const ir::Node* reader;  // nullptr for a requested output
  };
  std::vector<Pending> pending;
  for (const std::string& name : outputs) pending.push_back({name, nullptr});
  std::reverse(pending.begin(), pending.end());
  while (!pending.empty()) {
    Pending item = std::move(pending.back());
    pending.pop_back();
    if (plan->slot_of.count(item.name)) continue;
    if (auto init = initializer_of.find(item.name); init != initializer_of.end()) {
      plan->initializers[plan->AddSlot(item.name, SlotKind::kInitializer)] = init->second;
      continue;
    }
    auto produced = producer.find(item.name);
    if (produced == producer.end()) {
      if (item.reader == nullptr) {
        Fail(ErrorCode::kInvalidArgument,
             "output '" + item.name + "'" + where + " is not produced by the graph" +
                 (graph_inputs.count(item.name) ? " (it is a graph input outside the cut)" : ""));
      }
      if (is_subgraph) {
        plan->AddSlot(item.name, SlotKind::kOuter);
        continue;
      }
      if (graph_inputs.count(item.name)) {
        Fail(ErrorCode::kInvalidArgument, "value '" + item.name + "' read by " +
                                              NodeLabel(*item.reader) +
                                              " is a graph input that is not an input of the cut");
      }
      Fail(ErrorCode::kInvalidModel, "value '" + item.name + "' read by " +
                                         NodeLabel(*item.reader) + " is not defined in the graph");
    }
    const ir::Node& node = graph.nodes[produced->second];
    needed[produced->second] = true;
    for (const std::string& output : node.outputs) {
      if (!output.empty() && !plan->slot_of.count(output)) {
        plan->AddSlot(output, SlotKind::kProduced);
      }
    }
    for (const std::string& input : node.inputs) {
      if (!input.empty()) pending.push_back({input, &node});
    }
    for (const std::string& input : ImplicitInputs(node)) pending.push_back({input, &node});
  }

  // Topological order (Kahn), preferring file order among ready nodes.
  std::vector<std::vector<std::string>> reads(graph.nodes.size());
  std::vector<int> missing(graph.nodes.size(), 0);
  std::vector<std::vector<size_t>> consumers(graph.nodes.size());
  size_t needed_count = 0;
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    if (!needed[i]) continue;
    ++needed_count;
    const ir::Node& node = graph.nodes[i];
    for (const std::string& input : node.inputs) {
      if (!input.empty()) reads[i].push_back(input);
    }
    for (const std::string& input : ImplicitInputs(node)) reads[i].push_back(input);
    std::set<size_t> sources;
    for (const std::string& name : reads[i]) {
      if (plan->slot_kinds[plan->slot_of.at(name)] == SlotKind::kProduced) {
        sources.insert(producer.at(name));
      }
    }
    for (size_t source : sources) {
      consumers[source].push_back(i);
      ++missing[i];
    }
  }
  std::priority_queue<size_t, std::vector<size_t>, std::greater<size_t>> ready;
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    if (needed[i] && missing[i] == 0) ready.push(i);
  }
  std::vector<size_t> order;
  while (!ready.empty()) {
    const size_t i = ready.top();
    ready.pop();
    order.push_back(i);
    for (size_t consumer : consumers[i]) {
      if (--missing[consumer] == 0) ready.push(consumer);
    }
  }
  if (order.size() != needed_count) {
    for (size_t i = 0; i < graph.nodes.size(); ++i) {
      if (needed[i] && missing[i] > 0) {
        Fail(ErrorCode::kInvalidModel,
             "graph '" + graph.name + "' has a cycle through " + NodeLabel(graph.nodes[i]));
      }
    }
  }

  // Kernels, slots and last readers.
  std::vector<int> last_reader(plan->slot_names.size(), -1);
  for (size_t s = 0; s < order.size(); ++s) {
    const ir::Node& node = graph.nodes[order[s]];
    Step step;
    step.node = &node;
    step.label = NodeLabel(node);
    for (const std::string& input : node.inputs) {
      step.inputs.push_back(input.empty() ? -1 : plan->slot_of.at(input));
    }
    for (const std::string& output : node.outputs) {
      step.outputs.push_back(output.empty() ? -1 : plan->slot_of.at(output));
    }
    for (const std::string& name : reads[order[s]]) {
      last_reader[plan->slot_of.at(name)] = static_cast<int>(s);
      step.reads.push_back(plan->slot_of.at(name));
    }
    const int64_t opset = model.OpsetFor(node.domain);
    KernelFactory factory = KernelRegistry::Global().Find(node.domain, node.op_type, opset);
    if (factory == nullptr) {
      const std::string domain = node.IsDefaultDomain() ? "ai.onnx" : node.domain;
      Fail(ErrorCode::kUnsupported, "no kernel for op " + node.op_type + " (domain " + domain +
                                        ", opset " + std::to_string(opset) + ") at node '" +
                                        node.name + "'");
    }
    try {
      step.kernel = factory(NodeInfo(node, opset));
    } catch (const Error&) {
      throw;
    } catch (const std::bad_alloc&) {
      Fail(ErrorCode::kOutOfMemory, step.label + ": out of memory while compiling");
    } catch (const std::exception& e) {
      Fail(ErrorCode::kInternal, step.label + ": " + e.what());
    }
    plan->steps.push_back(std::move(step));
  }
  for (const std::string& name : outputs) plan->output_slots.push_back(plan->slot_of.at(name));
  std::vector<bool> kept(plan->slot_names.size(), false);
  for (int slot : plan->output_slots) kept[slot] = true;
  for (size_t s = 0; s < plan->steps.size(); ++s) {
    for (int slot : plan->steps[s].outputs) {
      // A value nobody reads goes right after the step that made it.
      if (slot >= 0 && last_reader[slot] < 0) last_reader[slot] = static_cast<int>(s);
    }
  }
  for (size_t slot = 0; slot < plan->slot_names.size(); ++slot) {
    if (plan->slot_kinds[slot] == SlotKind::kProduced && !kept[slot] && last_reader[slot] >= 0) {
      plan->steps[last_reader[slot]].release.push_back(static_cast<int>(slot));
    }
  }
  return plan;
}

// Sets each step's release list: produced, unrequested slots go after their last reader (or
// right after the step that made them when nobody reads them).
void AssignReleases(const GraphPlan& plan, std::vector<Step>& steps) {
  std::vector<int> last_reader(plan.slot_names.size(), -1);
  for (size_t s = 0; s < steps.size(); ++s) {
    steps[s].release.clear();
    for (int slot : steps[s].reads) last_reader[slot] = static_cast<int>(s);
  }
  for (size_t s = 0; s < steps.size(); ++s) {
    for (int slot : steps[s].outputs) {
      if (slot >= 0 && last_reader[slot] < 0) last_reader[slot] = static_cast<int>(s);
    }
  }
  std::vector<bool> kept(plan.slot_names.size(), false);
  for (int slot : plan.output_slots) kept[slot] = true;
  for (size_t slot = 0; slot < plan.slot_names.size(); ++slot) {
    if (plan.slot_kinds[slot] == SlotKind::kProduced && !kept[slot] && last_reader[slot] >= 0) {
      steps[last_reader[slot]].release.push_back(static_cast<int>(slot));
    }
  }
}

bool IsOp(const Step& step, const char* op_type, const ir::Model& model, int64_t min_opset) {
  return step.node->IsDefaultDomain() && step.node->op_type == op_type &&
         model.OpsetFor(step.node->domain) >= min_opset;
}

// Builds plan.fused_steps: each float Conv (weights a float32 initializer) followed by an Add of a
// value already computed (the residual) and/or a Relu, each intermediate read once and not
// requested, becomes one fused-convolution step; values passed only between fused convolutions
// stay channels-last.
void FuseConvolutions(const ir::Model& model, GraphPlan& plan,
                      const std::vector<std::string>& observed) {
  const std::vector<Step>& steps = plan.steps;
  const size_t slots = plan.slot_names.size();
  std::vector<std::vector<int>> readers(slots);
  std::vector<int> producer(slots, -1);
  for (size_t s = 0; s < steps.size(); ++s) {
    for (int slot : steps[s].reads) readers[slot].push_back(static_cast<int>(s));
    for (int slot : steps[s].outputs) {
      if (slot >= 0) producer[slot] = static_cast<int>(s);
    }
  }
  std::vector<bool> kept(slots, false);
  for (int slot : plan.output_slots) kept[slot] = true;
  // Observed values are never folded inside a fused step (they may be stored channels-last).
  std::vector<bool> watched(slots, false);
  for (const std::string& name : observed) {
    const auto it = plan.slot_of.find(name);
    if (it != plan.slot_of.end()) watched[it->second] = true;
  }
  auto single_reader = [&](int slot) {
    return !kept[slot] && !watched[slot] && readers[slot].size() == 1 ? readers[slot][0] : -1;
  };

  struct Group {
    int conv = -1, residual = -1, out = -1;
    int batch_norm = -1;  // a BatchNormalization step folded into the weights
    FusedConvSpec spec;
  };
  // An inference BatchNormalization over the conv's output channels with constant float32
  // parameters, opset >= 9 (no `spatial`).
  auto foldable_batch_norm = [&](int conv_step, int bn_step) {
    const Step& bn = steps[bn_step];
    if (!IsOp(bn, "BatchNormalization", model, 9) || bn.inputs.size() != 5 ||
        bn.outputs.size() != 1 || bn.outputs[0] < 0) {
      return false;
    }
    const ir::Attribute* training = bn.node->FindAttribute("training_mode");
    if (training && training->i && *training->i != 0) return false;
    const ir::Tensor* w = plan.initializers[steps[conv_step].inputs[1]];
    for (size_t i = 1; i < 5; ++i) {
      const int slot = bn.inputs[i];
      const ir::Tensor* p = slot >= 0 ? plan.initializers[slot] : nullptr;
      if (p == nullptr || p->dtype != ir::DType::kFloat || p->dims.size() != 1 ||
          p->dims[0] != w->dims[0] || p->data == nullptr) {
        return false;
      }
    }
    const std::vector<int>& conv_in = steps[conv_step].inputs;
    if (conv_in.size() > 2 && conv_in[2] >= 0) {
      const ir::Tensor* b = plan.initializers[conv_in[2]];
      if (b == nullptr || b->dtype != ir::DType::kFloat || b->NumElements() != w->dims[0] ||
          b->data == nullptr) {
        return false;
      }
    }
    return w->data != nullptr && w->dims.size() >= 3;
  };
  std::vector<Group> groups;
  std::vector<int> group_of_step(steps.size(), -1);  // conv, Add and Relu steps of a group
  std::vector<int> residual_reader(steps.size(), -1);
  std::vector<int> hidden;
  for (size_t s = 0; s < steps.size(); ++s) {
    const Step& step = steps[s];
    if (group_of_step[s] >= 0 || !IsOp(step, "Conv", model, 1)) continue;
    if (step.inputs.size() < 2 || step.inputs[0] < 0 || step.inputs[1] < 0 ||
        step.outputs.size() != 1 || step.outputs[0] < 0) {
      continue;
    }
    const ir::Tensor* w = plan.initializers[step.inputs[1]];
    if (w == nullptr || w->dtype != ir::DType::kFloat) continue;
    Group group;
    group.conv = static_cast<int>(s);
    const int index = static_cast<int>(groups.size());
    group_of_step[s] = index;
    int current = step.outputs[0];
    int next = single_reader(current);
    if (next >= 0 && foldable_batch_norm(static_cast<int>(s), next)) {
      group.batch_norm = next;
      group_of_step[next] = index;
      hidden.push_back(current);
      current = steps[next].outputs[0];
      next = single_reader(current);
    }
    if (next >= 0 && IsOp(steps[next], "Add", model, 7) && steps[next].inputs.size() == 2 &&
        steps[next].outputs.size() == 1 && steps[next].outputs[0] >= 0) {
      const std::vector<int>& in = steps[next].inputs;
      const int other = in[0] == current ? in[1] : in[0];
      const bool before = other >= 0 && (plan.slot_kinds[other] != SlotKind::kProduced ||
                                         (producer[other] >= 0 && producer[other] < group.conv));
      if (other != current && before && (in[0] == current || in[1] == current)) {
        group.residual = other;
        group.spec.residual = true;
        group_of_step[next] = index;
        residual_reader[next] = other;
        hidden.push_back(current);
        current = steps[next].outputs[0];
        next = single_reader(current);
      }
    }
    if (next >= 0 && IsOp(steps[next], "Relu", model, 6) && steps[next].inputs.size() == 1 &&
        steps[next].outputs.size() == 1 && steps[next].outputs[0] >= 0) {
      group.spec.relu = true;
      group_of_step[next] = index;
      hidden.push_back(current);
      current = steps[next].outputs[0];
    } else if (next >= 0 && IsOp(steps[next], "HardSwish", model, 14) &&
               steps[next].inputs.size() == 1 && steps[next].outputs.size() == 1 &&
               steps[next].outputs[0] >= 0) {
      group.spec.hardswish = true;
      group_of_step[next] = index;
      hidden.push_back(current);
      current = steps[next].outputs[0];
    }
    group.out = current;
    groups.push_back(group);
  }
  if (groups.empty()) return;

  // Residual tails: an Add the convolutions could not absorb (its conv operand is observed, or
  // both operands come from earlier steps) joining a value made by a fused step, with the Relu
  // that alone reads the sum.
  struct Tail {
    int add = -1, relu = -1, out = -1;
  };
  std::vector<Tail> tails;
  std::vector<int> tail_of_step(steps.size(), -1);
  // Values made by a fused step; for a tail's result, which tail.
  std::vector<bool> fused_producer(slots, false);
  std::vector<int> tail_of_out(slots, -1);
  for (const Group& group : groups) fused_producer[group.out] = true;
  for (size_t s = 0; s < steps.size(); ++s) {
    const Step& step = steps[s];
    if (group_of_step[s] >= 0 || tail_of_step[s] >= 0 || !IsOp(step, "Add", model, 7) ||
        step.inputs.size() != 2 || step.inputs[0] < 0 || step.inputs[1] < 0 ||
        step.outputs.size() != 1 || step.outputs[0] < 0 ||
        (!fused_producer[step.inputs[0]] && !fused_producer[step.inputs[1]])) {
      continue;
    }
    Tail tail;
    tail.add = static_cast<int>(s);
    tail.out = step.outputs[0];
    const int next = single_reader(tail.out);
    if (next >= 0 && group_of_step[next] < 0 && IsOp(steps[next], "Relu", model, 6) &&
        steps[next].inputs.size() == 1 && steps[next].outputs.size() == 1 &&
        steps[next].outputs[0] >= 0) {
      tail.relu = next;
      tail_of_step[next] = static_cast<int>(tails.size());
      hidden.push_back(tail.out);
      tail.out = steps[next].outputs[0];
    }
    tail_of_step[s] = static_cast<int>(tails.size());
    fused_producer[tail.out] = true;
    tail_of_out[tail.out] = static_cast<int>(tails.size());
    tails.push_back(tail);
  }

  // Channels-last where every reader takes the value as a fused convolution's X or residual, or
  // as an operand of a tail whose operands and result are all channels-last (a tail adds in
  // whatever element order its operands share). Shrinks to a fixed point.
  std::vector<bool> channels_last(slots, false);
  std::vector<int> candidates;
  for (size_t slot = 0; slot < slots; ++slot) {
    if (fused_producer[slot] && !kept[slot] && !readers[slot].empty()) {
      channels_last[slot] = true;
      candidates.push_back(static_cast<int>(slot));
    }
  }
  // A GlobalAveragePool reads a channels-last input directly (its result has one element per
  // channel, the same order in both layouts).
  auto reads_channels_last = [&](int step, int slot) {
    const Step& reader = steps[step];
    return IsOp(reader, "GlobalAveragePool", model, 1) && reader.inputs.size() == 1 &&
           reader.inputs[0] == slot;
  };
  auto tail_channels_last = [&](const Tail& tail) {
    const std::vector<int>& in = steps[tail.add].inputs;
    return channels_last[in[0]] && channels_last[in[1]] && channels_last[tail.out];
  };
  for (bool changed = true; changed;) {
    changed = false;
    for (int slot : candidates) {
      if (!channels_last[slot]) continue;
      bool ok = true;
      for (int r : readers[slot]) {
        const int g = group_of_step[r];
        const int t = tail_of_step[r];
        if (g >= 0 && groups[g].conv == r) {
          // As X only (not as weights or bias).
          const std::vector<int>& in = steps[r].inputs;
          ok = ok && in[0] == slot && std::count(in.begin(), in.end(), slot) == 1;
        } else if (g >= 0) {
          ok = ok && residual_reader[r] == slot;
        } else if (t >= 0 && tails[t].add == r) {
          ok = ok && tail_channels_last(tails[t]);
        } else {
          ok = ok && reads_channels_last(r, slot);
        }
      }
      // A tail's result is channels-last only with its operands.
      if (tail_of_out[slot] >= 0) ok = ok && tail_channels_last(tails[tail_of_out[slot]]);
      if (!ok) {
        channels_last[slot] = false;
        changed = true;
      }
    }
  }

  for (size_t s = 0; s < steps.size(); ++s) {
    if (tail_of_step[s] >= 0) {
      const Tail& tail = tails[tail_of_step[s]];
      if (tail.add != static_cast<int>(s)) continue;  // its Relu
      Step fused;
      fused.node = steps[s].node;
      fused.label = steps[s].label;
      fused.kernel =
          MakeResidualTail(steps[s].kernel, tail.relu >= 0 ? steps[tail.relu].kernel : nullptr,
                           tail_channels_last(tail));
      fused.inputs = steps[s].inputs;
      fused.outputs = {tail.out};
      fused.reads = steps[s].inputs;
      plan.fused_steps.push_back(std::move(fused));
      continue;
    }
    const int g = group_of_step[s];
    if (g < 0) {
      Step copy;
      copy.node = steps[s].node;
      copy.label = steps[s].label;
      copy.kernel = steps[s].kernel;
      if (!steps[s].inputs.empty() && steps[s].inputs[0] >= 0 &&
          channels_last[steps[s].inputs[0]] &&
          reads_channels_last(static_cast<int>(s), steps[s].inputs[0])) {
        copy.kernel = MakeChannelsLastGlobalAveragePool(
            NodeInfo(*steps[s].node, model.OpsetFor(steps[s].node->domain)));
      }
      copy.inputs = steps[s].inputs;
      copy.outputs = steps[s].outputs;
      copy.reads = steps[s].reads;
      plan.fused_steps.push_back(std::move(copy));
      continue;
    }
    Group& group = groups[g];
    if (group.conv != static_cast<int>(s)) continue;
    const Step& conv = steps[s];
    group.spec.x_channels_last = channels_last[conv.inputs[0]];
    group.spec.residual_channels_last = group.residual >= 0 && channels_last[group.residual];
    group.spec.y_channels_last = channels_last[group.out];
    Step fused;
    fused.node = conv.node;
    fused.label = conv.label;
    fused.kernel =
        MakeFusedConv(NodeInfo(*conv.node, model.OpsetFor(conv.node->domain)), group.spec);
    fused.inputs = {conv.inputs[0], conv.inputs[1], conv.inputs.size() > 2 ? conv.inputs[2] : -1};
    if (group.batch_norm >= 0) {
      // W' = W * a and b' = (b - mean) * a + B per output channel, a = scale / sqrt(var + eps),
      // in double and rounded once, as ONNX Runtime folds them.
      const Step& bn = steps[group.batch_norm];
      const ir::Attribute* eps_attr = bn.node->FindAttribute("epsilon");
      const double eps = eps_attr && eps_attr->f ? *eps_attr->f : 1e-5;
      const ir::Tensor& w = *plan.initializers[conv.inputs[1]];
      const float* scale = plan.initializers[bn.inputs[1]]->DataAs<float>();
      const float* shift = plan.initializers[bn.inputs[2]]->DataAs<float>();
      const float* mean = plan.initializers[bn.inputs[3]]->DataAs<float>();
      const float* var = plan.initializers[bn.inputs[4]]->DataAs<float>();
      const float* bias =
          fused.inputs[2] >= 0 ? plan.initializers[fused.inputs[2]]->DataAs<float>() : nullptr;
      const int64_t channels = w.dims[0], per_channel = w.NumElements() / channels;
      std::vector<float> w_folded(static_cast<size_t>(w.NumElements()));
      std::vector<float> b_folded(static_cast<size_t>(channels));
      const float* w_data = w.DataAs<float>();
      for (int64_t m = 0; m < channels; ++m) {
        const double a = double(scale[m]) / std::sqrt(double(var[m]) + eps);
        for (int64_t k = 0; k < per_channel; ++k) {
          w_folded[m * per_channel + k] =
              static_cast<float>(double(w_data[m * per_channel + k]) * a);
        }
        b_folded[m] = static_cast<float>(((bias ? double(bias[m]) : 0.0) - double(mean[m])) * a +
                                         double(shift[m]));
      }
      const std::string prefix = plan.slot_names[conv.outputs[0]] + "/nncf_folded_batch_norm_";
      plan.folded.push_back(
          ir::Tensor::FromFloats(prefix + "W", ir::DType::kFloat, w.dims, w_folded));
      const int w_slot = plan.AddSlot(prefix + "W", SlotKind::kInitializer);
      plan.initializers[w_slot] = &plan.folded.back();
      plan.folded.push_back(
          ir::Tensor::FromFloats(prefix + "B", ir::DType::kFloat, {channels}, b_folded));
      const int b_slot = plan.AddSlot(prefix + "B", SlotKind::kInitializer);
      plan.initializers[b_slot] = &plan.folded.back();
      fused.inputs[1] = w_slot;
      fused.inputs[2] = b_slot;
    }
    if (group.residual >= 0) fused.inputs.push_back(group.residual);
    fused.outputs = {group.out};
    for (int slot : fused.inputs) {
      if (slot >= 0) fused.reads.push_back(slot);
    }
    plan.fused_steps.push_back(std::move(fused));
  }
  AssignReleases(plan, plan.fused_steps);
  std::sort(hidden.begin(), hidden.end());
  hidden.erase(std::unique(hidden.begin(), hidden.end()), hidden.end());
  plan.hidden_slots = std::move(hidden);
  channels_last.resize(plan.slot_names.size(), false);
  plan.channels_last = std::move(channels_last);
}

// Values of one running graph; `parent` is the frame of the enclosing graph for subgraphs.
struct Frame {
  Frame(const GraphPlan& p, const Frame* parent_frame)
      : plan(p),
        parent(parent_frame),
        values(p.slot_names.size(), nullptr),
        owned(p.slot_names.size()) {
    for (size_t slot = 0; slot < p.slot_names.size(); ++slot) {
      if (p.slot_kinds[slot] == SlotKind::kInitializer) values[slot] = p.initializers[slot];
    }
  }

  const ir::Tensor* Lookup(const std::string& name) const {
    for (const Frame* frame = this; frame != nullptr; frame = frame->parent) {
      auto it = frame->plan.slot_of.find(name);
      if (it != frame->plan.slot_of.end() && frame->values[it->second] != nullptr) {
        return frame->values[it->second];
      }
    }
    return nullptr;
  }

  const GraphPlan& plan;
  const Frame* parent;
  std::vector<const ir::Tensor*> values;
  std::vector<ir::Tensor> owned;
};

class OmpThreadsScope {
 public:
  explicit OmpThreadsScope(int num_threads) {
    if (omp_get_max_threads != nullptr && omp_set_num_threads != nullptr) {
      previous_ = omp_get_max_threads();
      omp_set_num_threads(num_threads);
    }
  }
  ~OmpThreadsScope() {
    if (previous_ > 0) omp_set_num_threads(previous_);
  }
  OmpThreadsScope(const OmpThreadsScope&) = delete;
  OmpThreadsScope& operator=(const OmpThreadsScope&) = delete;

 private:
  int previous_ = 0;
};

// State shared by every run of one executor: the lazily compiled subgraph plans.
class ExecState {
 public:
  const GraphPlan& Subplan(const ir::Graph& graph) const {
    std::lock_guard<std::mutex> lock(subplans_mutex_);
    std::unique_ptr<GraphPlan>& entry = subplans_[&graph];
    if (!entry) {
      std::vector<std::string> inputs, outputs;
      for (const ir::ValueInfo& input : graph.inputs) inputs.push_back(input.name);
      for (const ir::ValueInfo& output : graph.outputs) outputs.push_back(output.name);
      entry = Compile(*model, graph, inputs, outputs, /*is_subgraph=*/true);
    }
    return *entry;
  }

  void RunFrame(Frame& frame, ValueObserver* observer) const {
    RunSteps(frame, frame.plan.steps, observer);
  }
  // `channels_last` (per slot, or null) marks values the steps store channels-last.
  void RunSteps(Frame& frame, const std::vector<Step>& steps, ValueObserver* observer,
                const std::vector<bool>* channels_last = nullptr) const;

  const ir::Model* model = nullptr;
  int num_threads = 1;

 private:
  mutable std::mutex subplans_mutex_;
  mutable std::unordered_map<const ir::Graph*, std::unique_ptr<GraphPlan>> subplans_;
};

// The SubgraphRunner handed to kernels of one frame: subgraphs see that frame's values.
class FrameRunner final : public SubgraphRunner {
 public:
  FrameRunner(const ExecState& state, const Frame& frame) : state_(state), frame_(frame) {}
  std::vector<ir::Tensor> RunSubgraph(const ir::Graph& graph,
                                      const std::vector<const ir::Tensor*>& inputs,
                                      const RunContext& context) const override;

 private:
  const ExecState& state_;
  const Frame& frame_;
};

void ExecState::RunSteps(Frame& frame, const std::vector<Step>& steps, ValueObserver* observer,
                         const std::vector<bool>* channels_last) const {
  const GraphPlan& plan = frame.plan;
  FrameRunner runner(*this, frame);
  RunContext context;
  context.num_threads = num_threads;
  context.subgraphs = &runner;
  std::vector<const ir::Tensor*> inputs;
  std::vector<ir::Tensor> outputs;
  for (const Step& step : steps) {
    inputs.assign(step.inputs.size(), nullptr);
    for (size_t k = 0; k < step.inputs.size(); ++k) {
      const int slot = step.inputs[k];
      if (slot < 0) continue;
      inputs[k] = frame.values[slot];
      if (inputs[k] == nullptr) {
        Fail(ErrorCode::kInternal,
             step.label + ": input '" + plan.slot_names[slot] + "' is not available");
      }
    }
    outputs.assign(step.outputs.size(), ir::Tensor());
    try {
      step.kernel->Run(inputs, outputs, context);
    } catch (const Error&) {
      throw;
    } catch (const std::bad_alloc&) {
      Fail(ErrorCode::kOutOfMemory, step.label + ": out of memory");
    } catch (const std::exception& e) {
      Fail(ErrorCode::kInternal, step.label + ": " + e.what());
    }
    for (size_t k = 0; k < step.outputs.size(); ++k) {
      const int slot = step.outputs[k];
      if (slot < 0) continue;
      ir::Tensor& value = outputs[k];
      if (value.dtype == ir::DType::kUndefined) {
        Fail(ErrorCode::kInternal,
             step.label + ": kernel did not produce output '" + plan.slot_names[slot] + "'");
      }
      value.name = plan.slot_names[slot];
      frame.owned[slot] = std::move(value);
      frame.values[slot] = &frame.owned[slot];
      if (observer != nullptr && observer->Wants(plan.slot_names[slot])) {
        if (channels_last != nullptr && (*channels_last)[slot]) {
          observer->ObserveChannelsLast(plan.slot_names[slot], frame.owned[slot]);
        } else {
          observer->Observe(plan.slot_names[slot], frame.owned[slot]);
        }
      }
    }
    for (int slot : step.release) {
      frame.values[slot] = nullptr;
      frame.owned[slot] = ir::Tensor();
    }
  }
}

std::vector<ir::Tensor> FrameRunner::RunSubgraph(const ir::Graph& graph,
                                                 const std::vector<const ir::Tensor*>& inputs,
                                                 const RunContext& /*context*/) const {
  const GraphPlan& sub = state_.Subplan(graph);
  if (inputs.size() != sub.input_slots.size()) {
    Fail(ErrorCode::kInvalidArgument, "subgraph '" + graph.name + "' takes " +
                                          std::to_string(sub.input_slots.size()) + " inputs, got " +
                                          std::to_string(inputs.size()));
  }
  Frame frame(sub, &frame_);
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (inputs[i] == nullptr) {
      Fail(ErrorCode::kInvalidArgument, "subgraph '" + graph.name + "': input '" +
                                            sub.slot_names[sub.input_slots[i]] + "' is missing");
    }
    frame.values[sub.input_slots[i]] = inputs[i];
  }
  for (int slot : sub.outer_slots) {
    frame.values[slot] = frame_.Lookup(sub.slot_names[slot]);
    if (frame.values[slot] == nullptr) {
      Fail(ErrorCode::kInvalidModel, "subgraph '" + graph.name + "' reads '" +
                                         sub.slot_names[slot] +
                                         "', which no enclosing scope defines");
    }
  }
  state_.RunFrame(frame, nullptr);
  std::vector<ir::Tensor> results;
  results.reserve(sub.output_slots.size());
  for (int slot : sub.output_slots) results.push_back(*frame.values[slot]);
  return results;
}

void CheckFeed(const std::string& name, const ir::Tensor& feed, const ir::ValueInfo* info) {
  if (feed.dtype == ir::DType::kUndefined) {
    Fail(ErrorCode::kInvalidArgument, "input '" + name + "' has no dtype");
  }
  for (int64_t d : feed.dims) {
    if (d < 0) {
      Fail(ErrorCode::kInvalidArgument,
           "input '" + name + "' has a negative dimension: " + ShapeString(feed.dims));
    }
  }
  if (feed.dtype != ir::DType::kString) {
    const size_t need = ir::StorageBytes(feed.dtype, feed.NumElements());
    const size_t have = feed.data ? feed.data->size() : 0;
    if (have < need) {
      Fail(ErrorCode::kInvalidArgument, "input '" + name + "' holds " + std::to_string(have) +
                                            " bytes, its shape " + ShapeString(feed.dims) +
                                            " needs " + std::to_string(need));
    }
  }
  if (info == nullptr || !info->type || !info->type->IsTensor()) return;
  const ir::Type& type = *info->type;
  if (type.elem_type_set && type.elem_type != 0 && type.tensor_dtype() != feed.dtype) {
    Fail(ErrorCode::kInvalidArgument, "input '" + name + "': expected dtype " +
                                          ir::DTypeName(type.tensor_dtype()) + ", got " +
                                          ir::DTypeName(feed.dtype));
  }
  if (!type.shape) return;
  const std::vector<ir::Dim>& dims = type.shape->dims;
  if (dims.size() != feed.dims.size()) {
    Fail(ErrorCode::kInvalidArgument,
         "input '" + name + "': expected rank " + std::to_string(dims.size()) + ", got rank " +
             std::to_string(feed.dims.size()) + " (shape " + ShapeString(feed.dims) + ")");
  }
  for (size_t d = 0; d < dims.size(); ++d) {
    if (dims[d].value && *dims[d].value >= 0 && *dims[d].value != feed.dims[d]) {
      Fail(ErrorCode::kInvalidArgument, "input '" + name + "': dimension " + std::to_string(d) +
                                            " must be " + std::to_string(*dims[d].value) +
                                            ", got shape " + ShapeString(feed.dims));
    }
  }
}

}  // namespace

struct Executor::Plan : ExecState {
  std::vector<std::string> input_names;
  std::vector<std::string> output_names;
  std::unique_ptr<GraphPlan> main;
};

Executor::Executor(std::shared_ptr<const ir::Model> model, ExecutorOptions options)
    : model_(std::move(model)), plan_(std::make_unique<Plan>()) {
  if (!model_ || !model_->graph) Fail(ErrorCode::kInvalidArgument, "the model has no graph");
  if (options.num_threads < 0) {
    Fail(ErrorCode::kInvalidArgument,
         "num_threads must be >= 0, got " + std::to_string(options.num_threads));
  }
  const ir::Graph& graph = *model_->graph;
  plan_->model = model_.get();
  plan_->num_threads = ResolveNumThreads(options.num_threads);
  plan_->input_names = options.inputs;
  if (plan_->input_names.empty()) {
    for (const ir::ValueInfo* input : graph.RealInputs()) {
      plan_->input_names.push_back(input->name);
    }
  }
  plan_->output_names = options.outputs;
  if (plan_->output_names.empty()) {
    for (const ir::ValueInfo& output : graph.outputs) plan_->output_names.push_back(output.name);
  }
  if (plan_->output_names.empty()) {
    Fail(ErrorCode::kInvalidArgument, "nothing to compute: the graph has no outputs");
  }
  plan_->main = Compile(*model_, graph, plan_->input_names, plan_->output_names,
                        /*is_subgraph=*/false);
  FuseConvolutions(*model_, *plan_->main, options.observed);
  if (options.recycled_bytes > 0) {
    recycler_ = std::make_shared<BufferRecycler>(options.recycled_bytes);
  }
}

Executor::~Executor() = default;

const std::vector<std::string>& Executor::input_names() const {
  return plan_->input_names;
}
const std::vector<std::string>& Executor::output_names() const {
  return plan_->output_names;
}

NamedTensors Executor::Run(const NamedTensors& feeds, ValueObserver* observer) const {
  const ScopedBufferRecycling recycling(recycler_);
  const GraphPlan& plan = *plan_->main;
  Frame frame(plan, nullptr);
  for (size_t i = 0; i < plan.input_slots.size(); ++i) {
    const std::string& name = plan_->input_names[i];
    const ir::Tensor* feed = nullptr;
    for (const auto& [feed_name, tensor] : feeds) {
      if (feed_name == name) {
        feed = &tensor;
        break;
      }
    }
    if (feed == nullptr) Fail(ErrorCode::kInvalidArgument, "missing input '" + name + "'");
    CheckFeed(name, *feed, plan.input_infos[i]);
    frame.values[plan.input_slots[i]] = feed;
  }
  OmpThreadsScope threads(plan_->num_threads);
  if (observer != nullptr) {
    for (size_t i = 0; i < plan.input_slots.size(); ++i) {
      const std::string& name = plan_->input_names[i];
      if (observer->Wants(name)) observer->Observe(name, *frame.values[plan.input_slots[i]]);
    }
  }
  bool fused = !plan.fused_steps.empty();
  if (fused && observer != nullptr) {
    for (int slot : plan.hidden_slots) {
      if (observer->Wants(plan.slot_names[slot])) {
        fused = false;
        break;
      }
    }
    for (size_t slot = 0; fused && slot < plan.channels_last.size(); ++slot) {
      if (plan.channels_last[slot] && !observer->AcceptsChannelsLast() &&
          observer->Wants(plan.slot_names[slot])) {
        fused = false;
      }
    }
  }
  if (fused) {
    plan_->RunSteps(frame, plan.fused_steps, observer, &plan.channels_last);
  } else {
    plan_->RunSteps(frame, plan.steps, observer);
  }
  NamedTensors results;
  results.reserve(plan.output_slots.size());
  for (size_t i = 0; i < plan.output_slots.size(); ++i) {
    ir::Tensor value = *frame.values[plan.output_slots[i]];
    value.name = plan_->output_names[i];
    results.emplace_back(plan_->output_names[i], std::move(value));
  }
  return results;
}

}  // namespace nncf::exec
