#include "dot_graph.h"

#include <cctype>
#include <fstream>
#include <map>
#include <sstream>
#include <utility>

#include "core/common/error.h"

namespace nncf::testing {
namespace {

struct Token {
  enum class Kind { kId, kPunct, kEnd } kind = Kind::kEnd;
  std::string text;  // identifier or quoted string without quotes; punctuation as written
  int line = 0;
};

class Lexer {
 public:
  explicit Lexer(const std::string& text) : text_(text) {}

  Token Next() {
    SkipSpace();
    Token t;
    t.line = line_;
    if (pos_ >= text_.size()) return t;
    const char c = text_[pos_];
    if (c == '"') {
      t.kind = Token::Kind::kId;
      ++pos_;
      while (pos_ < text_.size() && text_[pos_] != '"') {
        if (text_[pos_] == '\\' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '"') ++pos_;
        if (text_[pos_] == '\n') ++line_;
        t.text += text_[pos_++];
      }
      if (pos_ >= text_.size()) Fail(ErrorCode::kInvalidArgument, Where(t.line) + "unclosed quote");
      ++pos_;
      return t;
    }
    if (c == '-' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '>') {
      pos_ += 2;
      t.kind = Token::Kind::kPunct;
      t.text = "->";
      return t;
    }
    if (std::string("{}[]=,;").find(c) != std::string::npos) {
      ++pos_;
      t.kind = Token::Kind::kPunct;
      t.text = std::string(1, c);
      return t;
    }
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-') {
      t.kind = Token::Kind::kId;
      while (pos_ < text_.size()) {
        const char d = text_[pos_];
        if (!(std::isalnum(static_cast<unsigned char>(d)) || d == '_' || d == '.' || d == '-')) {
          break;
        }
        t.text += d;
        ++pos_;
      }
      return t;
    }
    Fail(ErrorCode::kInvalidArgument, Where(line_) + "unexpected character '" + c + "'");
  }

  static std::string Where(int line) { return "dot line " + std::to_string(line) + ": "; }

 private:
  void SkipSpace() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) {
      if (text_[pos_] == '\n') ++line_;
      ++pos_;
    }
  }

  const std::string& text_;
  size_t pos_ = 0;
  int line_ = 1;
};

class Parser {
 public:
  explicit Parser(const std::string& text) : lexer_(text) { Advance(); }

  DotGraph Parse() {
    if (IsId("strict")) Advance();
    if (!IsId("digraph")) Fail(ErrorCode::kInvalidArgument, Here() + "expected 'digraph'");
    Advance();
    if (current_.kind == Token::Kind::kId) Advance();  // graph name
    Expect("{");
    while (!IsPunct("}")) {
      if (current_.kind == Token::Kind::kEnd) {
        Fail(ErrorCode::kInvalidArgument, Here() + "missing '}'");
      }
      Statement();
    }
    return std::move(graph_);
  }

 private:
  void Statement() {
    if (current_.kind != Token::Kind::kId) {
      Fail(ErrorCode::kInvalidArgument, Here() + "expected a node or an edge");
    }
    const std::string first = current_.text;
    Advance();
    if (IsPunct("->")) {
      Advance();
      if (current_.kind != Token::Kind::kId) {
        Fail(ErrorCode::kInvalidArgument, Here() + "expected the edge's target node");
      }
      const std::string second = current_.text;
      Advance();
      const std::map<std::string, std::string> attrs = Attributes();
      DotEdge edge;
      edge.from = SplitKey(first).second;
      edge.to = SplitKey(second).second;
      if (auto it = attrs.find("label"); it != attrs.end()) edge.label = it->second;
      if (auto it = attrs.find("style"); it != attrs.end()) edge.style = it->second;
      graph_.edges.push_back(std::move(edge));
    } else {
      const std::map<std::string, std::string> attrs = Attributes();
      // `graph`, `node` and `edge` statements set defaults; NNCF's files have none that matter.
      if (first != "graph" && first != "node" && first != "edge") {
        DotNode node;
        std::tie(node.id, node.name) = SplitKey(first);
        if (auto it = attrs.find("type"); it != attrs.end()) node.type = it->second;
        graph_.nodes.push_back(std::move(node));
      }
    }
    if (IsPunct(";")) Advance();
  }

  std::map<std::string, std::string> Attributes() {
    std::map<std::string, std::string> attrs;
    if (!IsPunct("[")) return attrs;
    Advance();
    while (!IsPunct("]")) {
      if (current_.kind != Token::Kind::kId) {
        Fail(ErrorCode::kInvalidArgument, Here() + "expected an attribute name");
      }
      const std::string key = current_.text;
      Advance();
      Expect("=");
      if (current_.kind != Token::Kind::kId) {
        Fail(ErrorCode::kInvalidArgument, Here() + "expected the value of '" + key + "'");
      }
      attrs[key] = current_.text;
      Advance();
      if (IsPunct(",") || IsPunct(";")) Advance();
    }
    Advance();
    return attrs;
  }

