// A slow client costs only its connection.  A client that does not read a
// streamed response holds no worker (the rest of the body waits in a
// temporary file) and is closed after the write timeout; a request refused
// anyway (no route, no credentials, the module's admit, too many bodies in
// flight) is answered before its body is read.
#define BOOST_TEST_MODULE harness_slow_clients
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "fixtures.hpp"
#include "kestra/test/raw_client.hpp"


#include <algorithm>
#include <chrono>
#include <memory>
#include <ostream>
#include <stdexcept>
#include <thread>
#include <vector>

using namespace kestra::test;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
namespace data = boost::unit_test::data;

#ifdef __SANITIZE_THREAD__
constexpr bool kRssIsMeasurable = false;
#else
constexpr bool kRssIsMeasurable = true;
#endif

namespace {

// Far below the 60 s read timeout a request stuck behind a slow client waits.
constexpr auto prompt = 10s;
constexpr std::uint64_t mib = 1024 * 1024;

// The raw answer to GET target on a new connection, or "" when none came within `prompt`.
std::string answer_of(std::uint16_t port, std::string_view target, const Headers& headers = {}) {
    RawClient client(port);
    std::string head = "GET " + std::string(target) + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n";
    for (const auto& [name, value] : headers) head += name + ": " + value + "\r\n";
    client.send(head + "\r\n");
    bool closed = false;
    return client.read_all(prompt, closed);
}

// A request head announcing a body of `length` bytes.
std::string post_head(std::string_view target, std::uint64_t length, const Headers& headers = {}) {
    std::string head = "POST " + std::string(target) + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" +
                       "Content-Length: " + std::to_string(length) + "\r\n";
    for (const auto& [name, value] : headers) head += name + ": " + value + "\r\n";
    return head + "\r\n";
}

HarnessOptions with_yaml(const std::string& yaml) {
    HarnessOptions options = echo_options();
    options.extra_yaml = yaml;
    return options;
}

boost::json::object stats_of(const HarnessProcess& harness, std::string_view target) {
    return json_object(get(harness, target));
}

// Waits (up to 30 s) until the log holds `count` lines with needle.
constexpr std::string_view write_timeout_log = "client took no response bytes within the write timeout";

}  // namespace

// ------------------------------------------------------------ a client that does not read

BOOST_AUTO_TEST_CASE(clients_that_do_not_read_hold_no_worker_and_are_closed_after_the_write_timeout) {
    HarnessProcess harness(with_yaml("kestra.harness.workers: 2\nmicronaut.server.write-idle-timeout: 2\n"));
    const std::uint64_t rss_before = harness.rss_bytes();
    constexpr int stalled_count = 4;  // twice the workers
    constexpr int pieces = 512;       // 32 MiB each
    std::vector<std::unique_ptr<RawClient>> stalled;
    for (int i = 0; i < stalled_count; ++i) {
        stalled.push_back(std::make_unique<RawClient>(harness.port(), 4096));
        stalled.back()->send("GET /fixture/stream?pieces=" + std::to_string(pieces) +
                             "&size=65536 HTTP/1.1\r\nHost: x\r\n\r\n");
    }
    // Other requests are answered meanwhile: no worker waits on the stalled clients.
    BOOST_TEST(answer_of(harness.port(), "/health").starts_with("HTTP/1.1 200"));
    BOOST_TEST(answer_of(harness.port(), "/echo/meanwhile").starts_with("HTTP/1.1 200"));
    // The handlers write their whole bodies and return while their clients read
    // nothing (the stats are those of the last call to write or return).
    const auto finished = [&](const boost::json::object& stats) {
        return stats.at("done").as_bool() && stats.at("written").as_int64() == pieces;
    };
    const auto deadline = Clock::now() + 30s;
    auto stats = stats_of(harness, "/fixture/stream-stats");
    while (!finished(stats) && Clock::now() < deadline) {
        std::this_thread::sleep_for(20ms);
        stats = stats_of(harness, "/fixture/stream-stats");
    }
    BOOST_TEST(stats.at("done").as_bool());
    BOOST_TEST(stats.at("written").as_int64() == pieces);
    BOOST_TEST(stats.at("status").as_int64() == 0);
    // 128 MiB went out to clients that took almost none of it: not held in memory.
    if (kRssIsMeasurable) BOOST_TEST(harness.rss_bytes() < rss_before + 64 * mib);

    // The write timeout closes each stalled connection, its body cut short.
    BOOST_TEST(harness.wait_for_log(write_timeout_log, 30s, stalled_count));
    for (auto& client : stalled) {
        bool closed = false;
        const std::string wire = client->read_all(prompt, closed);
        BOOST_TEST_MESSAGE("a stalled client got " << wire.size() << " bytes before the close");
        BOOST_TEST(closed);
        BOOST_TEST(wire.starts_with("HTTP/1.1 200"));
        BOOST_TEST(wire.find("\r\n0\r\n\r\n") == std::string::npos);
        BOOST_TEST(wire.size() < std::size_t{pieces} * 65536u);
    }
    BOOST_TEST(answer_of(harness.port(), "/health").starts_with("HTTP/1.1 200"));
}

