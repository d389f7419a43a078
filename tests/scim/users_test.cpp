// /Users over HTTP in one tenant: create (Okta's body), read, replace,
// delete, and userName uniqueness.  Cross-tenant behaviour is in
// tenancy_test.cpp.
#define BOOST_TEST_MODULE scim_users
#include "scim_support.hpp"

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <ostream>

using namespace kestra::test;
namespace data = boost::unit_test::data;
namespace json = boost::json;

namespace {

constexpr const char* kPassword = "1mz050nq";  // in testdata/okta/create_user.json

struct World {
  HarnessProcess harness{module_options()};
  Scim okta = scim_client(harness, "acme", "okta");
};

bool is_timestamp(const json::value& v) {
  // 2026-01-31T12:34:56.789Z
  if (!v.is_string()) return false;
  const std::string s(v.as_string());
  return s.size() == 24 && s[4] == '-' && s[10] == 'T' && s[19] == '.' && s.back() == 'Z';
}

// Everything the module stored: the data directory's files as bytes, and on
// a database server every table's values.
std::string data_files(const HarnessProcess& harness) {
  std::string all;
  if (const auto& database = harness.options().database) all = database->dump_text();
  for (const auto& entry : std::filesystem::recursive_directory_iterator(harness.data_dir())) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    all.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  return all;
}

const char* const kContentTypes[] = {"application/scim+json", "application/json",
                                     "application/scim+json; charset=utf-8"};

}  // namespace

BOOST_DATA_TEST_CASE(okta_create_returns_the_resource_and_drops_the_password, data::make(kContentTypes),
                     content_type) {
  World w;
  const auto body = read_fixture("okta/create_user.json");
  const auto res = w.okta.call("POST", "/Users", json::serialize(body), {}, content_type);
  const auto user = require_json(res, 201, "POST /Users");
  BOOST_TEST(res.header("Content-Type").value_or("") == "application/scim+json");

  const std::string id = str(user, "id");
  BOOST_TEST(!id.empty());
  const auto& meta = user.at("meta").as_object();
  BOOST_TEST(str(meta, "resourceType") == "User");
  BOOST_TEST(str(meta, "location") == w.okta.url() + "/Users/" + id);
  BOOST_TEST(res.header("Location").value_or("") == str(meta, "location"));
  BOOST_TEST(res.header("ETag").value_or("") == str(meta, "version"));
  BOOST_TEST(str(meta, "version").starts_with("W/\""));
  BOOST_TEST(is_timestamp(meta.at("created")), meta.at("created"));
  BOOST_TEST(meta.at("lastModified") == meta.at("created"));

  BOOST_TEST(user.at("schemas") == json::array{kUserUrn});
  BOOST_TEST(str(user, "userName") == "test.user@okta.local");
  BOOST_TEST(user.at("name") == body.at("name"));
  BOOST_TEST(user.at("emails") == body.at("emails"));
  BOOST_TEST(str(user, "displayName") == "Test User");
  BOOST_TEST(str(user, "locale") == "en-US");
  BOOST_TEST(str(user, "externalId") == "00ujl29u0le5T6Aj10h7");
  BOOST_TEST(user.at("active") == json::value(true));
  BOOST_TEST(!user.contains("password"));
  BOOST_TEST(!user.contains("groups"));  // "groups": [] is read-only input: ignored

  // GET answers the same representation and version.
  const auto got = w.okta.get("/Users/" + id);
  BOOST_TEST(require_json(got, 200, "GET") == user);
  BOOST_TEST(got.header("ETag").value_or("") == str(meta, "version"));

  // The password is returned nowhere and stored nowhere.
  const auto listed = w.okta.get("/Users?attributes=password,userName");
  BOOST_TEST(listed.body.find(kPassword) == std::string::npos, listed.body);
  BOOST_TEST(listed.body.find("password") == std::string::npos, listed.body);
  BOOST_TEST(got.body.find(kPassword) == std::string::npos);
  const auto audit = admin_request(w.harness, "GET", integrations_path("acme", "/" + w.okta.integration.id + "/audit"));
  BOOST_TEST(audit.body.find(kPassword) == std::string::npos, audit.body);
  BOOST_TEST(w.harness.stop() == 0);
  BOOST_TEST(w.harness.full_log().find(kPassword) == std::string::npos);
  const auto files = data_files(w.harness);
  BOOST_TEST(files.find("test.user@okta.local") != std::string::npos);  // the scan sees the store
  BOOST_TEST(files.find(kPassword) == std::string::npos);
}

