// Structured log: one JSON object per line.
#pragma once

#include <boost/json/object.hpp>

#include <cstdio>
#include <mutex>
#include <string_view>

namespace kestra::harness {

enum class LogLevel { debug, info, warn, error };

class Logger {
public:
    explicit Logger(std::FILE* out) : out_(out) {}
    Logger(const Logger&) = delete;
    Logger& operator=(const Logger&) = delete;

    // [thread-safe] Writes {"time","level","logger","message", ...fields}.  Never throws.
    void write(LogLevel level, std::string_view logger, std::string_view message,
               const boost::json::object& fields = {}) noexcept;

    void info(std::string_view logger, std::string_view message, const boost::json::object& fields = {}) noexcept {
        write(LogLevel::info, logger, message, fields);
    }
    void warn(std::string_view logger, std::string_view message, const boost::json::object& fields = {}) noexcept {
        write(LogLevel::warn, logger, message, fields);
    }
    void error(std::string_view logger, std::string_view message, const boost::json::object& fields = {}) noexcept {
        write(LogLevel::error, logger, message, fields);
    }

private:
    std::mutex mutex_;
    std::FILE* out_;
};

}  // namespace kestra::harness
