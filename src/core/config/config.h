// A validated JSON configuration (the C API's nncf_config, NNCF's NNCFConfig and advanced
// parameters). Every document is checked against the library's own schema (config_schema.h);
// errors carry the JSON path of the offending key or value.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace nncf::config {

class Config {
 public:
  Config();  // an empty document ({}), valid by construction
  ~Config();
  Config(const Config& other);
  Config& operator=(const Config& other);
  Config(Config&&) noexcept;
  Config& operator=(Config&&) noexcept;

  // Throws nncf::Error(kInvalidConfig) with a message like
  // "$.quantize.advanced.overflow_fix: expected one of \"enable\", \"disable\",
  // \"first_layer_only\", got \"sometimes\"". Parse errors give line, column and byte offset.
  static Config FromJson(std::string_view json);
  // kNotFound / kIo for file problems, then as FromJson (the message also names the file).
  static Config FromFile(const std::string& path);

  std::string ToJson() const;  // pretty-printed, keys in insertion order

  // key is a dotted path ("quantize.advanced.overflow_fix"); array elements as "a.b.0"; ""
  // is the whole document. Returns the compact JSON text of the value, or of the schema's
  // default when unset; objects come back with every unset member filled from the defaults.
  // Throws kNotFound for paths the schema does not define.
  std::string Get(const std::string& key) const;
  bool Has(const std::string& key) const;  // explicitly set in the document
  // Validates the value against the schema at that path before storing it, creating missing
  // parent objects (and appending when the index equals an array's size); on error the config
  // is unchanged.
  void Set(const std::string& key, std::string_view json_value);

  // Typed reads with schema defaults; kInvalidConfig if the value has another type (null
  // included), kNotFound for keys the schema does not define.
  double GetNumber(const std::string& key) const;
  int64_t GetInt(const std::string& key) const;
  bool GetBool(const std::string& key) const;
  std::string GetString(const std::string& key) const;
  std::vector<std::string> GetStringList(const std::string& key) const;
  std::vector<double> GetNumberList(const std::string& key) const;
  // True when the value (or the default of an unset key) is JSON null: NNCF's None, "let the
  // algorithm choose". Check it before a typed read of a nullable key.
  bool IsNull(const std::string& key) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The schema as JSON text (a JSON-Schema subset: type, properties, additionalProperties=false,
// enum, minimum/maximum, items, default, description).
const std::string& SchemaJson();

}  // namespace nncf::config
