// provisioning::DomainClaimCache over a fake store: one read of the claims
// serves the writes of a moment; a change through it is seen at once.
#include "provisioning/domain_claim_cache.hpp"

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <string>
#include <vector>

namespace ports = kestra::ports;
using kestra::Result;
using kestra::provisioning::DomainClaimCache;

namespace {

class FakeClaims final : public ports::DomainClaimStore {
 public:
  std::vector<ports::DomainClaim> claims;
  int reads = 0;

  Result<std::vector<ports::DomainClaim>> claims_on(const std::vector<std::string>&) override {
    return kestra::Error::internal("the cache answers claims_on from list");
  }
  Result<std::vector<ports::DomainClaim>> list(const std::string&) override {
    ++reads;
    return claims;
  }
  Result<bool> add(const ports::DomainClaim& claim, const ports::AuditEntry&) override {
    claims.push_back(claim);
    return true;
  }
  Result<bool> remove(const std::string&, const std::string&, const std::string&, const ports::AuditEntry&) override {
    claims.clear();
    return true;
  }
  Result<ports::Page<ports::AuditEntry>> instance_audit(const std::vector<std::string>&, std::int64_t,
                                                        std::int64_t) override {
    return ports::Page<ports::AuditEntry>{};
  }
};

std::size_t claims_of(DomainClaimCache& cache, const std::string& domain) {
  auto found = cache.claims_on({domain});
  BOOST_TEST_REQUIRE(found.has_value());
  return found->size();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(domain_claim_cache)

BOOST_AUTO_TEST_CASE(one_read_serves_a_moment_and_a_change_is_seen_at_once) {
  FakeClaims store;
  store.claims = {{"acme", "acme.example", "CONFIG", ""}, {"globex", "globex.example", "ADMIN", ""}};
  DomainClaimCache cache(store, std::chrono::hours(1));
  BOOST_TEST(claims_of(cache, "acme.example") == 1u);
  BOOST_TEST(claims_of(cache, "globex.example") == 1u);
  BOOST_TEST(claims_of(cache, "free.example") == 0u);
  BOOST_TEST(store.reads == 1);

  BOOST_TEST(cache.add({"acme", "corp.example", "ADMIN", ""}, {}).has_value());
  BOOST_TEST(claims_of(cache, "corp.example") == 1u);
  BOOST_TEST(store.reads == 2);
  BOOST_TEST(cache.remove("acme", "corp.example", "ADMIN", {}).has_value());
  BOOST_TEST(claims_of(cache, "corp.example") == 0u);
  BOOST_TEST(store.reads == 3);
}

BOOST_AUTO_TEST_CASE(a_change_made_elsewhere_is_seen_after_the_ttl) {
  FakeClaims store;
  DomainClaimCache cache(store, std::chrono::milliseconds(0));
  BOOST_TEST(claims_of(cache, "acme.example") == 0u);
  store.claims.push_back({"acme", "acme.example", "ADMIN", ""});  // another host's change
  BOOST_TEST(claims_of(cache, "acme.example") == 1u);
  BOOST_TEST(store.reads == 2);
}

BOOST_AUTO_TEST_SUITE_END()
