// Pieces shared by the server dialects (PostgreSQL, MySQL): connection
// strings built from configuration fields, and waiting for an advisory lock.
#pragma once

#include "core/result.hpp"
#include "ports/store.hpp"

#include <chrono>
#include <functional>
#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kestra::adapters::server {

// `value` single-quoted, \ and ' escaped with a backslash: the quoting both
// libpq's conninfo and SOCI's MySQL connection string understand.
std::string quoted(std::string_view value);

// " key='value'" for each non-empty value.
std::string pairs(const std::vector<std::pair<std::string, std::string>>& values);

// A SOCI-style "key=value key='quoted value'" string parsed into its pairs;
// InvalidInput (naming the key, never a value) for a malformed or repeated
// one.
Result<std::map<std::string, std::string>> parse_pairs(std::string_view text);

// `connection` without a leading "<scheme>://".
std::string_view without_scheme(std::string_view connection, std::string_view scheme);

// Checks the configuration both server backends share: either a
// connection string or a host, never both; options among `allowed`.
Result<void> check_server_config(const ports::StoreConfig& config, std::string_view engine,
                                 std::initializer_list<std::string_view> allowed);

// Calls `try_lock` until it returns true; UnavailableError once `patience`
// has passed.  `what` names the lock in that message.
void wait_for_lock(const std::function<bool()>& try_lock, std::chrono::milliseconds patience,
                   const std::string& what);

// How long a host waits for another one's migrations before giving up.
inline constexpr std::chrono::minutes kMigrationLockPatience{2};

// True when the idle connection on `fd` has something to read, or has
// ended: a server sends nothing unasked but its goodbye (shutdown, crash,
// idle timeout, a killed session) before closing.  No round trip.
bool has_unasked_input(int fd);

// The default connect timeout, in seconds, when the configuration sets none.
inline constexpr std::string_view kConnectTimeoutSeconds = "10";

}  // namespace kestra::adapters::server
