#include "core/utf8.hpp"

namespace kestra::utf8 {

std::size_t decode(std::string_view text, std::size_t at, char32_t& code_point) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(at);
  const std::size_t size = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3 : (lead >> 3) == 0x1E ? 4 : 0;
  if (size == 0 || at + size > text.size()) return 0;
  char32_t c = size == 1 ? lead : lead & (0x7F >> size);
  for (std::size_t k = 1; k < size; ++k) {
    if ((byte(at + k) & 0xC0) != 0x80) return 0;
    c = (c << 6) | (byte(at + k) & 0x3F);
  }
  static constexpr char32_t kShortest[] = {0, 0, 0x80, 0x800, 0x10000};
  if (c < kShortest[size] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return 0;
  code_point = c;
  return size;
}

void append(std::string& out, char32_t c) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

std::size_t length(std::string_view text) {
  std::size_t count = 0;
  char32_t c = 0;
  for (std::size_t i = 0; i < text.size(); ++count) {
    const std::size_t size = decode(text, i, c);
    if (size == 0) return kInvalid;
    i += size;
  }
  return count;
}

std::string sanitized(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  char32_t c = 0;
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t size = decode(text, i, c);
    if (size == 0) {
      append(out, 0xFFFD);
      ++i;
      continue;
    }
    out.append(text.substr(i, size));
    i += size;
  }
  return out;
}

}  // namespace kestra::utf8
