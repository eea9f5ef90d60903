#include "core/config/config.h"

#include <sys/stat.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <utility>

#include "core/common/error.h"
#include "core/config/config_schema.h"
#include "core/config/json_path.h"

namespace nncf::config {
namespace {

// Where a dotted key points: its schema node, the stored value (null when unset) and the JSON
// path used in messages. nodes/values hold every level from the root, for Set.
struct Location {
  std::vector<std::string> segments;
  std::vector<const cJSON*> nodes;  // nodes[i] describes the value after i segments
  const cJSON* value = nullptr;     // stored value at the full key, nullptr if unset
  std::string path = "$";
};

std::string Quoted(const std::string& key) {
  return "\"" + key + "\"";
}

// Parses text as one JSON document with messages that say where it goes wrong.
JsonPtr ParseText(std::string_view text, const std::string& what) {
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    Fail(ErrorCode::kInvalidConfig, what + " is empty");
  }
  auto fail_at = [&](size_t offset, const std::string& problem) {
    const TextPosition at = PositionAt(text, offset);
    Fail(ErrorCode::kInvalidConfig, what + ": " + problem + " at line " + std::to_string(at.line) +
                                        ", column " + std::to_string(at.column) + " (byte " +
                                        std::to_string(offset) + ")");
  };
  const size_t nul = text.find('\0');
  if (nul != std::string_view::npos) fail_at(nul, "NUL byte");
  const size_t invalid = FindInvalidUtf8(text);
  if (invalid != text.size()) fail_at(invalid, "invalid UTF-8");
  size_t offset = 0;
  JsonPtr json = ParseJson(text, &offset);
  if (json == nullptr) {
    std::string near(text.substr(offset, 16));
    for (char& c : near) {
      if (static_cast<unsigned char>(c) < 0x20) c = ' ';
    }
    const TextPosition at = PositionAt(text, offset);
    Fail(ErrorCode::kInvalidConfig,
         what + ": parse error at line " + std::to_string(at.line) + ", column " +
             std::to_string(at.column) + " (byte " + std::to_string(offset) + ")" +
             (near.empty() ? std::string(", at the end") : ", near '" + near + "'"));
  }
  return json;
}

JsonPtr NewObject() {
  JsonPtr object(cJSON_CreateObject());
  if (object == nullptr) Fail(ErrorCode::kOutOfMemory, "out of memory building JSON");
  return object;
}

const cJSON* EmptyDocument() {
  static const JsonPtr kEmpty(cJSON_CreateObject());
  return kEmpty.get();
}

// Walks the schema (and the document alongside it) along key; kNotFound for keys the schema
// does not define.
Location Locate(const cJSON* document, const std::string& key) {
  const Schema& schema = Schema::Library();
  Location location;
  location.segments = SplitKey(key);
  const cJSON* node = schema.root();
  const cJSON* value = document;
  location.nodes.push_back(node);
  std::string prefix;
  for (const std::string& segment : location.segments) {
    const cJSON* child = nullptr;
    size_t index = 0;
    if (schema.Allows(node, "object")) {
      child = schema.Property(node, segment);
      if (child == nullptr) {
        std::string known;
        for (const std::string& name : schema.PropertyNames(node)) {
          known += known.empty() ? name : ", " + name;
        }
        Fail(ErrorCode::kNotFound,
             "config key " + Quoted(key) + " is not in the schema (" +
                 (prefix.empty() ? std::string("top-level keys") : "keys under " + Quoted(prefix)) +
                 ": " + known + ")");
      }
      value = cJSON_IsObject(value) ? cJSON_GetObjectItemCaseSensitive(value, segment.c_str())
                                    : nullptr;
      location.path = MemberPath(location.path, segment);
    } else if (schema.Allows(node, "array")) {
      if (!ParseIndex(segment, &index)) {
        Fail(ErrorCode::kNotFound, "config key " + Quoted(key) + ": " + Quoted(prefix) +
                                       " is a list, \"" + segment + "\" is not an index");
      }
      child = schema.Items(node);
      value = cJSON_IsArray(value) && index < static_cast<size_t>(cJSON_GetArraySize(value))
                  ? cJSON_GetArrayItem(value, static_cast<int>(index))
                  : nullptr;
      location.path = ElementPath(location.path, index);
    } else {
      Fail(ErrorCode::kNotFound, "config key " + Quoted(key) + ": " +
                                     Quoted(prefix.empty() ? std::string("$") : prefix) +
                                     " is a value, not a section");
    }
    prefix += prefix.empty() ? segment : "." + segment;
    node = child;
    location.nodes.push_back(node);
  }
  location.value = value;
  return location;
}

// The value at key, or its default; throws kNotFound for a list element that does not exist
// (list elements have no defaults).
JsonPtr Effective(const cJSON* document, const std::string& key, std::string* path) {
  const Schema& schema = Schema::Library();
  Location location = Locate(document, key);
  if (path != nullptr) *path = location.path;
  if (location.value != nullptr) return schema.WithDefaults(location.nodes.back(), location.value);
  JsonPtr fallback = schema.Default(location.nodes.back());
  if (fallback == nullptr) {
    Fail(ErrorCode::kNotFound,
         "config key " + Quoted(key) + " (" + location.path + ") is not set and has no default");
  }
  return fallback;
}

[[noreturn]] void WrongType(const std::string& path, const char* expected, const cJSON* value) {
  Fail(ErrorCode::kInvalidConfig,
       path + ": expected " + expected + ", got " +
           (cJSON_IsNumber(value) ? FormatNumber(value->valuedouble) : JsonTypeName(value)));
}

// A new empty container for a missing parent: an array when the schema says so.
JsonPtr NewContainer(const cJSON* node) {
  const Schema& schema = Schema::Library();
  if (schema.Allows(node, "array")) {
    JsonPtr array(cJSON_CreateArray());
    if (array == nullptr) Fail(ErrorCode::kOutOfMemory, "out of memory building JSON");
    return array;
  }
  return NewObject();
}

// Stores item under segment of parent (an object member or an array element; index == size
// appends). Returns the stored item.
cJSON* Store(cJSON* parent, const std::string& segment, JsonPtr item, const std::string& key,
             const std::string& parent_path) {
  cJSON* raw = item.get();
  if (cJSON_IsArray(parent)) {
    size_t index = 0;
    ParseIndex(segment, &index);  // Locate checked the syntax
    const auto size = static_cast<size_t>(cJSON_GetArraySize(parent));
    if (index > size) {
      Fail(ErrorCode::kNotFound, "config key " + Quoted(key) + ": " + parent_path + " has " +
                                     std::to_string(size) + " elements, cannot set element " +
                                     std::to_string(index));
    }
    const bool ok = index == size ? cJSON_AddItemToArray(parent, raw)
                                  : cJSON_ReplaceItemInArray(parent, static_cast<int>(index), raw);
    if (!ok) Fail(ErrorCode::kOutOfMemory, "out of memory building JSON");
  } else {
    const bool ok = cJSON_GetObjectItemCaseSensitive(parent, segment.c_str()) != nullptr
                        ? cJSON_ReplaceItemInObjectCaseSensitive(parent, segment.c_str(), raw)
                        : cJSON_AddItemToObject(parent, segment.c_str(), raw);
    if (!ok) Fail(ErrorCode::kOutOfMemory, "out of memory building JSON");
  }
  item.release();  // owned by parent now
  return raw;
}

}  // namespace

