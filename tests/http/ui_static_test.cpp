// The Provisioning page's files at /ui/ (kestra.ui.path): content types,
// caching and security headers, and no way out of the folder.
#define BOOST_TEST_MODULE harness_ui_static
#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "fixtures.hpp"

#include <filesystem>
#include <fstream>
#include <ostream>

using namespace kestra::test;
namespace data = boost::unit_test::data;
namespace fs = std::filesystem;

namespace {

constexpr std::string_view index_html = "<!doctype html><title>Provisioning</title><script src=app.js></script>";
constexpr std::string_view app_js = "export const answer = 42;\n";
constexpr std::string_view style_css = "body { color: #222; }\n";
constexpr std::string_view secret = "TOP-SECRET-OUTSIDE-THE-UI-FOLDER";

void write(const fs::path& file, std::string_view content) {
    fs::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << content;
}

// A harness whose kestra.ui.path is <its dir>/ui, with a few files in it, a
// secret beside the folder and symlinks that lead out of it.
struct UiHarness {
    HarnessProcess harness{[] {
        HarnessOptions options = echo_options();
        options.extra_yaml = "kestra.ui.path: \"@DIR@/ui\"\n";
        options.start = false;
        return options;
    }()};

    UiHarness() {
        const fs::path ui = harness.dir() / "ui";
        write(ui / "index.html", index_html);
        write(ui / "app.js", app_js);
        write(ui / "style.css", style_css);
        write(ui / "img" / "logo.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>");
        write(ui / "img" / "index.html", "<p>img index</p>");
        write(ui / ".hidden", secret);
        write(harness.dir() / "secret.txt", secret);
        fs::create_symlink(harness.dir() / "secret.txt", ui / "link.txt");
        fs::create_symlink(harness.dir(), ui / "outside");
        harness.start();
    }

    HttpResponse get(std::string_view target, const Headers& headers = {}) const {
        return request(harness.port(), "GET", target, headers);
    }
};

}  // namespace

