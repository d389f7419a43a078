// Values bound to a statement by name.  Every value a request supplies goes
// through here: SQL text only ever holds the generated names (":f0", ":f1").
#pragma once

#include <soci/statement.h>
#include "core/text.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace kestra::adapters {

class SqlParams {
 public:
  // Names are `prefix` followed by a counter: "f" gives :f0, :f1...
  explicit SqlParams(std::string prefix = "f") : prefix_(std::move(prefix)) {}

  // Adds a value; returns its placeholder (":f3") for the SQL text.
  std::string text(std::string value);
  std::string integer(long long value);

  // Exchanges every value with `statement` (soci::use binds by reference:
  // keep this object alive and unchanged until the statement has run).
  void bind(soci::statement& statement) const;

  // One letter per value, 't' text or 'i' integer: with the SQL text, what
  // tells whether a statement bound to other parameters can take these.
  std::string shape() const;
  // Takes the values of `other`, of the same shape(), in place: a statement
  // bound to this object sees them on its next run.
  void assign(const SqlParams& other);

  bool empty() const { return values_.empty(); }
  std::size_t size() const { return values_.size(); }

 private:
  struct Value {
    std::string name;
    std::string text;
    long long integer = 0;
    bool is_integer = false;
  };
  std::string next_name();

  std::string prefix_;
  std::vector<Value> values_;
};

// A LIKE pattern (ESCAPE '!') for `text`: %, _ and ! are escaped.
std::string like_pattern(std::string_view text, bool prefix_wildcard, bool suffix_wildcard);

}  // namespace kestra::adapters
