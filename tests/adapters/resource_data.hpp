// The users and groups that the filter, sort and plan tests run against.
// Tenant "acme" (integration "okta") holds u01..u06 and groups g1..g3;
// tenant "globex" (integration "entra") holds u02, u04, u09 and group g9.
// User uNN is created at 2026-01-NNT10:00:00.000Z; u02 is replaced on
// 2026-02-05.
#pragma once

#include "resource_fixture.hpp"

#include <string>

namespace kestra::test {

inline const ports::Scope kAcme{"acme", "okta"};
inline const ports::Scope kGlobex{"globex", "entra"};

inline std::string created_at(int n) {
  return "2026-01-" + std::string(n < 10 ? "0" : "") + std::to_string(n) + "T10:00:00.000Z";
}

// `w` as a tenant that claims its domain creates it: it links an existing
// user whoever created it (iam/domain_claims).
inline ports::UserWrite shared(ports::UserWrite w) {
  w.link = ports::LinkRule::Shared;
  return w;
}

inline void must_create_user(ResourceFixture& f, const ports::Scope& scope, const std::string& id,
                             const ports::UserWrite& w, const std::string& at) {
  auto created = f.users->create(scope, w, id, at, audit(scope.tenant_id, "user.create", id));
  BOOST_TEST_REQUIRE(created.has_value(), id << ": " << (created ? "" : describe(created.error())));
  BOOST_TEST_REQUIRE(created->id == id);
}

inline void must_create_group(ResourceFixture& f, const ports::Scope& scope, const std::string& id,
                              const ports::GroupWrite& w, const std::vector<std::string>& members,
                              const std::string& at) {
  auto created = f.groups->create(scope, w, refs(members), id, at, audit(scope.tenant_id, "group.create", id));
  BOOST_TEST_REQUIRE(created.has_value(), id << ": " << (created ? "" : describe(created.error())));
}

inline void seed(ResourceFixture& f) {
  const std::string enterprise = std::string("\"") + kEnterpriseUrn + "\":";
  must_create_user(
      f, kAcme, "u01",
      user_write("bjensen@example.com",
                 R"("displayName":"Babs Jensen","nickName":"Babs","title":"Tour Guide","userType":"Employee",)"
                 R"("name":{"givenName":"Barbara","familyName":"Jensen","formatted":"Ms. Barbara J Jensen III"},)"
                 R"("locale":"en-US","preferredLanguage":"en-US","timezone":"America/Los_Angeles",)"
                 R"("profileUrl":"https://login.example.com/bjensen",)"
                 R"("emails":[{"value":"bjensen@example.com","type":"work","primary":true},)"
                 R"({"value":"babs@jensen.org","type":"home"}],)"
                 R"("phoneNumbers":[{"value":"555-555-5555","type":"work"}],)"
                 R"("ims":[{"value":"someaimhandle","type":"aim"}],)"
                 R"("photos":[{"value":"https://photos.example.com/profilephoto/72930000000Ccne/F","type":"photo"}],)"
                 R"("addresses":[{"formatted":"100 Universal City Plaza\nHollywood, CA 91608 USA","type":"work",)"
                 R"("primary":true}],)"
                 R"("entitlements":[{"value":"Full Access"}],)"
                 R"("x509Certificates":[{"value":"MIIDQzCCAqygAwIBAgICEAAwDQYJKoZIhvcNAQEFBQAw"}],)" +
                     enterprise +
                     R"({"employeeNumber":"701984","costCenter":"4130","organization":"Universal Studios",)"
                     R"("division":"Theme Park","department":"Tour Operations","manager":{"value":"u02"}})",
                 true, "ext-bjensen"),
      created_at(1));
  must_create_user(f, kAcme, "u02",
                   user_write("jsmith",
                              R"("displayName":"John Smith","title":"Manager","name":{"givenName":"John",)"
                              R"("familyName":"Smith"},"emails":[{"value":"john.smith@work.example","type":"work",)"
                              R"("primary":"True"}],)" +
                                  enterprise + R"({"department":"Tour Operations","employeeNumber":"1002"})",
                              true, "EXT-jsmith"),
                   created_at(2));
  must_create_user(f, kAcme, "u03",
                   user_write("Alice_100%",
                              R"("displayName":"alice","nickName":"al!ce","userType":"Contractor",)"
                              R"("emails":[{"value":"alice@x.org","type":"home"},)"
                              R"({"value":"a.work@example.com","type":"work"}])",
                              false),
                   created_at(3));
  must_create_user(f, kAcme, "u04",
                   user_write("bob", R"("locale":"fr-FR","emails":[{"value":"bob@example.com","type":"work"}])", true,
                              "ext-bob"),
                   created_at(4));
  must_create_user(f, kAcme, "u05",
                   user_write("carol",
                              R"("displayName":"Carol O'Brien","title":"CTO","userType":"employee",)"
                              R"("phoneNumbers":[{"value":"+33 1 23","type":"mobile"}])",
                              false),
                   created_at(5));
  must_create_user(f, kAcme, "u06", user_write("dave*?[x]", R"("displayName":"Dave")"), created_at(6));

  // globex: u02 and u04 granted there too (same shared attributes), u09 only there.
  auto again = f.users->create(kGlobex,
                               shared(user_write("jsmith",
                                          R"("displayName":"John Smith","title":"Manager","name":{"givenName":"John",)"
                                          R"("familyName":"Smith"},"emails":[{"value":"john.smith@work.example",)"
                                          R"("type":"work","primary":"True"}],)" +
                                              enterprise + R"({"department":"Tour Operations","employeeNumber":"1002"})",
                                          true, "globex-jsmith")),
                               "unused", created_at(7), audit("globex", "user.create"));
  BOOST_TEST_REQUIRE(again.has_value());
  auto bob = f.users->create(kGlobex,
                             shared(user_write("bob", R"("locale":"fr-FR","emails":[{"value":"bob@example.com","type":"work"}])",
                                               true, "globex-bob")),
                             "unused", created_at(7), audit("globex", "user.create"));
  BOOST_TEST_REQUIRE(bob.has_value());
  must_create_user(f, kGlobex, "u09",
                   user_write("eve", R"("displayName":"Eve","emails":[{"value":"eve@example.com","type":"work"}])"),
                   created_at(9));

  must_create_group(f, kAcme, "g1", group_write("Admins", "grp-ext-1"), {"u01", "u02"}, created_at(10));
  must_create_group(f, kAcme, "g2", group_write("Tour Guides"), {"u01", "g1"}, created_at(11));
  must_create_group(f, kAcme, "g3", group_write("Empty"), {}, created_at(12));
  must_create_group(f, kGlobex, "g9", group_write("Admins"), {"u04", "u09"}, created_at(13));

  // A later change of u02's shared attributes (lastModified 2026-02-05).
  auto found = f.users->find(kAcme, "u02");
  BOOST_TEST_REQUIRE((found.has_value() && found->has_value()));
  auto w = user_write("jsmith",
                      R"("displayName":"John Smith","title":"Manager","name":{"givenName":"John",)"
                      R"("familyName":"Smith"},"emails":[{"value":"john.smith@work.example","type":"work",)"
                      R"("primary":"True"}],)" +
                          enterprise + R"({"department":"Tour Operations","employeeNumber":"1002","division":"HQ"})",
                      true, "EXT-jsmith");
  auto replaced = f.users->replace(kAcme, "u02", w, std::nullopt, "2026-02-05T08:00:00.000Z",
                                   audit("acme", "user.replace", "u02"));
  BOOST_TEST_REQUIRE(replaced.has_value(), (replaced ? "" : describe(replaced.error())));
}

}  // namespace kestra::test
