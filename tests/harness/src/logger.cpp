#include "logger.hpp"

#include "text.hpp"

#include <boost/json/serialize.hpp>

#include <string>

namespace kestra::harness {

namespace {

std::string_view level_name(LogLevel level) {
    switch (level) {
    case LogLevel::debug: return "DEBUG";
    case LogLevel::info: return "INFO";
    case LogLevel::warn: return "WARN";
    case LogLevel::error: return "ERROR";
    }
    return "INFO";
}

}  // namespace

void Logger::write(LogLevel level, std::string_view logger, std::string_view message,
                   const boost::json::object& fields) noexcept {
    try {
        boost::json::object line;
        line["time"] = utc_timestamp();
        line["level"] = level_name(level);
        line["logger"] = logger;
        line["message"] = message;
        for (const auto& field : fields) line[field.key()] = field.value();
        std::string text = boost::json::serialize(line);
        text += '\n';
        std::lock_guard lock(mutex_);
        std::fwrite(text.data(), 1, text.size(), out_);
        std::fflush(out_);
    } catch (...) {
        // Logging must never take the host down.
    }
}

}  // namespace kestra::harness
