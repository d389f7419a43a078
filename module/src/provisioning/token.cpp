#include "provisioning/token.hpp"

#include "core/crypto.hpp"

#include <algorithm>

namespace kestra::provisioning {
namespace {

constexpr std::string_view kScheme = "ksc_";
constexpr std::size_t kPrefixBytes = 12;   // 16 base64url characters
constexpr std::size_t kSecretBytes = 192;  // 256 base64url characters
constexpr std::size_t kPrefixLength = 16;
constexpr std::size_t kSecretLength = 256;

bool is_base64url(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
}

}  // namespace

MintedToken mint_token(std::string_view pepper) {
  MintedToken t;
  t.lookup_prefix = crypto::base64url(crypto::random_bytes(kPrefixBytes));
  t.secret = std::string(kScheme) + t.lookup_prefix + "_" + crypto::base64url(crypto::random_bytes(kSecretBytes));
  t.secret_hash = crypto::sha256_hex(t.secret, pepper);
  return t;
}

std::optional<std::string_view> token_lookup_prefix(std::string_view token) {
  if (token.size() != kScheme.size() + kPrefixLength + 1 + kSecretLength || !token.starts_with(kScheme)) {
    return std::nullopt;
  }
  const auto prefix = token.substr(kScheme.size(), kPrefixLength);
  if (token[kScheme.size() + kPrefixLength] != '_' || !is_base64url(token.substr(kScheme.size()))) {
    return std::nullopt;
  }
  return prefix;
}

bool token_matches(std::string_view token, std::string_view stored_hash, std::string_view pepper) {
  return crypto::constant_time_equals(crypto::sha256_hex(token, pepper), stored_hash);
}

}  // namespace kestra::provisioning
