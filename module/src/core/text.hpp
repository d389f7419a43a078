// ASCII text helpers shared by every layer: SCIM names, keywords, HTTP
// header names and configuration values compare without regard to ASCII
// case.  (Unicode case folding of user data: core/case_fold.hpp.)
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace kestra {

constexpr char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

std::string ascii_lower(std::string_view text);

// Equal but for ASCII case.
bool iequals(std::string_view a, std::string_view b);

// Whether `text` starts with `prefix`, but for ASCII case.
bool istarts_with(std::string_view text, std::string_view prefix);

// A whole number of ASCII digits only (no sign, no space), or nullopt (also
// when it overflows).
std::optional<long long> whole_number(std::string_view text);

}  // namespace kestra
