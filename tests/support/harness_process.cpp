#include "kestra/test/harness.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>
#include <thread>

namespace kestra::test {

namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;
constexpr std::string_view listening_prefix = "listening on http://";

std::string yaml_quote(std::string_view text) {
    std::string out = "\"";
    for (char c : text) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out + "\"";
}

std::string replace_dir(std::string text, const fs::path& dir) {
    static constexpr std::string_view token = "@DIR@";
    for (std::size_t at = text.find(token); at != std::string::npos; at = text.find(token, at))
        text.replace(at, token.size(), dir.string());
    return text;
}

int decode_status(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return -1;
}

// A sanitizer build (KESTRA_SCIM_SANITIZE, tests/sanitizers/) of the harness
// or the module prints its report on the child's stderr, which the test may
// never look at.  Every report seen when a child exits is copied to the
// test's stderr at once and makes the test process exit non-zero at the end.
std::atomic<bool> child_sanitizer_report{false};

void fail_after_child_sanitizer_report() {
    if (!child_sanitizer_report.load()) return;
    std::fputs("FAILED: a kestra-harness child process printed a sanitizer report (above)\n", stderr);
    std::fflush(nullptr);
    std::_Exit(1);
}

bool has_sanitizer_report(std::string_view log) {
    for (std::string_view name : {"Address", "Leak", "UndefinedBehavior", "Thread", "Memory"}) {
        const std::string summary = "SUMMARY: " + std::string(name) + "Sanitizer";
        if (log.find(summary) != std::string_view::npos) return true;
    }
    return false;
}

void check_child_output(const std::string& log, pid_t pid) {
    if (!has_sanitizer_report(log)) return;
    static std::once_flag registered;
    std::call_once(registered, [] { std::atexit(fail_after_child_sanitizer_report); });
    child_sanitizer_report = true;
    std::cerr << "kestra-harness (pid " << pid << ") printed a sanitizer report:\n" << log << std::flush;
}

fs::path make_temp_dir() {
    std::string pattern = (fs::temp_directory_path() / "kestra-harness-XXXXXX").string();
    if (!mkdtemp(pattern.data())) throw HarnessError("mkdtemp failed: " + std::string(std::strerror(errno)));
    return pattern;
}

}  // namespace

fs::path harness_executable() { return KESTRA_HARNESS_PATH; }

fs::path make_plugin_dir(const fs::path& dir, const std::vector<fs::path>& modules) {
    fs::create_directories(dir);
    for (const auto& module : modules) fs::create_symlink(fs::absolute(module), dir / module.filename());
    return dir;
}

HarnessProcess::HarnessProcess(HarnessOptions options) : options_(std::move(options)), dir_(make_temp_dir()) {
    try {
        std::string text;
        if (options_.yaml) {
            text = replace_dir(*options_.yaml, dir_);
            if (text.find("data-dir") == std::string::npos)
                text += "\nkestra.harness.data-dir: " + yaml_quote(data_dir().string()) + "\n";
        } else {
            text = generated_yaml();
        }
        std::ofstream(config_path()) << text;
        if (options_.start) start();
    } catch (...) {
        if (running()) kill9();
        std::error_code ec;
        fs::remove_all(dir_, ec);
        throw;
    }
}

HarnessProcess::~HarnessProcess() {
    try {
        if (running()) stop();
    } catch (...) {
    }
    std::error_code ec;
    fs::remove_all(dir_, ec);
}

std::string HarnessProcess::generated_yaml() {
    fs::path plugins;
    if (options_.plugin_dir) plugins = *options_.plugin_dir;
    else plugins = make_plugin_dir(dir_ / "plugins", options_.modules);

    std::string yaml;
    yaml += "micronaut.server.host: 127.0.0.1\n";
    yaml += "micronaut.server.port: 0\n";
    yaml += "kestra.plugins.path: " + yaml_quote(plugins.string()) + "\n";
    yaml += std::string("kestra.ee.tenants.enabled: ") + (options_.tenants_enabled ? "true" : "false") + "\n";
    yaml += "kestra.security.superAdmin.username: " + yaml_quote(options_.admin_username) + "\n";
    yaml += "kestra.security.superAdmin.password: " + yaml_quote(options_.admin_password) + "\n";
    yaml += "kestra.tenants: [";
    for (std::size_t i = 0; i < options_.tenants.size(); ++i)
        yaml += (i ? ", " : "") + yaml_quote(options_.tenants[i]);
    yaml += "]\n";
    yaml += "kestra.harness.data-dir: " + yaml_quote(data_dir().string()) + "\n";
    if (!options_.extra_yaml.empty()) yaml += replace_dir(options_.extra_yaml, dir_) + "\n";
    return yaml;
}

