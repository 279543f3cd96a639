// gsasl_session.cpp - the shared GNU SASL context (created once, never written after) and the
// RAII session over it, whose callback hands each property request to the session's owner.
#include "auth/gsasl_session.hpp"

#include <new>
#include <stdexcept>

namespace tsna::auth::detail {
namespace {

// The one callback of the context: the session's hook is its PropertyAnswerer.
int dispatch(Gsasl* /*context*/, Gsasl_session* session, Gsasl_property property) {
  auto* answerer = static_cast<PropertyAnswerer*>(gsasl_session_hook_get(session));
  return answerer != nullptr ? answerer->answer(session, property) : GSASL_NO_CALLBACK;
}

// One context for every thread. GNU SASL writes to a context only in gsasl_init (which
// registers the mechanisms) and gsasl_callback_set; both run here once, under the thread-safe
// initialisation of a function-local static, which also orders them before any use. After
// that, starting a session reads the context's mechanism table and the callback pointer, and
// everything a step touches belongs to its own session (2.2.0: lib/src/xstart.c, callback.c,
// lib/scram/*.c); its randomness (nonces, a default salt) comes from getrandom(2). The manual
// says as much: "multiple library handles and session handles may be used in parallel". A
// context per thread would also leave a session dangling when the thread that made it exits
// first. The context lives until the process ends: no session can outlive it.
Gsasl* shared_context() {
  static Gsasl* const context = [] {
    if (gsasl_check_version("2.2.0") == nullptr) {
      // Older releases read StoredKey/ServerKey and salted passwords differently.
      throw std::runtime_error("auth: GNU SASL 2.2.0 or later is needed");
    }
    Gsasl* made = nullptr;
    const int rc = gsasl_init(&made);
    if (rc != GSASL_OK) {
      throw std::runtime_error(std::string("auth: GNU SASL does not start: ") + gsasl_strerror(rc));
    }
    gsasl_callback_set(made, dispatch);
    return made;
  }();
  return context;
}

}  // namespace

GsaslSession::GsaslSession(Role role, const char* mechanism, PropertyAnswerer& answerer) {
  Gsasl* context = shared_context();
  const int rc = role == Role::kClient ? gsasl_client_start(context, mechanism, &session_)
                                       : gsasl_server_start(context, mechanism, &session_);
  if (rc != GSASL_OK) {
    session_ = nullptr;
    throw std::runtime_error(std::string("auth: GNU SASL cannot start ") + mechanism + ": " +
                             gsasl_strerror(rc));
  }
  gsasl_session_hook_set(session_, &answerer);
}

GsaslSession::~GsaslSession() {
  gsasl_finish(session_);
}

void GsaslSession::set(Gsasl_property property, const std::string& value) {
  if (gsasl_property_set_raw(session_, property, value.data(), value.size()) != GSASL_OK) {
    throw std::bad_alloc();
  }
}

const char* GsaslSession::peek(Gsasl_property property) const {
  return gsasl_property_fast(session_, property);
}

int GsaslSession::step(std::string_view input, std::string& out) {
  out.clear();
  char* output = nullptr;
  std::size_t output_len = 0;
  const int rc = gsasl_step(session_, input.data(), input.size(), &output, &output_len);
  if ((rc == GSASL_OK || rc == GSASL_NEEDS_MORE) && output != nullptr) {
    out.assign(output, output_len);
  }
  gsasl_free(output);
  return rc;
}

std::string_view error_name(int code) {
  const char* name = gsasl_strerror_name(code);
  return name != nullptr ? std::string_view(name) : std::string_view("GSASL_UNKNOWN_ERROR");
}

}  // namespace tsna::auth::detail