struct Config::Impl {
  JsonPtr document;
};

Config::Config() : impl_(std::make_unique<Impl>()) {
  impl_->document = NewObject();
}

Config::~Config() = default;

Config::Config(const Config& other) : impl_(std::make_unique<Impl>()) {
  impl_->document = DuplicateJson(other.impl_ ? other.impl_->document.get() : EmptyDocument());
}

Config& Config::operator=(const Config& other) {
  if (this == &other) return *this;
  JsonPtr copy = DuplicateJson(other.impl_ ? other.impl_->document.get() : EmptyDocument());
  if (!impl_) impl_ = std::make_unique<Impl>();
  impl_->document = std::move(copy);
  return *this;
}

Config::Config(Config&&) noexcept = default;
Config& Config::operator=(Config&&) noexcept = default;

Config Config::FromJson(std::string_view json) {
  JsonPtr document = ParseText(json, "config JSON");
  Schema::Library().Validate(Schema::Library().root(), document.get(), "$");
  Config config;
  config.impl_->document = std::move(document);
  return config;
}

Config Config::FromFile(const std::string& path) {
  const std::string what = "config file " + Quoted(path);
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) {
    const int error = errno;
    Fail(error == ENOENT || error == ENOTDIR ? ErrorCode::kNotFound : ErrorCode::kIo,
         what + ": " + std::strerror(error));
  }
  if (S_ISDIR(info.st_mode)) Fail(ErrorCode::kIo, what + ": is a directory");
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) Fail(ErrorCode::kIo, what + ": " + std::strerror(errno));
  std::string text;
  char buffer[65536];
  size_t read = 0;
  while ((read = std::fread(buffer, 1, sizeof(buffer), file)) > 0) text.append(buffer, read);
  const bool failed = std::ferror(file) != 0;
  const int error = errno;
  std::fclose(file);
  if (failed) Fail(ErrorCode::kIo, what + ": read failed: " + std::strerror(error));
  try {
    return FromJson(text);
  } catch (const Error& e) {
    Fail(e.code(), what + ": " + e.what());
  }
}

std::string Config::ToJson() const {
  return PrintJson(impl_ ? impl_->document.get() : EmptyDocument(), /*pretty=*/true);
}

std::string Config::Get(const std::string& key) const {
  const cJSON* document = impl_ ? impl_->document.get() : EmptyDocument();
  return PrintJson(Effective(document, key, nullptr).get(), /*pretty=*/false);
}

