// provisioning::DomainClaimCache over the in-memory store: one read of the
// claims (list) serves the writes of a moment; a change through it is seen
// at once; the store's claims_on is never asked.
#include "kestra/test/fakes/memory_store.hpp"
#include "provisioning/domain_claim_cache.hpp"

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <string>
#include <vector>

namespace ports = kestra::ports;
using kestra::Result;
using kestra::provisioning::DomainClaimCache;
using kestra::test::fakes::MemoryStore;

namespace {

// The claims as another host (or the configuration) wrote them.
void seed(MemoryStore& store, const ports::DomainClaim& claim) {
  BOOST_TEST_REQUIRE(store.domain_claims().add(claim, {}).has_value());
}

int reads(const MemoryStore& store) { return store.calls("claims.list"); }

std::size_t claims_of(DomainClaimCache& cache, const std::string& domain) {
  auto found = cache.claims_on({domain});
  BOOST_TEST_REQUIRE(found.has_value());
  return found->size();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(domain_claim_cache)

BOOST_AUTO_TEST_CASE(one_read_serves_a_moment_and_a_change_is_seen_at_once) {
  MemoryStore store;
  seed(store, {"acme", "acme.example", "CONFIG", ""});
  seed(store, {"globex", "globex.example", "ADMIN", ""});
  DomainClaimCache cache(store.domain_claims(), std::chrono::hours(1));
  BOOST_TEST(claims_of(cache, "acme.example") == 1u);
  BOOST_TEST(claims_of(cache, "globex.example") == 1u);
  BOOST_TEST(claims_of(cache, "free.example") == 0u);
  BOOST_TEST(reads(store) == 1);

  BOOST_TEST(cache.add({"acme", "corp.example", "ADMIN", ""}, {}).has_value());
  BOOST_TEST(claims_of(cache, "corp.example") == 1u);
  BOOST_TEST(reads(store) == 2);
  BOOST_TEST(cache.remove("acme", "corp.example", "ADMIN", {}).has_value());
  BOOST_TEST(claims_of(cache, "corp.example") == 0u);
  BOOST_TEST(reads(store) == 3);
  BOOST_TEST(store.calls("claims.claims_on") == 0);
}

BOOST_AUTO_TEST_CASE(a_change_made_elsewhere_is_seen_after_the_ttl) {
  MemoryStore store;
  DomainClaimCache cache(store.domain_claims(), std::chrono::milliseconds(0));
  BOOST_TEST(claims_of(cache, "acme.example") == 0u);
  seed(store, {"acme", "acme.example", "ADMIN", ""});  // another host's change
  BOOST_TEST(claims_of(cache, "acme.example") == 1u);
  BOOST_TEST(reads(store) == 2);
}

BOOST_AUTO_TEST_SUITE_END()
