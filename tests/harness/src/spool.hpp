// A byte queue in an unlinked temporary file: the part of a streamed
// response a slow client has not taken yet, kept out of memory.  Not
// thread-safe: the owner serialises calls.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace kestra::harness {

class Spool {
public:
    Spool() = default;
    ~Spool();
    Spool(const Spool&) = delete;
    Spool& operator=(const Spool&) = delete;

    // Appends at the end; the file is created on first use (in $TMPDIR, or
    // /tmp).  False: it could not be created or written (disk full).
    bool append(std::string_view bytes);
    // Moves up to max bytes from the front into out (replacing it).  False
    // on a read error.  A drained spool gives its disk space back.
    bool take(std::size_t max, std::string& out);
    std::uint64_t pending() const { return write_at_ - read_at_; }
    // Drops everything and closes the file.
    void discard();

private:
    int fd_ = -1;
    std::uint64_t read_at_ = 0;
    std::uint64_t write_at_ = 0;
};

}  // namespace kestra::harness