BOOST_AUTO_TEST_CASE(files_are_served_with_their_type_and_the_security_headers) {
    UiHarness ui;
    struct Expect {
        std::string_view target;
        std::string_view type;
        std::string_view body;
    };
    const Expect cases[] = {
        {"/ui/", "text/html; charset=utf-8", index_html},
        {"/ui/index.html", "text/html; charset=utf-8", index_html},
        {"/ui/app.js", "text/javascript; charset=utf-8", app_js},
        {"/ui/style.css", "text/css; charset=utf-8", style_css},
        {"/ui/img/logo.svg", "image/svg+xml", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>"},
        {"/ui/img/", "text/html; charset=utf-8", "<p>img index</p>"},
        {"/ui/app.js?v=1", "text/javascript; charset=utf-8", app_js},
        {"/ui/%61pp.js", "text/javascript; charset=utf-8", app_js},
    };
    for (const auto& c : cases) {
        BOOST_TEST_CONTEXT(c.target) {
            const HttpResponse res = ui.get(c.target);
            BOOST_TEST(res.status == 200u);
            BOOST_TEST(res.header("Content-Type").value_or("") == c.type);
            BOOST_TEST(res.body == c.body);
            BOOST_TEST(res.header("Content-Security-Policy").value_or("").starts_with("default-src 'self'"));
            BOOST_TEST(res.header("X-Content-Type-Options").value_or("") == "nosniff");
            BOOST_TEST(res.header("Cache-Control").value_or("") == "no-cache");
            BOOST_TEST(res.header("ETag").value_or("").starts_with("\""));
        }
    }
    // No credentials needed: the page signs in against the admin API itself.
    BOOST_TEST(ui.get("/ui/").header("WWW-Authenticate").has_value() == false);
}

BOOST_AUTO_TEST_CASE(the_bare_prefix_redirects_to_the_folder) {
    UiHarness ui;
    const HttpResponse res = ui.get("/ui");
    BOOST_TEST(res.status == 301u);
    BOOST_TEST(res.header("Location").value_or("") == "/ui/");
    BOOST_TEST(ui.get("/uix").status == 404u);  // only the folder itself
}

BOOST_AUTO_TEST_CASE(etag_revalidation_answers_304_and_head_has_no_body) {
    UiHarness ui;
    const HttpResponse first = ui.get("/ui/app.js");
    const std::string etag = first.header("ETag").value_or("");
    BOOST_TEST_REQUIRE(!etag.empty());
    BOOST_TEST(ui.get("/ui/app.js").header("ETag").value_or("") == etag);  // stable

    for (const std::string& condition : {etag, "W/" + etag, "\"other\", " + etag, std::string("*")}) {
        BOOST_TEST_CONTEXT(condition) {
            const HttpResponse again = ui.get("/ui/app.js", {{"If-None-Match", condition}});
            BOOST_TEST(again.status == 304u);
            BOOST_TEST(again.body.empty());
            BOOST_TEST(again.header("ETag").value_or("") == etag);
        }
    }
    BOOST_TEST(ui.get("/ui/app.js", {{"If-None-Match", "\"stale\""}}).status == 200u);
    BOOST_TEST(ui.get("/ui/style.css").header("ETag").value_or("") != etag);

    const HttpResponse head = request(ui.harness.port(), "HEAD", "/ui/app.js");
    BOOST_TEST(head.status == 200u);
    BOOST_TEST(head.body.empty());
    BOOST_TEST(head.header("Content-Length").value_or("") == std::to_string(app_js.size()));
}

BOOST_AUTO_TEST_CASE(only_get_and_head_are_allowed) {
    UiHarness ui;
    for (const char* method : {"POST", "PUT", "DELETE", "PATCH"}) {
        BOOST_TEST_CONTEXT(method) {
            const HttpResponse res = request(ui.harness.port(), method, "/ui/index.html");
            BOOST_TEST(res.status == 405u);
            BOOST_TEST(res.header("Allow").value_or("") == "GET, HEAD");
        }
    }
}

namespace {

struct Escape {
    const char* target;
    unsigned status;  // 400: malformed path; 404: no such file in the folder
};
std::ostream& operator<<(std::ostream& out, const Escape& e) { return out << e.target; }

const Escape kEscapes[] = {
    {"/ui/../secret.txt", 400},
    {"/ui/..", 400},
    {"/ui/../", 400},
    {"/ui/./index.html", 400},
    {"/ui/img/../../secret.txt", 400},
    {"/ui/%2e%2e/secret.txt", 400},
    {"/ui/%2E%2E/secret.txt", 400},
    {"/ui/.%2e/secret.txt", 400},
    {"/ui/%2e%2e%2fsecret.txt", 400},
    {"/ui/..%2fsecret.txt", 400},
    {"/ui/img%2f..%2f..%2fsecret.txt", 400},
    {"/ui/..%5csecret.txt", 400},
    {"/ui/%5c..%5csecret.txt", 400},
    {"/ui/index.html%00.txt", 400},
    {"/ui/%zz", 400},
    {"/ui//etc/passwd", 400},
    {"/ui/%2fetc%2fpasswd", 400},
    {"/ui/etc/passwd", 404},  // an absolute path is just a name inside the folder
    {"/ui/secret.txt", 404},
    {"/ui/link.txt", 404},          // symlink to a file outside
    {"/ui/outside/secret.txt", 404},  // symlink to a folder outside
    {"/ui/.hidden", 404},
    {"/ui/%2ehidden", 404},
    {"/ui/img", 404},  // a folder without its trailing slash
    {"/ui/missing.js", 404},
};

}  // namespace

BOOST_DATA_TEST_CASE(nothing_outside_the_folder_is_reachable, data::make(kEscapes), escape) {
    UiHarness ui;
    const HttpResponse res = ui.get(escape.target);
    BOOST_TEST(res.status == escape.status, res.body);
    BOOST_TEST(res.body.find(secret) == std::string::npos);
}

BOOST_AUTO_TEST_CASE(an_empty_path_turns_the_page_off) {
    HarnessOptions options = echo_options();
    options.extra_yaml = "kestra.ui.path: \"\"\n";
    HarnessProcess harness(options);
    BOOST_TEST(get(harness, "/ui/").status == 404u);
}

BOOST_AUTO_TEST_CASE(the_default_is_the_source_tree_page) {
    HarnessProcess harness(echo_options());
    const HttpResponse res = get(harness, "/ui/");
    BOOST_TEST(res.status == 200u);
    BOOST_TEST(res.body.find("Provisioning") != std::string::npos);
    BOOST_TEST(get(harness, "/ui/app.js").header("Content-Type").value_or("").starts_with("text/javascript"));
}

BOOST_AUTO_TEST_CASE(a_path_that_is_not_a_folder_is_a_configuration_error) {
    HarnessOptions options = echo_options();
    options.extra_yaml = "kestra.ui.path: \"@DIR@/no-such-folder\"\n";
    options.start = false;
    HarnessProcess harness(options);
    harness.spawn();
    BOOST_TEST(harness.wait_exit(std::chrono::seconds(30)).value_or(-1) == 2);
    BOOST_TEST(harness.stderr_text().find("kestra.ui.path") != std::string::npos);
}
