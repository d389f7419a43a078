// http/public_address: the base of absolute URLs (kestra.url, trusted
// proxies, allowed hosts) and the admin write rule (cross-site, JSON bodies),
// as tables over a request and the configuration as data.
#include "http/public_address.hpp"
#include "scim/error_response.hpp"

#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace {

BOOST_AUTO_TEST_SUITE(public_address)

using kestra::http::AddressPolicy;
using Headers = std::vector<std::pair<std::string_view, std::string_view>>;

// The defaults, and an instance behind proxies at 10.0.0.5 and ::1 serving
// kestra.example.com (its fallback: fallback.example, the first allowed host).
const AddressPolicy kDefaults{};
const AddressPolicy kProxied{
    "", {"10.0.0.5", "::1"}, {"fallback.example", "kestra.example.com", "kestra.internal:8080"}, {}};
const AddressPolicy kPublic{"https://kestra.example.com/", {}, {"localhost"}, {}};

struct BaseCase {
  const char* name;
  const AddressPolicy* policy;
  const char* peer;
  const char* scheme;
  Headers headers;
  const char* want;
};
std::ostream& operator<<(std::ostream& os, const BaseCase& c) { return os << c.name; }

const BaseCase kBases[] = {
    // kestra.url, when set, is always the base.
    {"kestra.url", &kPublic, "127.0.0.1", "http", {{"Host", "localhost:8080"}}, "https://kestra.example.com"},
    {"kestra.url over every header", &kPublic, "10.0.0.5", "http",
     {{"Host", "evil.example"}, {"X-Forwarded-Host", "evil2.example"}, {"X-Forwarded-Proto", "http"}},
     "https://kestra.example.com"},
    // Direct clients: Host, when it is an allowed host.
    {"allowed Host, any port", &kDefaults, "127.0.0.1", "http", {{"Host", "127.0.0.1:8080"}}, "http://127.0.0.1:8080"},
    {"allowed Host, no port", &kDefaults, "127.0.0.1", "http", {{"Host", "localhost"}}, "http://localhost"},
    {"allowed IPv6 Host", &kDefaults, "::1", "http", {{"Host", "[::1]:9000"}}, "http://[::1]:9000"},
    {"Host in capitals", &kDefaults, "127.0.0.1", "http", {{"Host", "LocalHost:81"}}, "http://localhost:81"},
    {"the connection's scheme", &kDefaults, "127.0.0.1", "https", {{"Host", "localhost:8443"}}, "https://localhost:8443"},
    {"unknown Host: the fallback", &kDefaults, "127.0.0.1", "http", {{"Host", "evil.example"}}, "http://localhost"},
    {"unknown Host with a port: the fallback", &kDefaults, "127.0.0.1", "https", {{"Host", "evil.example:8443"}},
     "https://localhost"},
    {"no Host: the fallback", &kDefaults, "127.0.0.1", "http", {}, "http://localhost"},
    {"malformed Host", &kDefaults, "127.0.0.1", "http", {{"Host", "localhost:80/evil"}}, "http://localhost"},
    {"Host with userinfo", &kDefaults, "127.0.0.1", "http", {{"Host", "evil@localhost"}}, "http://localhost"},
    {"Host port out of range", &kDefaults, "127.0.0.1", "http", {{"Host", "localhost:99999"}}, "http://localhost"},
    {"a port the allowed host does not name", &kProxied, "192.0.2.1", "http", {{"Host", "kestra.internal:9090"}},
     "http://fallback.example"},
    {"the port the allowed host names", &kProxied, "192.0.2.1", "http", {{"Host", "kestra.internal:8080"}},
     "http://kestra.internal:8080"},
    // X-Forwarded-* only from a trusted proxy.
    {"forwarded from an untrusted peer: ignored", &kDefaults, "127.0.0.1", "http",
     {{"Host", "localhost:8080"}, {"X-Forwarded-Host", "evil.example"}, {"X-Forwarded-Proto", "https"}},
     "http://localhost:8080"},
    {"forwarded allowed host from an untrusted peer: ignored", &kProxied, "192.0.2.1", "http",
     {{"Host", "kestra.internal:8080"}, {"X-Forwarded-Host", "kestra.example.com"}, {"X-Forwarded-Proto", "https"}},
     "http://kestra.internal:8080"},
    {"forwarded from a trusted proxy", &kProxied, "10.0.0.5", "http",
     {{"Host", "kestra.internal:8080"}, {"X-Forwarded-Host", "kestra.example.com"}, {"X-Forwarded-Proto", "https"}},
     "https://kestra.example.com"},
    {"trusted proxy over IPv6", &kProxied, "0:0:0:0:0:0:0:1", "http", {{"X-Forwarded-Host", "kestra.example.com"}},
     "http://kestra.example.com"},
    {"trusted proxy as IPv4-mapped IPv6", &kProxied, "::ffff:10.0.0.5", "http",
     {{"X-Forwarded-Host", "kestra.example.com"}}, "http://kestra.example.com"},
    {"forwarded lists: the first value", &kProxied, "10.0.0.5", "http",
     {{"X-Forwarded-Host", "kestra.example.com, proxy.internal"}, {"X-Forwarded-Proto", "https, http"}},
     "https://kestra.example.com"},
    {"trusted proxy naming a host not allowed: the fallback", &kProxied, "10.0.0.5", "http",
     {{"Host", "kestra.internal:8080"}, {"X-Forwarded-Host", "evil.example"}, {"X-Forwarded-Proto", "https"}},
     "https://fallback.example"},
    {"trusted proxy without X-Forwarded-Host: its Host", &kProxied, "10.0.0.5", "http",
     {{"Host", "kestra.internal:8080"}, {"X-Forwarded-Proto", "https"}}, "https://kestra.internal:8080"},
    {"bogus forwarded proto ignored", &kProxied, "10.0.0.5", "http",
     {{"X-Forwarded-Host", "kestra.example.com"}, {"X-Forwarded-Proto", "javascript"}}, "http://kestra.example.com"},
    {"no peer address: untrusted", &kProxied, "", "http", {{"X-Forwarded-Host", "kestra.example.com"}},
     "http://fallback.example"},
};

