// Wall-clock time as stored and rendered everywhere: UTC ISO-8601 with
// milliseconds, e.g. "2026-11-29T03:55:51.123Z".
#pragma once

#include <chrono>
#include <string>

namespace kestra {

// Formats `t` (truncated to the millisecond) as "YYYY-MM-DDThh:mm:ss.mmmZ".
std::string to_iso8601(std::chrono::system_clock::time_point t);

// The current time in the same format.
std::string now_iso8601();

}  // namespace kestra
