#include "http/json_body.hpp"

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/value_stack.hpp>

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

namespace kestra::http {
namespace {

namespace json = boost::json;
using json::error_code;
using json::string_view;

// At most 40 bytes of client text, for a message.
std::string shown(string_view text) { return std::string(text.data(), std::min<std::size_t>(text.size(), 40)); }

// Boost.JSON's value-building handler (detail/handler.hpp) plus the checks
// that need the events: element count, duplicate keys, U+0000, infinities.
class LimitedHandler {
 public:
  static constexpr std::size_t max_object_size = json::object::max_size();
  static constexpr std::size_t max_array_size = json::array::max_size();
  static constexpr std::size_t max_key_size = json::string::max_size();
  static constexpr std::size_t max_string_size = json::string::max_size();

  explicit LimitedHandler(std::size_t max_elements) : max_elements_(max_elements) {}

  json::value_stack stack;
  std::optional<Error> refusal;  // why a handler call stopped the parse

  bool on_document_begin(error_code&) { return true; }
  bool on_document_end(error_code&) { return true; }
  bool on_object_begin(error_code& ec) {
    keys_.emplace_back();
    return counted(ec);
  }
  bool on_object_end(std::size_t n, error_code&) {
    keys_.pop_back();
    stack.push_object(n);
    return true;
  }
  bool on_array_begin(error_code& ec) { return counted(ec); }
  bool on_array_end(std::size_t n, error_code&) {
    stack.push_array(n);
    return true;
  }
  bool on_key_part(string_view s, std::size_t, error_code& ec) {
    key_.append(s.data(), s.size());
    if (!without_nul(s, ec)) return false;
    stack.push_chars(s);
    return true;
  }
  bool on_key(string_view s, std::size_t, error_code& ec) {
    key_.append(s.data(), s.size());
    if (!without_nul(s, ec)) return false;
    if (!keys_.back().insert(key_).second) {
      return refuse(Error::invalid("the key '" + shown(key_) + "' appears twice in one object", "invalidSyntax"), ec);
    }
    key_.clear();
    stack.push_key(s);
    return true;
  }
  bool on_string_part(string_view s, std::size_t, error_code& ec) {
    if (!without_nul(s, ec)) return false;
    stack.push_chars(s);
    return true;
  }
  bool on_string(string_view s, std::size_t, error_code& ec) {
    if (!without_nul(s, ec)) return false;
    stack.push_string(s);
    return counted(ec);
  }
  bool on_number_part(string_view, error_code&) { return true; }
  bool on_int64(std::int64_t i, string_view, error_code& ec) {
    stack.push_int64(i);
    return counted(ec);
  }
  bool on_uint64(std::uint64_t u, string_view, error_code& ec) {
    stack.push_uint64(u);
    return counted(ec);
  }
  bool on_double(double d, string_view text, error_code& ec) {
    if (!std::isfinite(d)) {
      return refuse(Error::invalid("the number " + shown(text) + " is out of range",
                                   "invalidValue"),
                    ec);
    }
    stack.push_double(d);
    return counted(ec);
  }
  bool on_bool(bool b, error_code& ec) {
    stack.push_bool(b);
    return counted(ec);
  }
  bool on_null(error_code& ec) {
    stack.push_null();
    return counted(ec);
  }
  bool on_comment_part(string_view, error_code&) { return true; }
  bool on_comment(string_view, error_code&) { return true; }

 private:
  bool refuse(Error e, error_code& ec) {
    refusal = std::move(e);
    ec = json::error::syntax;
    return false;
  }
  bool counted(error_code& ec) {
    if (++elements_ <= max_elements_) return true;
    return refuse(Error::invalid("the request body has more than " + std::to_string(max_elements_) + " JSON values",
                                 "invalidSyntax"),
                  ec);
  }
  bool without_nul(string_view s, error_code& ec) {
    if (s.find('\0') == string_view::npos) return true;
    return refuse(Error::invalid("the request body holds a U+0000 (NUL) character, which no value may contain",
                                 "invalidValue"),
                  ec);
  }

  std::size_t max_elements_;
  std::size_t elements_ = 0;
  std::string key_;                                    // the key being read
  std::vector<std::unordered_set<std::string>> keys_;  // keys of each open object
};

}  // namespace

Result<json::object> parse_json_object(std::string_view body, const JsonLimits& limits) {
  if (body.size() > limits.max_bytes) {
    return Error{ErrorKind::PayloadTooLarge,
                 "the request body has " + std::to_string(body.size()) + " bytes; at most " +
                     std::to_string(limits.max_bytes) + " are allowed",
                 {}};
  }
  if (body.empty()) return Error::invalid("the request body is empty: send a JSON object", "invalidSyntax");
  json::parse_options options;
  options.max_depth = limits.max_depth;
  json::basic_parser<LimitedHandler> parser(options, limits.max_elements);
  parser.handler().stack.reset();
  error_code ec;
  const std::size_t used = parser.write_some(false, body.data(), body.size(), ec);
  if (!ec && used < body.size()) ec = json::error::extra_data;
  if (auto& refusal = parser.handler().refusal) return std::move(*refusal);
  if (ec == json::error::too_deep) {
    return Error::invalid("the request body nests arrays and objects deeper than " + std::to_string(limits.max_depth) +
                              " levels",
                          "invalidSyntax");
  }
  if (ec) return Error::invalid("the request body is not valid JSON: " + ec.message(), "invalidSyntax");
  auto value = parser.handler().stack.release();
  if (!value.is_object()) return Error::invalid("the request body must be a JSON object", "invalidSyntax");
  return std::move(value.as_object());
}

}  // namespace kestra::http