BOOST_AUTO_TEST_CASE(create_echoes_enterprise_extension_and_groups_stay_read_only) {
  World w;
  auto body = user_body("ext@example.com");
  body["schemas"] = json::array{kUserUrn, kEnterpriseUrn};
  body[kEnterpriseUrn] = json::object{{"department", "R&D"}, {"employeeNumber", "42"},
                                      {"manager", json::object{{"value", "boss-id"}}}};
  body["groups"] = json::array{json::object{{"value", "not-a-group"}}};
  const auto user = create(w.okta, "/Users", body);
  BOOST_TEST(user.at("schemas") == (json::array{kUserUrn, kEnterpriseUrn}));
  BOOST_TEST(str(user.at(kEnterpriseUrn), "department") == "R&D");
  BOOST_TEST(str(user.at(kEnterpriseUrn).at("manager"), "value") == "boss-id");
  BOOST_TEST(!user.contains("groups"));
}

BOOST_AUTO_TEST_CASE(get_of_an_unknown_or_malformed_id_is_404) {
  World w;
  for (const char* id : {"00000000-0000-4000-8000-000000000000", "nope", "%27%20OR%201%3D1"}) {
    check_error(w.okta.get(std::string("/Users/") + id), 404);
  }
}

BOOST_AUTO_TEST_CASE(put_replaces_ignoring_read_only_attributes) {
  World w;
  const auto created = create(w.okta, "/Users", read_fixture("okta/create_user.json").as_object());
  const std::string id = str(created, "id");
  const std::string old_etag = str(created.at("meta"), "version");

  // Okta's PUT body: its id and meta belong to the server and are ignored.
  const auto replacement = read_fixture("okta/replace_user.json");
  const auto res = w.okta.put("/Users/" + id, replacement);
  const auto user = require_json(res, 200, "PUT");
  BOOST_TEST(str(user, "id") == id);
  BOOST_TEST(str(user.at("name"), "givenName") == "Another");
  BOOST_TEST(str(user, "displayName") == "Another User");
  BOOST_TEST(!user.contains("password"));
  BOOST_TEST(user.at("meta").at("created") == created.at("meta").at("created"));
  BOOST_TEST(str(user.at("meta"), "lastModified") >= str(created.at("meta"), "lastModified"));
  BOOST_TEST(str(user.at("meta"), "location") == w.okta.url() + "/Users/" + id);
  const std::string new_etag = res.header("ETag").value_or("");
  BOOST_TEST(new_etag != old_etag);
  BOOST_TEST(str(user.at("meta"), "version") == new_etag);
  BOOST_TEST(get_json(w.okta, "/Users/" + id) == user);
  check_error(w.okta.get("/Users/23a35c27-23d3-4c03-b4c5-6443c09e7173"), 404);  // the body's id made nothing

  // A PUT replaces: what it leaves out is gone.
  auto minimal = user_body("test.user@okta.local");
  const auto trimmed = require_json(w.okta.put("/Users/" + id, minimal), 200, "PUT minimal");
  BOOST_TEST(!trimmed.contains("name"));
  BOOST_TEST(!trimmed.contains("emails"));
  BOOST_TEST(!trimmed.contains("externalId"));
  BOOST_TEST(trimmed.at("active") == json::value(true));
}

BOOST_AUTO_TEST_CASE(put_changes_the_user_name_unless_another_user_holds_it) {
  World w;
  const auto id = create_user(w.okta, "first@example.com");
  const auto other = create_user(w.okta, "second@example.com");

  auto renamed = require_json(w.okta.put("/Users/" + id, user_body("Renamed@Example.com")), 200, "rename");
  BOOST_TEST(str(renamed, "userName") == "Renamed@Example.com");
  BOOST_TEST(total_of(list(w.okta, "/Users?" + filter_query(R"(userName eq "first@example.com")"))) == 0);
  BOOST_TEST(ids_of(list(w.okta, "/Users?" + filter_query(R"(userName eq "renamed@example.com")"))) ==
             std::vector<std::string>{id});
  // Only the case changes: the same user keeps its name.
  BOOST_TEST(str(require_json(w.okta.put("/Users/" + id, user_body("renamed@example.com")), 200, "case"),
                 "userName") == "renamed@example.com");

  const auto before = get_json(w.okta, "/Users/" + id);
  const auto taken = w.okta.put("/Users/" + id, user_body("SECOND@example.com"));
  check_error(taken, 409, "uniqueness");
  BOOST_TEST(get_json(w.okta, "/Users/" + id) == before);
  BOOST_TEST(str(get_json(w.okta, "/Users/" + other), "userName") == "second@example.com");

  check_error(w.okta.put("/Users/00000000-0000-4000-8000-000000000000", user_body("x@example.com")), 404);
  BOOST_TEST(total_of(list(w.okta, "/Users")) == 2);
}

