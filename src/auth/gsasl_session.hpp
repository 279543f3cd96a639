// gsasl_session.hpp - internal to auth/: the process's one GNU SASL context and one session of
// it, whose property requests go to the wrapper that owns the session. Includes <gsasl.h>, so
// only auth/*.cpp may include it (tests/repo/layering_rules.cpp); no other header of auth does.
#pragma once

#include <gsasl.h>

#include <string>
#include <string_view>

namespace tsna::auth::detail {

// Answers GNU SASL's property requests for one session. GNU SASL calls it synchronously
// inside GsaslSession::step, on the stepping thread; it returns a GSASL_* code as a GNU SASL
// callback does (GSASL_NO_CALLBACK: "I have no value for that"). Must not throw.
class PropertyAnswerer {
 public:
  virtual int answer(Gsasl_session* session, Gsasl_property property) noexcept = 0;

 protected:
  ~PropertyAnswerer() = default;
};

enum class Role { kClient, kServer };

// One client or server session of the shared context (gsasl_session.cpp says why one context
// serves every thread). Not thread safe: one thread at a time steps it, any thread.
class GsaslSession {
 public:
  // Starts `mechanism` ("SCRAM-SHA-256", "SCRAM-SHA-256-PLUS"); `answerer` must outlive the
  // session. Throws std::runtime_error when GNU SASL cannot start it.
  GsaslSession(Role role, const char* mechanism, PropertyAnswerer& answerer);
  ~GsaslSession();
  GsaslSession(const GsaslSession&) = delete;
  GsaslSession& operator=(const GsaslSession&) = delete;

  // Sets a property before a step (GNU SASL copies the value). Throws std::bad_alloc.
  void set(Gsasl_property property, const std::string& value);
  // The property's value as GNU SASL holds it, without asking the answerer; nullptr if unset.
  const char* peek(Gsasl_property property) const;

  // One step on raw (decoded) bytes: GSASL_NEEDS_MORE or GSASL_OK with the next message in
  // `out` (possibly empty), or a GSASL_* error with `out` empty.
  int step(std::string_view input, std::string& out);

 private:
  Gsasl_session* session_ = nullptr;
};

// "GSASL_AUTHENTICATION_ERROR" for a GSASL_* code: the failure reasons the wrappers report.
std::string_view error_name(int code);

}  // namespace tsna::auth::detail
