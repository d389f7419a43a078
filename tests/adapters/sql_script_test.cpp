#define BOOST_TEST_MODULE adapters_sql_script
#include "migrations.hpp"
#include "sql_script.hpp"

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <ostream>
#include <string>
#include <vector>

namespace data = boost::unit_test::data;
using kestra::adapters::parse_migration_file_name;
using kestra::adapters::split_sql_script;

namespace {

struct SplitCase {
  const char* name;
  const char* script;
  std::vector<std::string> want;
};
std::ostream& operator<<(std::ostream& out, const SplitCase& c) { return out << c.name; }

const SplitCase kSplitCases[] = {
    {"empty", "", {}},
    {"only separators and blanks", " ;\n; ;", {}},
    {"two statements", "CREATE TABLE a (x TEXT);\nCREATE TABLE b (y TEXT);", {"CREATE TABLE a (x TEXT)", "CREATE TABLE b (y TEXT)"}},
    {"last statement without semicolon", "SELECT 1; SELECT 2", {"SELECT 1", "SELECT 2"}},
    {"semicolon inside a string", "INSERT INTO a VALUES ('x;y');", {"INSERT INTO a VALUES ('x;y')"}},
    {"doubled quote inside a string", "SELECT 'it''s; fine'; SELECT 2;", {"SELECT 'it''s; fine'", "SELECT 2"}},
    {"semicolon inside a quoted identifier", "SELECT \"a;b\" FROM t;", {"SELECT \"a;b\" FROM t"}},
    {"semicolon inside a backquoted identifier", "SELECT `a;b` FROM t;", {"SELECT `a;b` FROM t"}},
    {"line comment with semicolon", "-- first; second\nSELECT 1;", {"SELECT 1"}},
    {"apostrophe in a comment opens no string", "-- the host's table\nSELECT 1; SELECT 2;", {"SELECT 1", "SELECT 2"}},
    {"trailing comment", "SELECT 1; -- done", {"SELECT 1"}},
    {"comment at end of line inside a statement", "CREATE TABLE a (\n  x TEXT, -- note; here\n  y TEXT\n);",
     {"CREATE TABLE a (\n  x TEXT, \n  y TEXT\n)"}},
    {"dashes inside a string are no comment", "SELECT '--x;y';", {"SELECT '--x;y'"}},
    {"block comment", "/* a; b */ SELECT 1; SELECT/**/2;", {"SELECT 1", "SELECT 2"}},
};

const char* const kBrokenScripts[] = {
    "SELECT 'unterminated;",
    "SELECT \"unterminated;",
    "SELECT 1; /* never closed",
};

struct FileNameCase {
  const char* file_name;
  int version;  // 0: rejected
  const char* name;
};
std::ostream& operator<<(std::ostream& out, const FileNameCase& c) { return out << c.file_name; }

const FileNameCase kFileNames[] = {
    {"0001_initial.sql", 1, "initial"},
    {"0012_add_user_index.sql", 12, "add_user_index"},
    {"7_x.sql", 7, "x"},
    {"initial.sql", 0, ""},
    {"0001-initial.sql", 0, ""},
    {"0001_.sql", 0, ""},
    {"0001_initial.txt", 0, ""},
    {"0001_initial.sql.bak", 0, ""},
    {"_initial.sql", 0, ""},
    {"0000_zero.sql", 0, ""},
    {"00a1_x.sql", 0, ""},
    {"0001_has space.sql", 0, ""},
    {"1234567890_too_long.sql", 0, ""},
};

}  // namespace

BOOST_DATA_TEST_CASE(splits_scripts_into_statements, data::make(kSplitCases), c) {
  const auto got = split_sql_script(c.script);
  BOOST_TEST_REQUIRE(got.has_value());
  BOOST_TEST(*got == c.want, boost::test_tools::per_element());
}

BOOST_DATA_TEST_CASE(rejects_unterminated_quotes_and_comments, data::make(kBrokenScripts), script) {
  const auto got = split_sql_script(script);
  BOOST_TEST_REQUIRE(got.has_error());
  BOOST_TEST(got.error().detail.find("line 1: unterminated") == 0u, got.error().detail);
}

BOOST_AUTO_TEST_CASE(error_names_the_line) {
  const auto got = split_sql_script("SELECT 1;\n\nSELECT 'x");
  BOOST_TEST_REQUIRE(got.has_error());
  BOOST_TEST(got.error().detail == "line 3: unterminated quote '");
}

BOOST_DATA_TEST_CASE(parses_migration_file_names, data::make(kFileNames), c) {
  const auto parsed = parse_migration_file_name(c.file_name);
  if (c.version == 0) {
    BOOST_TEST(!parsed.has_value());
    return;
  }
  BOOST_TEST_REQUIRE(parsed.has_value());
  BOOST_TEST(parsed->version == c.version);
  BOOST_TEST(parsed->name == c.name);
}

BOOST_AUTO_TEST_CASE(sqlite_migrations_are_embedded_in_order) {
  const auto migrations = kestra::adapters::embedded_migrations("sqlite");
  BOOST_TEST_REQUIRE(migrations.has_value());
  BOOST_TEST_REQUIRE(!migrations->empty());
  BOOST_TEST(migrations->front().version == 1);
  BOOST_TEST(migrations->front().name == "initial");
  BOOST_TEST(migrations->front().path == "migrations/sqlite/0001_initial.sql");
  for (std::size_t i = 1; i < migrations->size(); ++i) {
    BOOST_TEST((*migrations)[i - 1].version < (*migrations)[i].version);
  }
  for (const auto& migration : *migrations) {
    const auto statements = split_sql_script(migration.script);
    BOOST_TEST(statements.has_value(), migration.path);
  }
}

BOOST_AUTO_TEST_CASE(unknown_dialect_has_no_migrations) {
  const auto migrations = kestra::adapters::embedded_migrations("oracle");
  BOOST_TEST_REQUIRE(migrations.has_error());
  BOOST_TEST(migrations.error().detail == "no migrations are embedded for the oracle dialect");
}
