// Dotted configuration keys ("quantize.advanced.overflow_fix") and the JSON paths that error
// messages use to point at a value ("$.quantize.advanced.overflow_fix", "$.a.subgraphs[0]").
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace nncf::config {

// "a.b.0" -> {"a", "b", "0"}; "" -> {} (the document root). Empty segments ("a..b", ".a")
// throw nncf::Error(kNotFound) naming the key.
std::vector<std::string> SplitKey(const std::string& key);

// True when segment is a decimal array index without sign or leading zeros.
bool ParseIndex(std::string_view segment, size_t* index);

// "$" + ".name", or "$[\"odd name\"]" when name is not a plain identifier.
std::string MemberPath(const std::string& parent, std::string_view name);
// "$.a" + "[3]".
std::string ElementPath(const std::string& parent, size_t index);

// 1-based line and column (in bytes) of a byte offset in text.
struct TextPosition {
  size_t line = 1;
  size_t column = 1;
};
TextPosition PositionAt(std::string_view text, size_t offset);

// Offset of the first byte that does not start a valid UTF-8 sequence (overlong forms,
// surrogates and code points above U+10FFFF are invalid), or text.size() when all is valid.
size_t FindInvalidUtf8(std::string_view text);

}  // namespace nncf::config
