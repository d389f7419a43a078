#include "core/crypto.hpp"

#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <regex>
#include <set>

namespace {

struct B64Case {
  const char* in;
  const char* want;
};
std::ostream& operator<<(std::ostream& os, const B64Case& c) { return os << c.in; }
// RFC 4648 10 test vectors, unpadded, plus the two url-safe characters.
const B64Case kB64[] = {{"", ""},           {"f", "Zg"},          {"fo", "Zm8"},      {"foo", "Zm9v"},
                        {"foob", "Zm9vYg"}, {"fooba", "Zm9vYmE"}, {"foobar", "Zm9vYmFy"}, {"\xfb\xff", "-_8"}};

}  // namespace

BOOST_AUTO_TEST_SUITE(crypto)

BOOST_DATA_TEST_CASE(base64url_vectors, boost::unit_test::data::make(kB64), c) {
  BOOST_TEST(kestra::crypto::base64url(c.in) == c.want);
}

BOOST_AUTO_TEST_CASE(sha256_and_hmac_vectors) {
  BOOST_TEST(kestra::crypto::sha256_hex("abc") ==
             "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // RFC 4231 test case 2.
  BOOST_TEST(kestra::crypto::sha256_hex("what do ya want for nothing?", "Jefe") ==
             "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

BOOST_AUTO_TEST_CASE(uuids_are_v4_and_distinct) {
  const std::regex shape("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    auto id = kestra::crypto::new_uuid();
    BOOST_TEST(std::regex_match(id, shape), id);
    seen.insert(id);
  }
  BOOST_TEST(seen.size() == 1000u);
}

BOOST_AUTO_TEST_CASE(constant_time_equality) {
  BOOST_TEST(kestra::crypto::constant_time_equals("abc", "abc"));
  BOOST_TEST(!kestra::crypto::constant_time_equals("abc", "abd"));
  BOOST_TEST(!kestra::crypto::constant_time_equals("abc", "abcd"));
}

BOOST_AUTO_TEST_SUITE_END()
