// Integration secret tokens: "ksc_" + a 16-character lookup prefix + "_" +
// 256 characters of secret (192 CSPRNG bytes, base64url).  The prefix finds
// the token's record in O(1) and is not secret; only a hash of the whole
// token is stored.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace kestra::provisioning {

struct MintedToken {
  std::string secret;         // the whole token: shown once, never stored
  std::string lookup_prefix;  // stored, indexed
  std::string secret_hash;    // stored: hex SHA-256, or HMAC-SHA-256 with the pepper
};

MintedToken mint_token(std::string_view pepper);

// The lookup prefix of a well-formed token; nullopt for anything else.
std::optional<std::string_view> token_lookup_prefix(std::string_view token);

// Compares the token against a stored hash in constant time.
bool token_matches(std::string_view token, std::string_view stored_hash, std::string_view pepper);

}  // namespace kestra::provisioning
