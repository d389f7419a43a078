// UTF-8 (RFC 3629) decoding and encoding, shared by the filter lexer, case
// folding, length limits and the echo of client text in error details.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace kestra::utf8 {

// Decodes the well-formed sequence at text[at] (shortest form, no surrogate,
// at most U+10FFFF) into `code_point`; its length in bytes, or 0 when the
// bytes there are not one.
std::size_t decode(std::string_view text, std::size_t at, char32_t& code_point);

void append(std::string& out, char32_t code_point);

// Code points in `text`, or kInvalid when it is not UTF-8.
inline constexpr std::size_t kInvalid = static_cast<std::size_t>(-1);
std::size_t length(std::string_view text);

// `text` with every byte that starts no well-formed sequence replaced by
// U+FFFD, so that it can be echoed inside JSON.
std::string sanitized(std::string_view text);

}  // namespace kestra::utf8
