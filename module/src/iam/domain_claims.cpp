#include "iam/domain_claims.hpp"

#include "core/case_fold.hpp"

#include <algorithm>

namespace kestra::iam {

std::string domain_of(std::string_view address) {
  const auto at = address.rfind('@');
  if (at == std::string_view::npos) return {};
  return fold_case(address.substr(at + 1));
}

Result<std::string> normalize_domain(std::string_view text) {
  std::string domain;
  domain.reserve(text.size());
  for (char c : text) domain.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  auto bad = [&](const std::string& why) {
    return Error::invalid("'" + std::string(text.substr(0, 80)) + "' is not a domain name: " + why, "invalidValue");
  };
  if (domain.empty()) return bad("it is empty");
  if (domain.size() > 253) return bad("longer than 253 characters");
  if (domain.find('.') == std::string::npos) return bad("it has no dot");
  std::size_t start = 0;
  while (start <= domain.size()) {
    const auto dot = std::min(domain.find('.', start), domain.size());
    const std::string_view label(domain.data() + start, dot - start);
    if (label.empty() || label.size() > 63) return bad("each label has 1 to 63 characters");
    if (label.front() == '-' || label.back() == '-') return bad("a label starts or ends with '-'");
    const bool letters_digits_hyphens = std::all_of(label.begin(), label.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    });
    if (!letters_digits_hyphens) return bad("only letters, digits, '-' and '.' (IDNs as xn--)");
    start = dot + 1;
  }
  return domain;
}

DomainClaims::DomainClaims(std::vector<DomainClaim> claims) : claims_(std::move(claims)) {}

bool DomainClaims::claimed(std::string_view domain) const {
  if (domain.empty()) return false;
  return std::any_of(claims_.begin(), claims_.end(), [&](const DomainClaim& c) { return c.domain == domain; });
}

bool DomainClaims::claims(std::string_view tenant, std::string_view domain) const {
  if (domain.empty()) return false;
  return std::any_of(claims_.begin(), claims_.end(),
                     [&](const DomainClaim& c) { return c.domain == domain && c.tenant_id == tenant; });
}

bool DomainClaims::may_use(std::string_view tenant, std::string_view domain) const {
  return !claimed(domain) || claims(tenant, domain);
}

LinkRule DomainClaims::link_rule(std::string_view tenant, std::string_view user_domain) const {
  return claims(tenant, user_domain) ? LinkRule::Shared : LinkRule::OwnerOnly;
}

bool DomainClaims::entitled(std::string_view tenant, std::string_view user_domain, std::string_view owner) const {
  if (claimed(user_domain)) return claims(tenant, user_domain);
  return owner.empty() || owner == tenant;
}

Result<void> check_addresses(const DomainClaims& claims, std::string_view tenant,
                             const std::vector<NamedAddress>& addresses) {
  for (const auto& [attribute, address] : addresses) {
    const std::string domain = domain_of(address);
    if (claims.may_use(tenant, domain)) continue;
    return Error::invalid(std::string(attribute) + " '" + std::string(address) + "': the domain '" + domain +
                              "' is reserved for other tenants; the instance admin decides which tenants may "
                              "provision it (domain claims)",
                          "invalidValue");
  }
  return {};
}

}  // namespace kestra::iam
