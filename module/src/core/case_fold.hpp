// Unicode case folding of user data: the keys under which userName and
// displayName are unique, case-insensitive filters and PATCH value matching.
// (ASCII-only names and keywords: core/text.hpp.)
#pragma once

#include <string>
#include <string_view>

namespace kestra {

// `text` with every code point replaced by its Unicode simple case folding
// (CaseFolding.txt statuses C and S, as ICU's u_foldCase with
// U_FOLD_CASE_DEFAULT), so one code point always stays one: ß stays ß (full
// folding would make it "ss"), U+0130 İ stays İ (it has no simple folding),
// the Kelvin sign K becomes k, lower-case Cherokee becomes upper-case.  For
// ASCII text this is exactly A-Z -> a-z.  No normalisation, no trimming;
// bytes that are not UTF-8 are copied unchanged.
std::string fold_case(std::string_view text);

}  // namespace kestra
