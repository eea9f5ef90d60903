// The library's configuration schema and the validator that enforces it.
//
// The schema is a JSON document (a JSON-Schema subset, see SchemaJson()) kept as text so that it
// can be published as-is (nncf_config_schema_json). Supported keywords:
//   type                  "object" | "array" | "string" | "number" | "integer" | "boolean" |
//                         "null", or a list of them (["number", "null"])
//   properties, required  object members; every object is closed (additionalProperties false
//                         is mandatory, there are no free-form maps)
//   items, minItems       array elements
//   enum                  allowed values; a null value admitted by "type" is not checked
//                         against enum (so enums list only the real choices)
//   minimum, maximum, exclusiveMinimum   numeric bounds (draft-06 numeric form)
//   default               value used when the key is unset; objects without a default get one
//                         built from their members' defaults
//   $ref                  "#/definitions/<name>" only; definitions live at the root
//   description, title, $schema, definitions   documentation and structure
// Integers are numbers with no fractional part whose magnitude is at most 2^53 (what a double,
// and so cJSON, holds exactly).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <cjson/cJSON.h>

namespace nncf::config {

struct CJsonDeleter {
  void operator()(cJSON* json) const { cJSON_Delete(json); }
};
// Owns a cJSON tree.
using JsonPtr = std::unique_ptr<cJSON, CJsonDeleter>;

// Parses text as exactly one JSON value (surrounding whitespace allowed). Returns null on a
// syntax error and sets *error_offset to the byte offset where parsing stopped.
JsonPtr ParseJson(std::string_view text, size_t* error_offset);
// JSON text of json: compact, or indented by two spaces per level. Unlike cJSON's printer,
// numbers are written with enough digits to read back as the same double.
std::string PrintJson(const cJSON* json, bool pretty);
// cJSON_Duplicate(json, recurse=true) that throws kOutOfMemory instead of returning null.
JsonPtr DuplicateJson(const cJSON* json);
// "object", "array", "string", "number", "boolean", "null".
const char* JsonTypeName(const cJSON* json);
// Shortest text that reads back as the same double ("1", "0.002", "1e-04" -> "0.0001").
std::string FormatNumber(double value);

// The schema text (declared in config.h too, for the C API).
const std::string& SchemaJson();

class Schema {
 public:
  // Parses and checks a schema document: known keywords only, closed objects, a default on every
  // non-object node, and every default valid against its own node. Throws kInternal otherwise.
  explicit Schema(std::string_view json);
  // The library's schema (SchemaJson()), parsed once.
  static const Schema& Library();

  const cJSON* root() const { return root_.get(); }
  // Follows "$ref" (once; definitions do not chain refs).
  const cJSON* Resolve(const cJSON* node) const;
  // Child schema of an object node for a member name, nullptr if not a property.
  const cJSON* Property(const cJSON* node, std::string_view name) const;
  // Element schema of an array node, nullptr if node does not describe arrays.
  const cJSON* Items(const cJSON* node) const;
  // True when node's "type" admits type_name ("object", "array", ...).
  bool Allows(const cJSON* node, const char* type_name) const;
  // Property names of an object node, in schema order.
  std::vector<std::string> PropertyNames(const cJSON* node) const;

  // Throws nncf::Error(kInvalidConfig) "<path>: <problem>" for the first violation found.
  void Validate(const cJSON* node, const cJSON* value, const std::string& path) const;

  // The value an unset key has: "default", or for an object node without one, an object with
  // every member's default (members without a default are left out).
  JsonPtr Default(const cJSON* node) const;
  // value with every missing object member filled from defaults, recursively, members in schema
  // order. value must be valid against node.
  JsonPtr WithDefaults(const cJSON* node, const cJSON* value) const;

 private:
  void CheckNode(const cJSON* node, const std::string& where, int depth) const;

  JsonPtr root_;
};

}  // namespace nncf::config
