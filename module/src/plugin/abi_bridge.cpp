#include "plugin/abi_bridge.hpp"

#include "scim/error_response.hpp"

#include <cstddef>
#include <exception>

namespace kestra::plugin {
namespace {

kestra_log_level to_level(ports::LogLevel level) {
  switch (level) {
    case ports::LogLevel::Debug: return KESTRA_LOG_DEBUG;
    case ports::LogLevel::Info: return KESTRA_LOG_INFO;
    case ports::LogLevel::Warn: return KESTRA_LOG_WARN;
    case ports::LogLevel::Error: return KESTRA_LOG_ERROR;
  }
  return KESTRA_LOG_INFO;
}

#define KESTRA_FIELD_END(type, field) (offsetof(type, field) + sizeof(((type*)nullptr)->field))

}  // namespace

void HostBridge::log(ports::LogLevel level, std::string_view message) const {
  host_->log(host_, to_level(level), to_str(message));
}

bool HostBridge::tenant_exists(std::string_view tenant) const {
  return host_->tenant_exists(host_, to_str(tenant)) == KESTRA_OK;
}

void HostBridge::emit_event(std::string_view type, std::string_view tenant, std::string_view subject,
                            std::string_view payload_json) const {
  kestra_event event{};
  event.struct_size = sizeof(kestra_event);
  event.type = to_str(type);
  event.tenant = to_str(tenant);
  event.subject = to_str(subject);
  event.payload_json = to_str(payload_json);
  host_->emit_event(host_, &event);
}

std::optional<std::string> HostBridge::get(std::string_view dotted_key) const {
  struct Collect {
    std::string value;
    int count = 0;
  } collect;
  auto fn = [](void* ctx, kestra_str value) {
    auto* c = static_cast<Collect*>(ctx);
    if (c->count++ > 0) c->value.push_back(',');
    c->value.append(to_view(value));
  };
  if (host_->config_get(host_, to_str(dotted_key), fn, &collect) != KESTRA_OK) return std::nullopt;
  return collect.value;
}

http::Request to_request(const kestra_request& req, http::Principal& principal_storage) {
  http::Request out;
  out.method = to_view(req.method);
  out.path = to_view(req.path);
  out.query = to_view(req.query);
  out.body = to_view(req.body);
  for (std::size_t i = 0; i < req.header_count; ++i) {
    out.headers.emplace_back(to_view(req.headers[i].name), to_view(req.headers[i].value));
  }
  for (std::size_t i = 0; i < req.path_param_count; ++i) {
    out.params.emplace_back(to_view(req.path_params[i].name), to_view(req.path_params[i].value));
  }
  if (req.principal) {
    const auto& p = *req.principal;
    principal_storage.subject = std::string(to_view(p.subject));
    principal_storage.superadmin = (p.flags & KESTRA_PRINCIPAL_SUPERADMIN) != 0;
    for (std::size_t i = 0; i < p.tenant_count; ++i) principal_storage.tenants.emplace_back(to_view(p.tenants[i]));
    out.principal = &principal_storage;
  }
  out.request_id = to_view(req.request_id);
  if (has_field(req.struct_size, KESTRA_FIELD_END(kestra_request, remote_address))) {
    out.remote_address = to_view(req.remote_address);
  }
  if (has_field(req.struct_size, KESTRA_FIELD_END(kestra_request, scheme)) && req.scheme.len > 0) {
    out.scheme = to_view(req.scheme);
  }
  return out;
}

namespace {

// A produced body goes to the host in pieces of at least this size (the
// last excepted): one write_body per member would cost a call, and a chunk
// on the wire, for every few dozen bytes.
constexpr std::size_t kBodyPiece = 64 * 1024;

kestra_status write_head(const kestra_response& res, const http::Response& response) {
  kestra_status st = res.set_status(&res, static_cast<uint32_t>(response.status));
  if (st != KESTRA_OK) return st;
  for (const auto& [name, value] : response.headers) {
    st = res.add_header(&res, to_str(name), to_str(value));
    if (st != KESTRA_OK) return st;
  }
  return KESTRA_OK;
}

void log_answer(const HostBridge& host, const http::Request& request, const http::Response& response) {
  if (response.log_detail.empty()) return;
  host.log(response.status >= 500 && response.status != 503 ? ports::LogLevel::Error : ports::LogLevel::Warn,
           "kestra-scim: " + std::string(request.method) + " " + std::string(request.path) + " answered " +
               std::to_string(response.status) + ": " + response.log_detail);
}

// Writes a response whose body is produced piece by piece.  The head waits
// for the first full piece (a small body still goes out in one write_body),
// so an error before it is answered as an error; an error after it can only
// cut the body short: it is logged, and a non-OK status tells the host to
// end the response as incomplete.
kestra_status write_produced(const kestra_response& res, const http::Response& response, const HostBridge& host,
                             const http::Request& request) {
  std::string piece;
  piece.reserve(kBodyPiece);
  bool head_sent = false;
  kestra_status io = KESTRA_OK;
  const auto flush = [&]() -> bool {
    if (!head_sent) {
      head_sent = true;
      io = write_head(res, response);
      if (io != KESTRA_OK) return false;
    }
    if (piece.empty()) return true;
    io = res.write_body(&res, to_str(piece));
    piece.clear();
    return io == KESTRA_OK;
  };
  const auto produced = response.producer([&](std::string_view bytes) {
    if (io != KESTRA_OK) return false;
    piece.append(bytes);
    return piece.size() < kBodyPiece || flush();
  });
  if (io != KESTRA_OK) return io;  // the client went away (or the host refused): stop here
  if (!produced) {
    if (!head_sent) {
      auto error = scim::error_response(produced.error());
      log_answer(host, request, error);
      return write_response(res, error);
    }
    host.log(ports::LogLevel::Error, "kestra-scim: " + std::string(request.method) + " " + std::string(request.path) +
                                       " failed after its response began (" + std::to_string(response.status) +
                                       " sent; body cut short): " + produced.error().detail);
    return KESTRA_ERR_INTERNAL;
  }
  return flush() ? KESTRA_OK : io;
}

}  // namespace

kestra_status write_response(const kestra_response& res, const http::Response& response) {
  const kestra_status st = write_head(res, response);
  if (st != KESTRA_OK) return st;
  if (response.body.empty()) return KESTRA_OK;
  return res.write_body(&res, to_str(response.body));
}

namespace {

// A handler or admit threw: a bare 500 (the reason goes to the log only).
kestra_status answer_exception(const kestra_response& res, const HostBridge& host, const char* what) noexcept {
  if (what) {
    try {
      host.log(ports::LogLevel::Error, std::string("kestra-scim: request failed: ") + what);
      return write_response(res, scim::error_response(Error::internal(what)));
    } catch (...) {
      return KESTRA_ERR_INTERNAL;
    }
  }
  try {
    return write_response(res, scim::error_response(Error::internal("unknown exception")));
  } catch (...) {
    return KESTRA_ERR_INTERNAL;
  }
}

// Runs `answer` on the host's request, converted; an exception becomes a
// 500 answer (none crosses the ABI).
template <class Answer>
kestra_status guarded(const kestra_request* req, const kestra_response* res, const HostBridge& host,
                      const Answer& answer) noexcept {
  if (!req || !res) return KESTRA_ERR_INVALID_ARGUMENT;
  try {
    http::Principal principal;
    return answer(to_request(*req, principal));
  } catch (const std::exception& e) {
    return answer_exception(*res, host, e.what());
  } catch (...) {
    return answer_exception(*res, host, nullptr);
  }
}

}  // namespace

kestra_status dispatch(const http::Handler& handler, const kestra_request* req, const kestra_response* res,
                       const HostBridge& host) noexcept {
  return guarded(req, res, host, [&](const http::Request& request) -> kestra_status {
    const auto response = handler(request);
    log_answer(host, request, response);
    if (response.producer) return write_produced(*res, response, host, request);
    return write_response(*res, response);
  });
}

kestra_status dispatch_admission(const http::Admission& admit, const kestra_request* req, const kestra_response* res,
                                 const HostBridge& host) noexcept {
  return guarded(req, res, host, [&](const http::Request& request) -> kestra_status {
    const auto refusal = admit(request);
    if (!refusal) return KESTRA_OK;
    log_answer(host, request, *refusal);
    return write_response(*res, *refusal);
  });
}

}  // namespace kestra::plugin
