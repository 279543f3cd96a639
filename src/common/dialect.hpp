// dialect.hpp - the two wire dialects a connection can speak (SPEC 1). Depends on nothing.
#pragma once

#include <string_view>

namespace tsna {

enum class Dialect {
  kClassic,  // the seed's unframed byte-compatible dialect
  kTsna2,    // line-framed, hash never sent at login
};

inline std::string_view dialect_name(Dialect d) {
  return d == Dialect::kClassic ? "classic" : "tsna2";
}

}  // namespace tsna
