#include "tenant_store.hpp"

#include <boost/json.hpp>

#include <fstream>
#include <mutex>
#include <sstream>
#include <stdexcept>

namespace kestra::harness {

namespace fs = std::filesystem;

TenantStore::TenantStore(const fs::path& data_dir) : file_(data_dir / "tenants.json") {
    std::error_code ec;
    fs::create_directories(data_dir, ec);
    if (ec) throw std::runtime_error("cannot create data directory '" + data_dir.string() + "': " + ec.message());
    if (!fs::exists(file_)) return;

    std::ifstream in(file_);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in) throw std::runtime_error("cannot read '" + file_.string() + "'");
    boost::system::error_code parse_error;
    const boost::json::value root = boost::json::parse(text.str(), parse_error);
    const auto* object = root.if_object();
    const auto* tenants = object ? object->if_contains("tenants") : nullptr;
    if (parse_error || !tenants || !tenants->is_array())
        throw std::runtime_error("'" + file_.string() + "' is not a harness tenant file");
    for (const auto& id : tenants->get_array()) {
        if (!id.is_string() || !valid_id(id.get_string()))
            throw std::runtime_error("'" + file_.string() + "' holds an invalid tenant id");
        ids_.emplace(id.get_string());
    }
}

bool TenantStore::valid_id(std::string_view id) {
    if (id.empty() || id.size() > 63) return false;
    for (std::size_t i = 0; i < id.size(); ++i) {
        const char c = id[i];
        const bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (!alnum && (i == 0 || (c != '_' && c != '-'))) return false;
    }
    return true;
}

bool TenantStore::exists(std::string_view id) const {
    std::shared_lock lock(mutex_);
    return ids_.find(id) != ids_.end();
}

std::vector<std::string> TenantStore::list() const {
    std::shared_lock lock(mutex_);
    return {ids_.begin(), ids_.end()};
}

bool TenantStore::add(const std::string& id) {
    std::unique_lock lock(mutex_);
    if (ids_.count(id)) return false;
    auto next = ids_;
    next.insert(id);
    persist(next);
    ids_ = std::move(next);
    return true;
}

bool TenantStore::remove(std::string_view id) {
    std::unique_lock lock(mutex_);
    auto next = ids_;
    const auto it = next.find(id);
    if (it == next.end()) return false;
    next.erase(it);
    persist(next);
    ids_ = std::move(next);
    return true;
}

void TenantStore::persist(const std::set<std::string, std::less<>>& ids) const {
    boost::json::array tenants;
    for (const auto& id : ids) tenants.emplace_back(id);
    const std::string text = boost::json::serialize(boost::json::object{{"tenants", std::move(tenants)}}) + "\n";

    const fs::path temporary = file_.string() + ".tmp";
    {
        std::ofstream out(temporary, std::ios::trunc);
        out << text;
        out.flush();
        if (!out) throw std::runtime_error("cannot write '" + temporary.string() + "'");
    }
    std::error_code ec;
    fs::rename(temporary, file_, ec);
    if (ec) throw std::runtime_error("cannot replace '" + file_.string() + "': " + ec.message());
}

}  // namespace kestra::harness