bool Config::Has(const std::string& key) const {
  return Locate(impl_ ? impl_->document.get() : EmptyDocument(), key).value != nullptr;
}

void Config::Set(const std::string& key, std::string_view json_value) {
  if (!impl_) impl_ = std::make_unique<Impl>();
  if (!impl_->document) impl_->document = NewObject();
  const Schema& schema = Schema::Library();
  const Location location = Locate(impl_->document.get(), key);
  JsonPtr value = ParseText(json_value, "value for config key " + Quoted(key));
  schema.Validate(location.nodes.back(), value.get(), location.path);

  if (location.segments.empty()) {
    impl_->document = std::move(value);
    return;
  }
  // Edit a copy and swap it in only when the whole document still validates.
  JsonPtr document = DuplicateJson(impl_->document.get());
  cJSON* cursor = document.get();
  std::string path = "$";
  const size_t count = location.segments.size();
  for (size_t i = 0; i + 1 < count; ++i) {
    const std::string& segment = location.segments[i];
    cJSON* child = nullptr;
    size_t index = 0;
    if (cJSON_IsArray(cursor)) {
      ParseIndex(segment, &index);
      if (index < static_cast<size_t>(cJSON_GetArraySize(cursor))) {
        child = cJSON_GetArrayItem(cursor, static_cast<int>(index));
      }
    } else {
      child = cJSON_GetObjectItemCaseSensitive(cursor, segment.c_str());
    }
    if (child == nullptr || cJSON_IsNull(child)) {
      child = Store(cursor, segment, NewContainer(location.nodes[i + 1]), key, path);
    }
    path = cJSON_IsArray(cursor) ? ElementPath(path, index) : MemberPath(path, segment);
    cursor = child;
  }
  Store(cursor, location.segments.back(), std::move(value), key, path);
  schema.Validate(schema.root(), document.get(), "$");
  impl_->document = std::move(document);
}

double Config::GetNumber(const std::string& key) const {
  std::string path;
  const JsonPtr value = Effective(impl_ ? impl_->document.get() : EmptyDocument(), key, &path);
  if (!cJSON_IsNumber(value.get())) WrongType(path, "number", value.get());
  return value->valuedouble;
}

int64_t Config::GetInt(const std::string& key) const {
  std::string path;
  const JsonPtr value = Effective(impl_ ? impl_->document.get() : EmptyDocument(), key, &path);
  if (!cJSON_IsNumber(value.get())) WrongType(path, "integer", value.get());
  const double number = value->valuedouble;
  // 2^63 is the first double outside int64_t.
  if (std::floor(number) != number || !(std::fabs(number) < 9223372036854775808.0)) {
    WrongType(path, "integer", value.get());
  }
  return static_cast<int64_t>(number);
}

bool Config::GetBool(const std::string& key) const {
  std::string path;
  const JsonPtr value = Effective(impl_ ? impl_->document.get() : EmptyDocument(), key, &path);
  if (!cJSON_IsBool(value.get())) WrongType(path, "boolean", value.get());
  return cJSON_IsTrue(value.get());
}

std::string Config::GetString(const std::string& key) const {
  std::string path;
  const JsonPtr value = Effective(impl_ ? impl_->document.get() : EmptyDocument(), key, &path);
  if (!cJSON_IsString(value.get())) WrongType(path, "string", value.get());
  return value->valuestring;
}

std::vector<std::string> Config::GetStringList(const std::string& key) const {
  std::string path;
  const JsonPtr value = Effective(impl_ ? impl_->document.get() : EmptyDocument(), key, &path);
  if (!cJSON_IsArray(value.get())) WrongType(path, "list of strings", value.get());
  std::vector<std::string> out;
  size_t index = 0;
  const cJSON* element = nullptr;
  cJSON_ArrayForEach(element, value.get()) {
    if (!cJSON_IsString(element)) WrongType(ElementPath(path, index), "string", element);
    out.emplace_back(element->valuestring);
    ++index;
  }
  return out;
}

std::vector<double> Config::GetNumberList(const std::string& key) const {
  std::string path;
  const JsonPtr value = Effective(impl_ ? impl_->document.get() : EmptyDocument(), key, &path);
  if (!cJSON_IsArray(value.get())) WrongType(path, "list of numbers", value.get());
  std::vector<double> out;
  size_t index = 0;
  const cJSON* element = nullptr;
  cJSON_ArrayForEach(element, value.get()) {
    if (!cJSON_IsNumber(element)) WrongType(ElementPath(path, index), "number", element);
    out.push_back(element->valuedouble);
    ++index;
  }
  return out;
}

bool Config::IsNull(const std::string& key) const {
  const JsonPtr value = Effective(impl_ ? impl_->document.get() : EmptyDocument(), key, nullptr);
  return cJSON_IsNull(value.get());
}

}  // namespace nncf::config
