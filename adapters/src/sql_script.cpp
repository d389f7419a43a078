#include "sql_script.hpp"

#include <algorithm>
#include <cctype>

namespace kestra::adapters {
namespace {

bool is_space(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

std::string trimmed(const std::string& text) {
  const auto first = std::find_if_not(text.begin(), text.end(), is_space);
  const auto last = std::find_if_not(text.rbegin(), text.rend(), is_space).base();
  return first < last ? std::string(first, last) : std::string();
}

std::string line_of(std::string_view script, std::size_t offset) {
  return std::to_string(1 + std::count(script.begin(), script.begin() + offset, '\n'));
}

}  // namespace

Result<std::vector<std::string>> split_sql_script(std::string_view script) {
  std::vector<std::string> statements;
  std::string current;
  const auto flush = [&] {
    std::string statement = trimmed(current);
    if (!statement.empty()) statements.push_back(std::move(statement));
    current.clear();
  };

  const std::size_t size = script.size();
  std::size_t i = 0;
  while (i < size) {
    const char c = script[i];
    const char next = i + 1 < size ? script[i + 1] : '\0';
    if (c == '\'' || c == '"' || c == '`') {
      std::size_t end = i + 1;
      while (true) {
        if (end >= size) return Error::internal("line " + line_of(script, i) + ": unterminated quote " + c);
        if (script[end] == c) {
          if (end + 1 < size && script[end + 1] == c) {
            end += 2;
            continue;
          }
          break;
        }
        ++end;
      }
      current.append(script.substr(i, end + 1 - i));
      i = end + 1;
    } else if (c == '-' && next == '-') {
      const std::size_t eol = script.find('\n', i);
      current.push_back('\n');
      i = eol == std::string_view::npos ? size : eol + 1;
    } else if (c == '/' && next == '*') {
      const std::size_t end = script.find("*/", i + 2);
      if (end == std::string_view::npos) {
        return Error::internal("line " + line_of(script, i) + ": unterminated /* comment");
      }
      current.push_back(' ');
      i = end + 2;
    } else if (c == ';') {
      flush();
      ++i;
    } else {
      current.push_back(c);
      ++i;
    }
  }
  flush();
  return statements;
}

}  // namespace kestra::adapters
