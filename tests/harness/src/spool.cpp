#include "spool.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <cstdlib>
#include <string>

namespace kestra::harness {

namespace {

std::string temp_dir() {
    const char* dir = std::getenv("TMPDIR");
    return dir && *dir ? dir : "/tmp";
}

// An anonymous file: O_TMPFILE, else a named one unlinked at once.
int open_anonymous() {
    const std::string dir = temp_dir();
    const int fd = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd >= 0) return fd;
    std::string name = dir + "/kestra-spool-XXXXXX";
    const int named = ::mkostemp(name.data(), O_CLOEXEC);
    if (named >= 0) ::unlink(name.c_str());
    return named;
}

}  // namespace

Spool::~Spool() { discard(); }

bool Spool::append(std::string_view bytes) {
    if (fd_ < 0 && (fd_ = open_anonymous()) < 0) return false;
    while (!bytes.empty()) {
        const ssize_t n = ::pwrite(fd_, bytes.data(), bytes.size(), static_cast<off_t>(write_at_));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        write_at_ += static_cast<std::uint64_t>(n);
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

bool Spool::take(std::size_t max, std::string& out) {
    const std::size_t size = static_cast<std::size_t>(std::min<std::uint64_t>(max, pending()));
    out.resize(size);
    std::size_t done = 0;
    while (done < size) {
        const ssize_t n = ::pread(fd_, out.data() + done, size - done, static_cast<off_t>(read_at_ + done));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        done += static_cast<std::size_t>(n);
    }
    read_at_ += size;
    if (pending() == 0 && fd_ >= 0) {
        read_at_ = write_at_ = 0;
        if (::ftruncate(fd_, 0) != 0) discard();  // a new file next time
    }
    return true;
}

void Spool::discard() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    read_at_ = write_at_ = 0;
}

}  // namespace kestra::harness
