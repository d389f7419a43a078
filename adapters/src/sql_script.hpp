// Splits a migration script into statements: SOCI's SQLite backend runs one
// statement per call.
#pragma once

#include "core/result.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace kestra::adapters {

// Splits on ';' outside '...', "..." and `...` quotes (a doubled quote
// escapes itself), dropping -- and /* */ comments and empty statements.
// Not understood: backslash escapes, PostgreSQL $$ quoting, trigger bodies.
Result<std::vector<std::string>> split_sql_script(std::string_view script);

}  // namespace kestra::adapters