void HarnessProcess::spawn() {
    if (running()) throw HarnessError("kestra-harness is already running");
    const fs::path out = dir_ / "stdout.log";
    const fs::path err = dir_ / "stderr.log";
    stdout_offset_ = fs::exists(out) ? fs::file_size(out) : 0;
    stderr_offset_ = fs::exists(err) ? fs::file_size(err) : 0;
    port_ = 0;
    exit_code_.reset();

    // Everything the child needs is prepared before fork: after it, only
    // async-signal-safe calls.
    const std::string exe = options_.executable.string();
    const std::string config = config_path().string();
    const std::string out_path = out.string();
    const std::string err_path = err.string();
    const std::string work_dir = dir_.string();
    std::vector<char*> argv{const_cast<char*>(exe.c_str()), const_cast<char*>("--config"),
                            const_cast<char*>(config.c_str()), nullptr};
    const pid_t parent = getpid();

    const pid_t pid = fork();
    if (pid < 0) throw HarnessError("fork failed: " + std::string(std::strerror(errno)));
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent) _exit(127);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, nullptr);
        const int out_fd = open(out_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        const int err_fd = open(err_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        if (out_fd < 0 || err_fd < 0 || dup2(out_fd, STDOUT_FILENO) < 0 || dup2(err_fd, STDERR_FILENO) < 0 ||
            chdir(work_dir.c_str()) != 0)
            _exit(126);
        execv(exe.c_str(), argv.data());
        _exit(127);
    }
    pid_ = pid;
}

void HarnessProcess::start(std::chrono::milliseconds timeout) {
    spawn();
    const auto deadline = Clock::now() + timeout;
    while (true) {
        const std::string out = stdout_text();
        const std::size_t at = out.find(listening_prefix);
        const std::size_t end = at == std::string::npos ? at : out.find('\n', at);
        if (end != std::string::npos) {
            const std::string line = out.substr(at, end - at);
            port_ = static_cast<std::uint16_t>(std::stoul(line.substr(line.rfind(':') + 1)));
            return;
        }
        if (const auto code = wait_exit(std::chrono::milliseconds(0)))
            throw HarnessError("kestra-harness exited with code " + std::to_string(*code) +
                               " before listening:\n" + log());
        if (Clock::now() >= deadline) {
            kill9();
            throw HarnessError("kestra-harness did not print 'listening on' in time:\n" + log());
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

std::optional<int> HarnessProcess::wait_exit(std::chrono::milliseconds timeout) {
    if (!running()) return exit_code_;
    const auto deadline = Clock::now() + timeout;
    while (true) {
        int status = 0;
        const pid_t done = waitpid(pid_, &status, WNOHANG);
        if (done == pid_) {
            check_child_output(stderr_text(), pid_);
            pid_ = -1;
            exit_code_ = decode_status(status);
            return exit_code_;
        }
        if (done < 0 && errno != EINTR) {
            pid_ = -1;
            exit_code_ = -1;
            return exit_code_;
        }
        if (Clock::now() >= deadline) return std::nullopt;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
}

void HarnessProcess::send_signal(int signal_number) {
    if (running()) ::kill(pid_, signal_number);
}

int HarnessProcess::stop(std::chrono::milliseconds timeout) {
    if (!running()) return exit_code_.value_or(-1);
    send_signal(SIGTERM);
    if (const auto code = wait_exit(timeout)) return *code;
    return kill9();
}

int HarnessProcess::kill9() {
    if (!running()) return exit_code_.value_or(-1);
    send_signal(SIGKILL);
    return wait_exit(std::chrono::seconds(30)).value_or(-1);
}

std::string HarnessProcess::base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

std::uint64_t HarnessProcess::rss_bytes() const {
    std::ifstream status("/proc/" + std::to_string(pid_) + "/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("VmRSS:", 0) != 0) continue;
        return std::stoull(line.substr(6)) * 1024;  // "VmRSS:  1234 kB"
    }
    throw HarnessError("no VmRSS for pid " + std::to_string(pid_));
}

std::string HarnessProcess::admin_authorization() const {
    return basic_auth(options_.admin_username, options_.admin_password);
}

std::string HarnessProcess::read_from(const fs::path& file, std::uintmax_t offset) const {
    std::ifstream in(file, std::ios::binary);
    if (!in) return {};
    in.seekg(static_cast<std::streamoff>(offset));
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string HarnessProcess::stdout_text() const { return read_from(dir_ / "stdout.log", stdout_offset_); }

std::string HarnessProcess::stderr_text() const { return read_from(dir_ / "stderr.log", stderr_offset_); }

std::string HarnessProcess::log() const { return stdout_text() + stderr_text(); }

std::string HarnessProcess::full_log() const { return read_from(dir_ / "stdout.log", 0) + read_from(dir_ / "stderr.log", 0); }

bool HarnessProcess::wait_for_log(std::string_view needle, std::chrono::milliseconds timeout,
                                  std::size_t count) const {
    const auto deadline = Clock::now() + timeout;
    const auto occurrences = [&] {
        const std::string text = log();
        std::size_t found = 0;
        for (auto at = text.find(needle); at != std::string::npos && found < count; at = text.find(needle, at + 1)) {
            ++found;
        }
        return found;
    };
    while (occurrences() < count) {
        if (Clock::now() >= deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return true;
}

}  // namespace kestra::test
