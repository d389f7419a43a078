// The files of one directory served under a URL prefix: the Provisioning
// page (resources/ui) at /ui/.  GET and HEAD only; a path that leaves the
// directory, by "..", an encoded slash or a symlink, is refused.
#pragma once

#include "http_types.hpp"

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace kestra::harness {

class StaticFiles {
public:
    // root must be a directory (it is resolved once, here); prefix like "/ui".
    // Throws std::filesystem::filesystem_error when root cannot be resolved.
    StaticFiles(const std::filesystem::path& root, std::string prefix);

    const std::filesystem::path& root() const { return root_; }

    // "/ui" and "/ui/..." (the raw path, before percent-decoding).
    bool handles(std::string_view raw_path) const;

    // [thread-safe] The reply for a path handles() accepted.
    HttpReply serve(const HttpExchange& exchange, std::string_view raw_path) const;

    // Files larger than this are not served (the page's files are a few KB).
    static constexpr std::uintmax_t max_file_size = 8 * 1024 * 1024;

private:
    std::filesystem::path root_;  // canonical
    std::string prefix_;
};

// "text/html; charset=utf-8" etc. by extension; application/octet-stream otherwise.
std::string_view content_type_for(const std::filesystem::path& file);

}  // namespace kestra::harness
