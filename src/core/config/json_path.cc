#include "core/config/json_path.h"

#include <cstdint>

#include "core/common/error.h"

namespace nncf::config {
namespace {

bool IsIdentifier(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

// Quotes a key for bracket notation, escaping what JSON would escape.
std::string Quote(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (byte < 0x20) {
      static const char kHex[] = "0123456789abcdef";
      out += "\\u00";
      out += kHex[byte >> 4];
      out += kHex[byte & 0xF];
    } else {
      out += c;
    }
  }
  out += '"';
  return out;
}

}  // namespace

std::vector<std::string> SplitKey(const std::string& key) {
  std::vector<std::string> segments;
  if (key.empty()) return segments;
  size_t start = 0;
  while (true) {
    const size_t dot = key.find('.', start);
    const size_t end = dot == std::string::npos ? key.size() : dot;
    if (end == start) {
      Fail(ErrorCode::kNotFound, "config key \"" + key + "\" has an empty segment");
    }
    segments.push_back(key.substr(start, end - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return segments;
}

bool ParseIndex(std::string_view segment, size_t* index) {
  if (segment.empty() || segment.size() > 9) return false;
  if (segment.size() > 1 && segment[0] == '0') return false;
  size_t value = 0;
  for (char c : segment) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + static_cast<size_t>(c - '0');
  }
  *index = value;
  return true;
}

std::string MemberPath(const std::string& parent, std::string_view name) {
  if (IsIdentifier(name)) return parent + "." + std::string(name);
  return parent + "[" + Quote(name) + "]";
}

std::string ElementPath(const std::string& parent, size_t index) {
  return parent + "[" + std::to_string(index) + "]";
}

TextPosition PositionAt(std::string_view text, size_t offset) {
  TextPosition position;
  if (offset > text.size()) offset = text.size();
  for (size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++position.line;
      position.column = 1;
    } else {
      ++position.column;
    }
  }
  return position;
}

size_t FindInvalidUtf8(std::string_view text) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  const size_t size = text.size();
  size_t i = 0;
  while (i < size) {
    const unsigned char lead = bytes[i];
    if (lead < 0x80) {
      ++i;
      continue;
    }
    size_t length = 0;
    uint32_t code_point = 0;
    uint32_t min_code_point = 0;
    if ((lead & 0xE0) == 0xC0) {
      length = 2;
      code_point = lead & 0x1F;
      min_code_point = 0x80;
    } else if ((lead & 0xF0) == 0xE0) {
      length = 3;
      code_point = lead & 0x0F;
      min_code_point = 0x800;
    } else if ((lead & 0xF8) == 0xF0) {
      length = 4;
      code_point = lead & 0x07;
      min_code_point = 0x10000;
    } else {
      return i;
    }
    if (i + length > size) return i;
    for (size_t k = 1; k < length; ++k) {
      if ((bytes[i + k] & 0xC0) != 0x80) return i;
      code_point = (code_point << 6) | (bytes[i + k] & 0x3F);
    }
    if (code_point < min_code_point || code_point > 0x10FFFF ||
        (code_point >= 0xD800 && code_point <= 0xDFFF)) {
      return i;
    }
    i += length;
  }
  return size;
}

}  // namespace nncf::config