BOOST_DATA_TEST_CASE(base_url, boost::unit_test::data::make(kBases), c) {
  kestra::http::Request req;
  req.headers = c.headers;
  req.remote_address = c.peer;
  req.scheme = c.scheme;
  BOOST_TEST(kestra::http::base_url(req, *c.policy) == c.want);
}

const AddressPolicy kWithOrigin{"", {}, {"localhost", "127.0.0.1"}, {"https://admin.example.com"}};

struct WriteCase {
  const char* name;
  const char* method;
  Headers headers;
  const char* body;
  int want;  // 0: allowed, else the HTTP status of the refusal
};
std::ostream& operator<<(std::ostream& os, const WriteCase& c) { return os << c.name; }

const WriteCase kWrites[] = {
    // Not a browser (no Origin, no Sec-Fetch-Site): allowed.
    {"script POST with JSON", "POST", {{"Content-Type", "application/json"}}, "{}", 0},
    {"JSON with a charset", "PUT", {{"Content-Type", "application/json; charset=utf-8"}}, "{}", 0},
    {"JSON in capitals", "POST", {{"Content-Type", "Application/JSON"}}, "{}", 0},
    {"bodiless DELETE without Content-Type", "DELETE", {}, "", 0},
    {"bodiless POST without Content-Type", "POST", {}, "", 0},
    // A body that is not declared JSON: 415.
    {"text/plain body", "POST", {{"Content-Type", "text/plain"}}, "{}", 415},
    {"form body", "POST", {{"Content-Type", "application/x-www-form-urlencoded"}}, "name=x", 415},
    {"multipart body", "PUT", {{"Content-Type", "multipart/form-data; boundary=x"}}, "--x--", 415},
    {"body without Content-Type", "POST", {}, "{}", 415},
    {"application/json-seq is not JSON", "POST", {{"Content-Type", "application/json-seq"}}, "{}", 415},
    {"SCIM's media type is not the admin API's", "PATCH", {{"Content-Type", "application/scim+json"}}, "{}", 415},
    // Same origin: allowed.
    {"same-origin Origin", "POST", {{"Host", "127.0.0.1:8080"}, {"Origin", "http://127.0.0.1:8080"},
                                    {"Sec-Fetch-Site", "same-origin"}, {"Content-Type", "application/json"}},
     "{}", 0},
    {"same origin, default port", "DELETE", {{"Host", "localhost"}, {"Origin", "http://localhost:80"}}, "", 0},
    {"configured allowed origin, same-site", "POST",
     {{"Host", "127.0.0.1:8080"}, {"Origin", "https://admin.example.com"}, {"Sec-Fetch-Site", "same-site"},
      {"Content-Type", "application/json"}},
     "{}", 0},
    {"Sec-Fetch-Site none (the user's own navigation)", "POST",
     {{"Sec-Fetch-Site", "none"}, {"Content-Type", "application/json"}}, "{}", 0},
    // Cross-site: 403, before the media type is looked at.
    {"foreign Origin", "POST", {{"Host", "127.0.0.1:8080"}, {"Origin", "https://evil.example"},
                                {"Content-Type", "application/json"}},
     "{}", 403},
    {"foreign Origin on a bodiless write", "DELETE", {{"Host", "127.0.0.1:8080"}, {"Origin", "https://evil.example"}},
     "", 403},
    {"foreign Origin with text/plain", "POST",
     {{"Host", "127.0.0.1:8080"}, {"Origin", "https://evil.example"}, {"Content-Type", "text/plain"}}, "{}", 403},
    {"another port of the same host", "POST", {{"Host", "127.0.0.1:8080"}, {"Origin", "http://127.0.0.1:8081"}}, "", 403},
    {"another scheme of the same host", "POST", {{"Host", "127.0.0.1:8080"}, {"Origin", "https://127.0.0.1:8080"}}, "",
     403},
    {"opaque Origin", "POST", {{"Host", "127.0.0.1:8080"}, {"Origin", "null"}}, "", 403},
    {"Origin matching a Host that is not allowed", "POST",
     {{"Host", "evil.example"}, {"Origin", "http://evil.example"}}, "", 403},
    {"Sec-Fetch-Site cross-site", "POST", {{"Sec-Fetch-Site", "cross-site"}, {"Content-Type", "application/json"}},
     "{}", 403},
    {"Sec-Fetch-Site cross-site with an allowed Origin", "POST",
     {{"Host", "127.0.0.1:8080"}, {"Origin", "http://127.0.0.1:8080"}, {"Sec-Fetch-Site", "cross-site"}}, "", 403},
    {"Sec-Fetch-Site same-site without Origin", "PUT", {{"Sec-Fetch-Site", "same-site"}}, "", 403},
    {"Sec-Fetch-Site same-site from a sibling", "POST",
     {{"Host", "127.0.0.1:8080"}, {"Origin", "https://sibling.example.com"}, {"Sec-Fetch-Site", "same-site"}}, "",
     403},
    {"Sec-Fetch-Site in capitals", "DELETE", {{"Sec-Fetch-Site", "Cross-Site"}}, "", 403},
    // Reads are not writes.
    {"GET from another site", "GET", {{"Origin", "https://evil.example"}, {"Sec-Fetch-Site", "cross-site"}}, "", 0},
};

