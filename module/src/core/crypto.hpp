// Randomness, ids and hashing, all from OpenSSL.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace kestra::crypto {

// n bytes from OpenSSL's CSPRNG; throws std::runtime_error if it fails.
std::string random_bytes(std::size_t n);

// RFC 4648 5 base64url without padding.
std::string base64url(std::string_view bytes);

// A random (version 4) UUID in lower-case text.
std::string new_uuid();

// Lower-case hex of SHA-256(data), or of HMAC-SHA-256(key, data) when key is not empty.
std::string sha256_hex(std::string_view data, std::string_view hmac_key = {});

// Equality that takes the same time wherever the inputs differ.
bool constant_time_equals(std::string_view a, std::string_view b);

}  // namespace kestra::crypto
