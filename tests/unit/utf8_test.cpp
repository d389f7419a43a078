#include "core/utf8.hpp"

#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <ostream>
#include <string>

namespace {

struct Utf8Case {
  const char* name;
  std::string text;
  std::size_t length;     // code points; kestra::utf8::kInvalid when not UTF-8
  std::string sanitized;  // the text as it may be echoed
};
std::ostream& operator<<(std::ostream& os, const Utf8Case& c) { return os << c.name; }

const std::string kReplacement = "\xEF\xBF\xBD";
constexpr auto kInvalid = kestra::utf8::kInvalid;

const Utf8Case kCases[] = {
    {"empty", "", 0, ""},
    {"ASCII", "userName", 8, "userName"},
    {"two-byte", "\xC3\x9F", 1, "\xC3\x9F"},                       // ß
    {"three-byte", "\xEF\xBC\xA1", 1, "\xEF\xBC\xA1"},             // full-width A
    {"four-byte", "\xF0\x9F\x98\x80", 1, "\xF0\x9F\x98\x80"},      // an emoji
    {"NUL is a code point", std::string("a\0b", 3), 3, std::string("a\0b", 3)},
    {"a stray continuation byte", "a\x80z", kInvalid, "a" + kReplacement + "z"},
    {"0xFF", "\xFF", kInvalid, kReplacement},
    {"overlong '/'", "\xC0\xAF", kInvalid, kReplacement + kReplacement},
    {"overlong three-byte", "\xE0\x80\xAF", kInvalid, kReplacement + kReplacement + kReplacement},
    {"a surrogate", "\xED\xA0\x80", kInvalid, kReplacement + kReplacement + kReplacement},
    {"beyond U+10FFFF", "\xF4\x90\x80\x80", kInvalid, kReplacement + kReplacement + kReplacement + kReplacement},
    {"a truncated sequence", "ok\xE2\x82", kInvalid, "ok" + kReplacement + kReplacement},
};

}  // namespace

BOOST_AUTO_TEST_SUITE(utf8)

BOOST_DATA_TEST_CASE(length_and_sanitized, boost::unit_test::data::make(kCases), c) {
  BOOST_TEST(kestra::utf8::length(c.text) == c.length);
  BOOST_TEST(kestra::utf8::sanitized(c.text) == c.sanitized);
  BOOST_TEST(kestra::utf8::length(kestra::utf8::sanitized(c.text)) != kInvalid);
}

BOOST_AUTO_TEST_CASE(append_encodes_what_decode_reads) {
  for (char32_t c : {U'\0', U'A', U'\u00DF', U'\u0131', U'\uFF21', U'\U0001F600', U'\U0010FFFF'}) {
    std::string text;
    kestra::utf8::append(text, c);
    char32_t back = 0;
    BOOST_TEST(kestra::utf8::decode(text, 0, back) == text.size());
    BOOST_TEST(static_cast<std::uint32_t>(back) == static_cast<std::uint32_t>(c));
  }
}

BOOST_AUTO_TEST_SUITE_END()
