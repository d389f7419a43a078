// The last N events modules emitted, for GET /api/v1/events.
#pragma once

#include <boost/json/array.hpp>

#include <cstdint>
#include <deque>
#include <mutex>
#include <string>

namespace kestra::harness {

struct EventRecord {
    std::uint64_t sequence = 0;  // assigned by EventLog
    std::string time;
    std::string module;
    std::string type;
    std::string tenant;
    std::string subject;
    std::string payload_json;
};

class EventLog {
public:
    explicit EventLog(std::size_t capacity) : capacity_(capacity) {}

    // [thread-safe] Returns the sequence number given to the event.
    std::uint64_t append(EventRecord event);
    // Oldest first; payload embedded as JSON when it parses, as a string otherwise.
    boost::json::array to_json() const;

private:
    std::size_t capacity_;
    mutable std::mutex mutex_;
    std::deque<EventRecord> events_;
    std::uint64_t next_sequence_ = 1;
};

// The payload as a JSON value (a string when it is not valid JSON).
boost::json::value payload_value(const std::string& payload_json);

}  // namespace kestra::harness
