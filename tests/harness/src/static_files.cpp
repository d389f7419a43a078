#include "static_files.hpp"

#include "text.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <iterator>
#include <optional>
#include <stdexcept>
#include <vector>

namespace kestra::harness {

namespace fs = std::filesystem;

namespace {

// The page loads only its own files; nothing may frame it.
constexpr std::string_view content_security_policy =
    "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
// No build step, so no fingerprinted file names: the browser keeps a copy
// but asks each time (a 304 when the ETag still matches).
constexpr std::string_view cache_control = "no-cache";

std::string ascii_lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; });
    return out;
}

// Splits what follows the prefix into decoded segments.  nullopt: a bad
// escape, an empty segment ("//"), ".", "..", or a decoded '/', '\' or NUL.
// A trailing '/' gives a last empty segment (the folder's index.html).
std::optional<std::vector<std::string>> decoded_segments(std::string_view rest) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (true) {
        const std::size_t slash = rest.find('/', start);
        const std::string_view raw = rest.substr(start, slash == std::string_view::npos ? slash : slash - start);
        auto segment = percent_decode(raw);
        if (!segment) return std::nullopt;
        const bool last = slash == std::string_view::npos;
        if (segment->empty() && !last) return std::nullopt;
        if (*segment == "." || *segment == "..") return std::nullopt;
        if (segment->find_first_of(std::string_view("/\\\0", 3)) != std::string::npos) return std::nullopt;
        out.push_back(std::move(*segment));
        if (last) break;
        start = slash + 1;
    }
    return out;
}

// True when path is root or below it (both canonical).
bool within(const fs::path& root, const fs::path& path) {
    const auto mismatch = std::mismatch(root.begin(), root.end(), path.begin(), path.end());
    return mismatch.first == root.end();
}

std::string strong_etag(std::string_view content) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int length = 0;
    if (EVP_Digest(content.data(), content.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1)
        throw std::runtime_error("SHA-256 failed");
    static constexpr char hex[] = "0123456789abcdef";
    std::string out = "\"";
    for (unsigned int i = 0; i < 16 && i < length; ++i) {
        out += hex[digest[i] >> 4];
        out += hex[digest[i] & 0xF];
    }
    return out + "\"";
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// If-None-Match: "*" or a list of entity tags, compared weakly (RFC 9110 13.1.2).
bool etag_matches(std::string_view header, std::string_view etag) {
    const auto opaque = [](std::string_view tag) { return tag.starts_with("W/") ? tag.substr(2) : tag; };
    std::size_t start = 0;
    while (start <= header.size()) {
        const std::size_t comma = header.find(',', start);
        const std::string_view tag =
            trim(header.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
        if (tag == "*" || (!tag.empty() && opaque(tag) == opaque(etag))) return true;
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
    return false;
}

HttpReply not_found() { return HttpReply::message(404, "Not Found"); }

}  // namespace

std::string_view content_type_for(const fs::path& file) {
    const std::string ext = ascii_lower(file.extension().string());
    if (ext == ".html" || ext == ".htm") return "text/html; charset=utf-8";
    if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
    if (ext == ".css") return "text/css; charset=utf-8";
    if (ext == ".json") return "application/json";
    if (ext == ".svg") return "image/svg+xml";
    if (ext == ".png") return "image/png";
    if (ext == ".ico") return "image/x-icon";
    if (ext == ".woff2") return "font/woff2";
    if (ext == ".txt") return "text/plain; charset=utf-8";
    return "application/octet-stream";
}

StaticFiles::StaticFiles(const fs::path& root, std::string prefix)
    : root_(fs::canonical(root)), prefix_(std::move(prefix)) {
    if (!fs::is_directory(root_)) throw fs::filesystem_error("not a directory", root, std::error_code());
}

bool StaticFiles::handles(std::string_view raw_path) const {
    if (!raw_path.starts_with(prefix_)) return false;
    return raw_path.size() == prefix_.size() || raw_path[prefix_.size()] == '/';
}

HttpReply StaticFiles::serve(const HttpExchange& exchange, std::string_view raw_path) const {
    if (exchange.method != "GET" && exchange.method != "HEAD") {
        HttpReply reply = HttpReply::message(405, "Method Not Allowed");
        reply.headers.emplace_back("Allow", "GET, HEAD");
        return reply;
    }
    if (raw_path.size() == prefix_.size()) {
        HttpReply reply = HttpReply::message(301, "Moved Permanently");
        reply.headers.emplace_back("Location", prefix_ + "/");
        return reply;
    }
    const auto segments = decoded_segments(raw_path.substr(prefix_.size() + 1));
    if (!segments) return HttpReply::message(400, "Malformed path");

    fs::path file = root_;
    for (const auto& segment : *segments) {
        // Hidden files (.git, editor swap files) are never part of the page.
        if (!segment.empty() && segment.front() == '.') return not_found();
        file /= segment.empty() ? std::string("index.html") : segment;
    }
    // A symlink may not lead out of the folder.
    std::error_code ec;
    const fs::path resolved = fs::canonical(file, ec);
    if (ec || !within(root_, resolved)) return not_found();
    const auto status = fs::status(resolved, ec);
    if (ec || !fs::is_regular_file(status)) return not_found();
    const auto size = fs::file_size(resolved, ec);
    if (ec || size > max_file_size) return not_found();

    std::ifstream in(resolved, std::ios::binary);
    if (!in) return not_found();
    std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) return not_found();

    HttpReply reply;
    const std::string etag = strong_etag(content);
    reply.headers.emplace_back("ETag", etag);
    reply.headers.emplace_back("Cache-Control", cache_control);
    reply.headers.emplace_back("Content-Security-Policy", content_security_policy);
    reply.headers.emplace_back("X-Content-Type-Options", "nosniff");
    reply.headers.emplace_back("Referrer-Policy", "no-referrer");
    if (const auto condition = exchange.header("If-None-Match"); condition && etag_matches(*condition, etag)) {
        reply.status = 304;
        return reply;
    }
    reply.status = 200;
    reply.headers.emplace_back("Content-Type", content_type_for(resolved));
    reply.body = std::move(content);
    return reply;
}

}  // namespace kestra::harness