BOOST_DATA_TEST_CASE(admin_write_rule, boost::unit_test::data::make(kWrites), c) {
  kestra::http::Request req;
  req.method = c.method;
  req.headers = c.headers;
  req.body = c.body;
  req.remote_address = "127.0.0.1";
  const auto verdict = kestra::http::check_admin_write(req, kWithOrigin);
  if (c.want == 0) {
    BOOST_TEST(verdict.has_value(), (verdict ? "" : verdict.error().detail));
    return;
  }
  BOOST_TEST_REQUIRE(verdict.has_error());
  BOOST_TEST(kestra::scim::http_status(verdict.error().kind) == c.want);
}

struct OriginCase {
  const char* url;
  const char* want;  // "" when not an origin
};
std::ostream& operator<<(std::ostream& os, const OriginCase& c) { return os << c.url; }

const OriginCase kOrigins[] = {
    {"https://kestra.example.com", "https://kestra.example.com"},
    {"HTTPS://Kestra.Example.com:443/api/v1", "https://kestra.example.com"},
    {"http://localhost:80", "http://localhost"},
    {"http://localhost:8080?x", "http://localhost:8080"},
    {"https://[::1]:8443", "https://[::1]:8443"},
    {"null", ""},
    {"ftp://kestra.example.com", ""},
    {"https://user@kestra.example.com", ""},
    {"https://", ""},
};

BOOST_DATA_TEST_CASE(origin_of, boost::unit_test::data::make(kOrigins), c) {
  BOOST_TEST(kestra::http::origin_of(c.url).value_or("") == c.want);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
