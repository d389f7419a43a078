#define BOOST_TEST_MODULE adapters_clock
#include "core/clock.hpp"

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <ostream>
#include <regex>

namespace data = boost::unit_test::data;
using namespace std::chrono;

namespace {

struct Instant {
  long long microseconds_since_epoch;
  const char* expected;
};
std::ostream& operator<<(std::ostream& out, const Instant& i) { return out << i.expected; }

const Instant kInstants[] = {
    {0, "1970-01-01T00:00:00.000Z"},
    {1'795'924'551'123'000, "2026-11-29T03:55:51.123Z"},
    {1'795'924'551'123'999, "2026-11-29T03:55:51.123Z"},  // truncated, not rounded
    {1'709'164'800'007'000, "2024-02-29T00:00:00.007Z"},
    {946'684'799'999'000, "1999-12-31T23:59:59.999Z"},
    {-1'000, "1969-12-31T23:59:59.999Z"},
};

}  // namespace

BOOST_DATA_TEST_CASE(formats_utc_with_milliseconds, data::make(kInstants), instant) {
  const system_clock::time_point t{duration_cast<system_clock::duration>(microseconds(instant.microseconds_since_epoch))};
  BOOST_TEST(kestra::to_iso8601(t) == instant.expected);
}

BOOST_AUTO_TEST_CASE(now_is_current_and_well_formed) {
  const auto before = kestra::to_iso8601(system_clock::now());
  const auto now = kestra::now_iso8601();
  const auto after = kestra::to_iso8601(system_clock::now());
  BOOST_TEST(std::regex_match(now, std::regex(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)")));
  BOOST_TEST(before <= now);
  BOOST_TEST(now <= after);
}