BOOST_AUTO_TEST_CASE(a_slow_reader_still_gets_the_whole_body_in_order) {
    HarnessProcess harness(echo_options());
    RawClient client(harness.port(), 4096);
    client.send("GET /fixture/stream?pieces=64&size=65536 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    std::this_thread::sleep_for(500ms);  // the handler spools most of the body meanwhile
    bool closed = false;
    std::string wire;
    const auto deadline = Clock::now() + 30s;
    while (!closed && Clock::now() < deadline) wire += client.read_all(1s, closed);
    const std::size_t body_at = wire.find("\r\n\r\n") + 4;
    std::string body;
    // Undo the chunked framing.
    for (std::size_t at = body_at; at < wire.size();) {
        const std::size_t eol = wire.find("\r\n", at);
        const std::size_t size = std::stoul(wire.substr(at, eol - at), nullptr, 16);
        if (size == 0) break;
        body.append(wire, eol + 2, size);
        at = eol + 2 + size + 2;
    }
    std::string expected;
    for (int i = 0; i < 64; ++i) expected.append(65536, static_cast<char>('a' + i % 26));
    BOOST_TEST(body.size() == expected.size());
    BOOST_TEST((body == expected));
    BOOST_TEST(wire.find("\r\n0\r\n\r\n") != std::string::npos);
}

// ------------------------------------------------------------ refused before the body

struct Refusal {
    const char* name;
    const char* target;
    Headers headers;
    unsigned status;
};

std::ostream& operator<<(std::ostream& out, const Refusal& r) { return out << r.name; }

const std::vector<Refusal> refusals{
    {"unknown route", "/no-such-route", {}, 404},
    {"method not allowed", "/health", {}, 405},
    {"admin route without credentials", "/api/v1/tenants", {}, 401},
    {"admin route with wrong credentials", "/api/v1/tenants", {{"Authorization", basic_auth("admin@kestra.io", "no")}}, 401},
    {"module admit refuses", "/fixture/guarded", {}, 403},
};

BOOST_DATA_TEST_CASE(a_refused_request_is_answered_before_its_body, data::make(refusals), refusal) {
    HarnessProcess harness(echo_options());
    constexpr int connections = 10;
    std::vector<std::unique_ptr<RawClient>> clients;
    for (int i = 0; i < connections; ++i) {
        clients.push_back(std::make_unique<RawClient>(harness.port()));
        // 9.9 MB announced, 100 bytes sent, then nothing.
        clients.back()->send(post_head(refusal.target, 10380902, refusal.headers) + std::string(100, '{'));
    }
    for (auto& client : clients) {
        bool closed = false;
        const std::string answer = client->read_all(prompt, closed);
        BOOST_TEST(answer.starts_with("HTTP/1.1 " + std::to_string(refusal.status)), answer.substr(0, 200));
        BOOST_TEST(answer.find("Connection: close") != std::string::npos);
        BOOST_TEST(answer.find("WWW-Authenticate") == std::string::npos);  // /api/ and module routes: no challenge
        BOOST_TEST(closed);
    }
    const auto guarded = stats_of(harness, "/fixture/guarded-stats");
    BOOST_TEST(guarded.at("handlerCalls").as_int64() == 0);
    BOOST_TEST(answer_of(harness.port(), "/health").starts_with("HTTP/1.1 200"));
}

BOOST_AUTO_TEST_CASE(an_admitted_body_is_read_after_admit_saw_the_head) {
    HarnessProcess harness(echo_options());
    RawClient client(harness.port());
    // 100-continue: the host asks for the body only once admit let the request through.
    client.send(post_head("/fixture/guarded", 1000, {{"X-Pass", "yes"}, {"Expect", "100-continue"}}));
    const std::string interim = client.read_head(prompt);
    BOOST_TEST(interim.starts_with("HTTP/1.1 100"), interim);
    auto stats = stats_of(harness, "/fixture/guarded-stats");
    BOOST_TEST(stats.at("admitCalls").as_int64() == 1);
    BOOST_TEST(stats.at("admitBodyLength").as_int64() == 0);
    BOOST_TEST(stats.at("handlerCalls").as_int64() == 0);
    client.send(std::string(1000, 'x'));
    const std::string answer = client.read_head(prompt);
    BOOST_TEST(answer.starts_with("HTTP/1.1 200"), answer);
    stats = stats_of(harness, "/fixture/guarded-stats");
    BOOST_TEST(stats.at("handlerCalls").as_int64() == 1);

    // Without the header, the same admit refuses with its own answer.
    RawClient refused(harness.port());
    refused.send(post_head("/fixture/guarded", 1000, {{"Expect", "100-continue"}}));
    bool closed = false;
    const std::string refusal = refused.read_all(prompt, closed);
    BOOST_TEST(refusal.starts_with("HTTP/1.1 403"), refusal);
    BOOST_TEST(refusal.find(R"({"admitted":false})") != std::string::npos, refusal);
    BOOST_TEST(stats_of(harness, "/fixture/guarded-stats").at("handlerCalls").as_int64() == 1);
}

// ------------------------------------------------------------ bodies in flight

BOOST_AUTO_TEST_CASE(bodies_past_the_in_flight_cap_are_503_until_one_ends) {
    HarnessProcess harness(
        with_yaml("micronaut.server.max-request-size: 1MB\nkestra.harness.max-body-bytes-in-flight: 3MB\n"));
    // Four bodies of 1 MiB announced, 10 bytes of each sent: three fit.
    std::vector<std::unique_ptr<RawClient>> clients;
    for (int i = 0; i < 4; ++i) {
        clients.push_back(std::make_unique<RawClient>(harness.port()));
        clients.back()->send(post_head("/fixture/any", mib) + "0123456789");
    }
    std::vector<std::string> answers(clients.size());
    const auto deadline = Clock::now() + prompt;
    const auto answered = [&] { return std::count_if(answers.begin(), answers.end(), [](auto& a) { return !a.empty(); }); };
    while (answered() == 0 && Clock::now() < deadline) {
        for (std::size_t i = 0; i < clients.size(); ++i) {
            bool closed = false;
            answers[i] += clients[i]->read_all(50ms, closed);
        }
    }
    BOOST_TEST_REQUIRE(answered() == 1);
    const auto busy_at = std::find_if(answers.begin(), answers.end(), [](auto& a) { return !a.empty(); });
    const std::string busy = *busy_at;
    BOOST_TEST(busy.starts_with("HTTP/1.1 503"), busy.substr(0, 200));
    BOOST_TEST(busy.find("Retry-After: ") != std::string::npos);
    BOOST_TEST(busy.find("in flight") != std::string::npos);
    clients.erase(clients.begin() + (busy_at - answers.begin()));
    BOOST_TEST(answer_of(harness.port(), "/health").starts_with("HTTP/1.1 200"));  // no body: not capped

    // A connection that goes away gives its share back.
    clients.pop_back();
    unsigned status = 0;
    for (int i = 0; i < 100 && status != 200u; ++i) {
        status = request(harness.port(), "POST", "/fixture/any", {}, std::string(mib, 'a')).status;
        if (status != 200u) std::this_thread::sleep_for(50ms);
    }
    BOOST_TEST(status == 200u);
}

BOOST_AUTO_TEST_CASE(many_large_bodies_do_not_grow_memory_past_the_cap) {
    HarnessProcess harness(echo_options());  // 10 MiB bodies, 40 MiB in flight
    const std::uint64_t rss_before = harness.rss_bytes();
    constexpr int connections = 30;
    constexpr std::uint64_t length = 10380902;  // 9.9 MB
    const std::string almost(length - 1, 'a');
    std::vector<std::unique_ptr<RawClient>> clients;
    for (int i = 0; i < connections; ++i) {
        clients.push_back(std::make_unique<RawClient>(harness.port()));
        // The whole body but its last byte; a refused connection stops taking it.
        if (clients.back()->send(post_head("/fixture/any", length))) clients.back()->send(almost);
    }
    BOOST_TEST(answer_of(harness.port(), "/health").starts_with("HTTP/1.1 200"));
    int admitted = 0;  // no answer yet: still reading the body
    int busy = 0;
    for (auto& client : clients) {
        bool closed = false;
        const std::string answer = client->read_all(500ms, closed);
        if (answer.empty() && !closed) ++admitted;
        if (answer.starts_with("HTTP/1.1 503")) ++busy;
    }
    BOOST_TEST(admitted <= 4);
    BOOST_TEST(busy >= 1);
    // Thirty bodies read whole would be +297 MB.  ThreadSanitizer's shadow
    // memory multiplies what the harness touches: no measure there.
    if (kRssIsMeasurable) {
        BOOST_TEST(harness.rss_bytes() < rss_before + 100 * mib, "RSS grew by " << (harness.rss_bytes() - rss_before));
    }
}

BOOST_AUTO_TEST_CASE(an_in_flight_cap_below_the_body_limit_is_refused_at_start) {
    HarnessOptions options = with_yaml("kestra.harness.max-body-bytes-in-flight: 1KB\n");
    options.start = false;
    HarnessProcess harness(options);
    harness.spawn();
    BOOST_TEST(harness.wait_exit(20s).value_or(-1) == 2);
    BOOST_TEST(harness.stderr_text().find("kestra.harness.max-body-bytes-in-flight") != std::string::npos);
}
