#include "event_log.hpp"

#include <boost/json/parse.hpp>

namespace kestra::harness {

boost::json::value payload_value(const std::string& payload_json) {
    boost::system::error_code ec;
    boost::json::value parsed = boost::json::parse(payload_json, ec);
    if (ec) return boost::json::value(payload_json);
    return parsed;
}

std::uint64_t EventLog::append(EventRecord event) {
    std::lock_guard lock(mutex_);
    event.sequence = next_sequence_++;
    const std::uint64_t sequence = event.sequence;
    events_.push_back(std::move(event));
    while (events_.size() > capacity_) events_.pop_front();
    return sequence;
}

boost::json::array EventLog::to_json() const {
    std::lock_guard lock(mutex_);
    boost::json::array out;
    out.reserve(events_.size());
    for (const auto& e : events_) {
        out.push_back(boost::json::object{
            {"sequence", e.sequence},
            {"time", e.time},
            {"module", e.module},
            {"type", e.type},
            {"tenant", e.tenant},
            {"subject", e.subject},
            {"payload", payload_value(e.payload_json)},
        });
    }
    return out;
}

}  // namespace kestra::harness
