#include "sql_params.hpp"

#include <soci/use.h>

#include <stdexcept>

namespace kestra::adapters {

std::string SqlParams::next_name() { return prefix_ + std::to_string(values_.size()); }

std::string SqlParams::text(std::string value) {
  Value v;
  v.name = next_name();
  v.text = std::move(value);
  values_.push_back(std::move(v));
  return ":" + values_.back().name;
}

std::string SqlParams::integer(long long value) {
  Value v;
  v.name = next_name();
  v.integer = value;
  v.is_integer = true;
  values_.push_back(std::move(v));
  return ":" + values_.back().name;
}

void SqlParams::bind(soci::statement& statement) const {
  for (const Value& v : values_) {
    if (v.is_integer) {
      statement.exchange(soci::use(v.integer, v.name));
    } else {
      statement.exchange(soci::use(v.text, v.name));
    }
  }
}

std::string SqlParams::shape() const {
  std::string out;
  out.reserve(values_.size());
  for (const Value& v : values_) out.push_back(v.is_integer ? 'i' : 't');
  return out;
}

void SqlParams::assign(const SqlParams& other) {
  if (other.values_.size() != values_.size()) throw std::logic_error("SqlParams::assign: another shape");
  for (std::size_t i = 0; i < values_.size(); ++i) {
    const Value& from = other.values_[i];
    Value& to = values_[i];
    if (from.is_integer != to.is_integer || from.name != to.name) {
      throw std::logic_error("SqlParams::assign: another shape");
    }
    to.text = from.text;
    to.integer = from.integer;
  }
}

std::string like_pattern(std::string_view text, bool prefix_wildcard, bool suffix_wildcard) {
  std::string pattern;
  pattern.reserve(text.size() + 2);
  if (prefix_wildcard) pattern.push_back('%');
  for (char c : text) {
    if (c == '%' || c == '_' || c == '!') pattern.push_back('!');
    pattern.push_back(c);
  }
  if (suffix_wildcard) pattern.push_back('%');
  return pattern;
}

}  // namespace kestra::adapters
