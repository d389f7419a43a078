#include "core/case_fold.hpp"

#include "core/utf8.hpp"

#include <unicode/uchar.h>

namespace kestra {

std::string fold_case(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x80) {  // ASCII: u_foldCase's own answer, without the call
      out += static_cast<char>(byte >= 'A' && byte <= 'Z' ? byte + ('a' - 'A') : byte);
      ++i;
      continue;
    }
    char32_t c = 0;
    const std::size_t len = utf8::decode(text, i, c);
    if (len == 0) {  // not UTF-8: keep the byte
      out += text[i++];
      continue;
    }
    utf8::append(out, static_cast<char32_t>(u_foldCase(static_cast<UChar32>(c), U_FOLD_CASE_DEFAULT)));
    i += len;
  }
  return out;
}

}  // namespace kestra
