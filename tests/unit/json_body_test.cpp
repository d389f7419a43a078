#include "http/json_body.hpp"

#include <boost/json/parse.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <ostream>
#include <string>

namespace {

using kestra::ErrorKind;
using kestra::http::JsonLimits;
using kestra::http::parse_json_object;

// Small limits, so that each one is easy to reach.
const JsonLimits kSmall{.max_bytes = 200, .max_depth = 3, .max_elements = 10};

struct BodyCase {
  const char* name;
  std::string body;
  const char* scim_type;  // nullptr: accepted
  const char* detail_part = "";
  ErrorKind kind = ErrorKind::InvalidInput;
};
std::ostream& operator<<(std::ostream& os, const BodyCase& c) { return os << c.name; }

std::string repeated(std::string_view text, std::size_t times) {
  std::string out;
  for (std::size_t i = 0; i < times; ++i) out += text;
  return out;
}

// A key written as `n` escapes: Boost.JSON hands it over in parts.
const std::string kEscapedKey = "\"" + repeated("\\u0061", 5000) + "\"";

const BodyCase kCases[] = {
    {"empty object", "{}", nullptr},
    {"depth and elements at their limits", R"({"a":[1,2,{"b":null}],"c":true,"d":"x","e":-1,"f":0})", nullptr},
    {"surrounding whitespace", " \n\t{} \r\n", nullptr},
    {"one key in two objects", R"({"a":{"k":1},"b":{"k":2}})", nullptr},
    {"keys that differ in case", R"({"a":1,"A":2})", nullptr},
    {"a large but finite number", R"({"a":1e308,"b":123456789012345678901234567890})", nullptr},
    {"exactly max_bytes", "{" + std::string(198, ' ') + "}", nullptr},
    {"one byte too many", "{" + std::string(199, ' ') + "}", "", "201 bytes; at most 200", ErrorKind::PayloadTooLarge},
    {"empty", "", "invalidSyntax", "empty"},
    {"an array", "[]", "invalidSyntax", "must be a JSON object"},
    {"a string", R"("x")", "invalidSyntax", "must be a JSON object"},
    {"nested one level too deep", R"({"a":[{"b":[]}]})", "invalidSyntax", "deeper than 3 levels"},
    {"one value too many", R"({"a":[1,2,3,4,5,6,7,8,9]})", "invalidSyntax", "more than 10 JSON values"},
    {"a key twice", R"({"userName":"a","userName":"b"})", "invalidSyntax", "'userName' appears twice"},
    {"a key twice, nested", R"({"name":{"givenName":"a","givenName":"b"}})", "invalidSyntax", "appears twice"},
    {"a key twice, once escaped", R"({"a":1,"\u0061":2})", "invalidSyntax", "'a' appears twice"},
    {"U+0000 in a string", R"({"a":"x\u0000y"})", "invalidValue", "U+0000"},
    {"U+0000 in a key", R"({"a\u0000":1})", "invalidValue", "U+0000"},
    {"a raw NUL in a string", std::string("{\"a\":\"x\0y\"}", 11), "invalidSyntax", "not valid JSON"},
    {"a raw NUL outside strings", std::string("{\0}", 3), "invalidSyntax", "not valid JSON"},
    {"invalid UTF-8", "{\"a\":\"\xFF\"}", "invalidSyntax", "not valid JSON"},
    {"overlong UTF-8", "{\"a\":\"\xC0\xAF\"}", "invalidSyntax", "not valid JSON"},
    {"UTF-8 of a surrogate", "{\"a\":\"\xED\xA0\x80\"}", "invalidSyntax", "not valid JSON"},
    {"an unpaired surrogate escape", R"({"a":"\ud800"})", "invalidSyntax", "not valid JSON"},
    {"a number beyond a double", R"({"a":1e400})", "invalidValue", "1e400 is out of range"},
    {"a negative number beyond a double", R"({"a":-1e400})", "invalidValue", "out of range"},
    {"an exponent beyond any number", R"({"a":1e99999999999999999999})", "invalidSyntax", "not valid JSON"},
    {"trailing text", "{} x", "invalidSyntax", "not valid JSON"},
    {"two documents", "{}{}", "invalidSyntax", "not valid JSON"},
    {"a comment", "{/* x */}", "invalidSyntax", "not valid JSON"},
    {"a trailing comma", R"({"a":1,})", "invalidSyntax", "not valid JSON"},
    {"truncated", R"({"a":)", "invalidSyntax", "not valid JSON"},
};

const BodyCase kLongCases[] = {
    {"a key in parts, once", "{" + kEscapedKey + ":1}", nullptr},
    {"a key in parts, twice", "{" + kEscapedKey + ":1," + kEscapedKey + ":2}", "invalidSyntax", "appears twice"},
    {"U+0000 after a part", R"({"a":")" + repeated("\\u0062", 5000) + R"(\u0000"})", "invalidValue", "U+0000"},
};

void check(const BodyCase& c, const JsonLimits& limits) {
  auto parsed = parse_json_object(c.body, limits);
  if (!c.scim_type) {
    BOOST_TEST(parsed.has_value(), (parsed ? std::string() : parsed.error().detail));
    return;
  }
  BOOST_REQUIRE(parsed.has_error());
  BOOST_TEST(static_cast<int>(parsed.error().kind) == static_cast<int>(c.kind));
  BOOST_TEST(parsed.error().scim_type == c.scim_type);
  BOOST_TEST(parsed.error().detail.find(c.detail_part) != std::string::npos, parsed.error().detail);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(json_body)

BOOST_DATA_TEST_CASE(bodies_within_and_beyond_the_limits, boost::unit_test::data::make(kCases), c) { check(c, kSmall); }

BOOST_DATA_TEST_CASE(long_keys_and_strings, boost::unit_test::data::make(kLongCases), c) { check(c, JsonLimits{}); }

BOOST_AUTO_TEST_CASE(the_document_is_the_one_sent) {
  const std::string text = R"({"a":[1,-2,3.5,"x\n",true,false,null,{"b":{}}],"c":18446744073709551615})";
  auto parsed = parse_json_object(text, JsonLimits{});
  BOOST_REQUIRE(parsed.has_value());
  BOOST_TEST(boost::json::value(*parsed) == boost::json::parse(text));
}

BOOST_AUTO_TEST_CASE(many_distinct_keys_stay_fast) {
  std::string text = "{";
  for (int i = 0; i < 90000; ++i) text += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":0";
  text += "}";
  const auto start = std::chrono::steady_clock::now();
  auto parsed = parse_json_object(text, JsonLimits{.max_bytes = 4 << 20});
  BOOST_TEST(parsed.has_value());
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  BOOST_TEST(took.count() < 5.0);
}

BOOST_AUTO_TEST_SUITE_END()