  // "12 Conv1" -> ("12", "Conv1"). Names may contain spaces; the id never does.
  std::pair<std::string, std::string> SplitKey(const std::string& key) const {
    const size_t space = key.find(' ');
    if (space == std::string::npos || space == 0) {
      Fail(ErrorCode::kInvalidArgument, Here() + "node '" + key + "' is not '<id> <name>'");
    }
    for (size_t i = 0; i < space; ++i) {
      if (!std::isdigit(static_cast<unsigned char>(key[i]))) {
        Fail(ErrorCode::kInvalidArgument, Here() + "node '" + key + "' is not '<id> <name>'");
      }
    }
    return {key.substr(0, space), key.substr(space + 1)};
  }

  void Advance() { current_ = lexer_.Next(); }
  bool IsId(const char* text) const {
    return current_.kind == Token::Kind::kId && current_.text == text;
  }
  bool IsPunct(const char* text) const {
    return current_.kind == Token::Kind::kPunct && current_.text == text;
  }
  void Expect(const char* punct) {
    if (!IsPunct(punct)) {
      Fail(ErrorCode::kInvalidArgument, Here() + "expected '" + punct + "'");
    }
    Advance();
  }
  std::string Here() const { return Lexer::Where(current_.line); }

  Lexer lexer_;
  Token current_;
  DotGraph graph_;
};

using EdgeKey = std::tuple<std::string, std::string, std::string, std::string>;

std::set<EdgeKey> EdgeSet(const DotGraph& graph) {
  std::set<EdgeKey> edges;
  for (const DotEdge& e : graph.edges) edges.emplace(e.from, e.to, e.label, e.style);
  return edges;
}

std::string Describe(const EdgeKey& e) {
  return std::get<0>(e) + " -> " + std::get<1>(e) + " [" + std::get<2>(e) + ", " + std::get<3>(e) +
         "]";
}

}  // namespace

const DotNode* DotGraph::FindNode(const std::string& name) const {
  for (const DotNode& node : nodes) {
    if (node.name == name) return &node;
  }
  return nullptr;
}

std::vector<const DotEdge*> DotGraph::EdgesFrom(const std::string& name) const {
  std::vector<const DotEdge*> result;
  for (const DotEdge& edge : edges) {
    if (edge.from == name) result.push_back(&edge);
  }
  return result;
}

std::vector<const DotEdge*> DotGraph::EdgesTo(const std::string& name) const {
  std::vector<const DotEdge*> result;
  for (const DotEdge& edge : edges) {
    if (edge.to == name) result.push_back(&edge);
  }
  return result;
}

DotGraph ParseDot(const std::string& text) {
  return Parser(text).Parse();
}

DotGraph ReadDotFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) Fail(ErrorCode::kIo, "cannot read dot file '" + path + "'");
  std::stringstream text;
  text << in.rdbuf();
  try {
    return ParseDot(text.str());
  } catch (const Error& e) {
    Fail(e.code(), path + ": " + e.what());
  }
}

std::vector<std::string> DotGraphDifferences(const DotGraph& expected, const DotGraph& actual) {
  std::vector<std::string> diffs;
  std::map<std::string, std::string> expected_types, actual_types;
  for (const DotNode& n : expected.nodes) expected_types[n.name] = n.type;
  for (const DotNode& n : actual.nodes) actual_types[n.name] = n.type;
  for (const auto& [name, type] : expected_types) {
    auto it = actual_types.find(name);
    if (it == actual_types.end()) {
      diffs.push_back("missing node " + name + " (" + type + ")");
    } else if (it->second != type) {
      diffs.push_back("node " + name + " has type " + it->second + ", expected " + type);
    }
  }
  for (const auto& [name, type] : actual_types) {
    if (!expected_types.count(name)) diffs.push_back("unexpected node " + name + " (" + type + ")");
  }
  const std::set<EdgeKey> expected_edges = EdgeSet(expected), actual_edges = EdgeSet(actual);
  for (const EdgeKey& e : expected_edges) {
    if (!actual_edges.count(e)) diffs.push_back("missing edge " + Describe(e));
  }
  for (const EdgeKey& e : actual_edges) {
    if (!expected_edges.count(e)) diffs.push_back("unexpected edge " + Describe(e));
  }
  return diffs;
}

}  // namespace nncf::testing
