// The harness's tenant list, persisted as <data-dir>/tenants.json so that
// tenants created at run time survive a restart.
#pragma once

#include <filesystem>
#include <set>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

namespace kestra::harness {

class TenantStore {
public:
    // Creates the data directory if needed and loads the list; throws std::runtime_error.
    explicit TenantStore(const std::filesystem::path& data_dir);

    static bool valid_id(std::string_view id);  // ^[a-z0-9][a-z0-9_-]{0,62}$

    // [thread-safe]
    bool exists(std::string_view id) const;
    std::vector<std::string> list() const;
    // Persist before returning; false when the tenant already exists / does not exist.
    bool add(const std::string& id);
    bool remove(std::string_view id);

private:
    void persist(const std::set<std::string, std::less<>>& ids) const;

    std::filesystem::path file_;
    mutable std::shared_mutex mutex_;
    std::set<std::string, std::less<>> ids_;
};

}  // namespace kestra::harness
