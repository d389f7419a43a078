// Shared helpers for the harness tests.
#pragma once

#include "kestra/test/harness.hpp"

#include <boost/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace kestra::test {

inline const std::filesystem::path fixture_echo = KESTRA_FIXTURE_ECHO;
inline const std::filesystem::path fixture_abi2 = KESTRA_FIXTURE_ABI2;
inline const std::filesystem::path fixture_refuse = KESTRA_FIXTURE_REFUSE;
inline const std::filesystem::path fixture_noentry = KESTRA_FIXTURE_NOENTRY;

inline HarnessOptions echo_options() {
    HarnessOptions options;
    options.modules = {fixture_echo};
    return options;
}

inline boost::json::object json_object(const HttpResponse& response) {
    return boost::json::parse(response.body).as_object();
}

inline HttpResponse get(const HarnessProcess& harness, std::string_view target, const Headers& headers = {}) {
    return request(harness.port(), "GET", target, headers);
}

inline std::int64_t admin_calls(const HarnessProcess& harness) {
    return json_object(get(harness, "/fixture/admin-calls")).at("count").as_int64();
}

inline boost::json::object tenant_hooks(const HarnessProcess& harness) {
    return json_object(get(harness, "/fixture/tenant-hooks"));
}

inline std::size_t count_of(std::string_view text, std::string_view needle) {
    std::size_t count = 0;
    for (std::size_t at = text.find(needle); at != std::string_view::npos; at = text.find(needle, at + 1)) ++count;
    return count;
}

// The log line holding needle (empty when none).
inline std::string line_with(std::string_view text, std::string_view needle) {
    const std::size_t at = text.find(needle);
    if (at == std::string_view::npos) return {};
    const std::size_t begin = text.rfind('\n', at);
    const std::size_t end = text.find('\n', at);
    const std::size_t from = begin == std::string_view::npos ? 0 : begin + 1;
    return std::string(text.substr(from, end == std::string_view::npos ? end : end - from));
}

}  // namespace kestra::test