BOOST_AUTO_TEST_CASE(delete_answers_204_then_404) {
  World w;
  const auto id = create_user(w.okta, "gone@example.com");
  const auto keep = create_user(w.okta, "kept@example.com");
  const auto res = w.okta.del("/Users/" + id);
  BOOST_TEST(res.status == 204u, res.body);
  BOOST_TEST(res.body.empty());
  check_error(w.okta.get("/Users/" + id), 404);
  check_error(w.okta.del("/Users/" + id), 404);
  check_error(w.okta.put("/Users/" + id, user_body("gone@example.com")), 404);
  BOOST_TEST(ids_of(list(w.okta, "/Users")) == std::vector<std::string>{keep});
  BOOST_TEST(audit_actions(w.okta, "acme") ==
             (std::vector<std::string>{"integration.create", "user.create", "user.create", "user.revoke-access"}));
}

BOOST_AUTO_TEST_CASE(post_of_a_user_name_already_here_is_409_and_writes_nothing) {
  World w;
  const auto id = create_user(w.okta, "dup@example.com");
  const auto before = scim_state(w.okta, "acme");
  auto again = user_body("dup@example.com");
  again["displayName"] = "Someone Else";
  check_error(w.okta.post("/Users", again), 409, "uniqueness");
  check_unchanged(before, scim_state(w.okta, "acme"));
  BOOST_TEST(!get_json(w.okta, "/Users/" + id).contains("displayName"));
}

namespace {

struct NamePair {
  const char* name;
  const char* existing;
  const char* candidate;
  unsigned status;  // of POSTing the candidate
};
std::ostream& operator<<(std::ostream& out, const NamePair& p) { return out << p.name; }

const NamePair kNamePairs[] = {
    {"ASCII upper case", "alice@example.com", "ALICE@EXAMPLE.COM", 409},
    {"mixed case", "Bob.Smith@Example.com", "bob.smith@example.COM", 409},
    {"Latin-1 upper case", "\xC3\x84RGER@x", "\xC3\xA4rger@x", 409},  // ÄRGER / ärger
    {"Latin-1 lower case first", "\xC3\xA9lodie@x", "\xC3\x89LODIE@x", 409},  // élodie / ÉLODIE
    {"Greek", "\xCE\xA3\xCE\xA9\xCE\xA3@x", "\xCF\x83\xCF\x89\xCF\x83@x", 409},  // ΣΩΣ / σωσ
    {"Cyrillic", "\xD0\x98\xD0\x92\xD0\x90\xD0\x9D@x", "\xD0\xB8\xD0\xB2\xD0\xB0\xD0\xBD@x", 409},  // ИВАН / иван
    {"full-width Latin", "\xEF\xBC\xA1@x", "\xEF\xBD\x81@x", 409},  // Ａ / ａ
    {"another letter", "\xC3\xA4rger@x", "aerger@x", 201},
    {"accent is not case", "elodie@x", "\xC3\xA9lodie@x", 201},
    {"surrounding text differs", "carol@example.com", "carol@example.co", 201},
};

}  // namespace

BOOST_DATA_TEST_CASE(user_name_uniqueness_ignores_case, data::make(kNamePairs), pair) {
  World w;
  const auto id = create_user(w.okta, pair.existing);
  const auto res = w.okta.post("/Users", user_body(pair.candidate));
  if (pair.status == 409) {
    check_error(res, 409, "uniqueness");
    BOOST_TEST(ids_of(list(w.okta, "/Users")) == std::vector<std::string>{id});
    // A filter on either spelling finds the one user.
    BOOST_TEST(ids_of(list(w.okta, "/Users?" + filter_query(std::string("userName eq \"") + pair.candidate + "\""))) ==
               std::vector<std::string>{id});
  } else {
    const auto created = require_json(res, 201, "POST");
    BOOST_TEST(str(created, "id") != id);
    BOOST_TEST(str(created, "userName") == pair.candidate);
    BOOST_TEST(total_of(list(w.okta, "/Users")) == 2);
  }
  BOOST_TEST(str(get_json(w.okta, "/Users/" + id), "userName") == pair.existing);
}
