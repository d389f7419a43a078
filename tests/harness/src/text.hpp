// Small text helpers shared by the harness (no Beast, no ABI types).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace kestra::harness {

bool iequals(std::string_view a, std::string_view b);

// Decodes %XX escapes ('+' stays '+', as in a path).  nullopt on a malformed escape.
std::optional<std::string> percent_decode(std::string_view in);

// Standard base64 with padding.  nullopt on malformed input.
std::optional<std::string> base64_decode(std::string_view in);

// Compares two secrets in constant time (lengths are hidden by hashing first).
bool secrets_equal(std::string_view a, std::string_view b);

// 32 lowercase hex characters from the OpenSSL CSPRNG.
std::string random_hex_id();

// A client-supplied X-Request-Id is honoured when it is 1..128 of [A-Za-z0-9._:-].
bool acceptable_request_id(std::string_view id);

// True for 127.0.0.0/8, ::1 and ::ffff:127.x.y.z as text (a peer address).
bool loopback_address(std::string_view address);

// "2024-05-01T12:34:56.789Z"
std::string utc_timestamp();

}  // namespace kestra::harness
