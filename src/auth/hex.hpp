// hex.hpp - lowercase hex encoding and strict decoding. Pure; depends on nothing.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace tsna::auth {

std::string to_hex(std::span<const std::uint8_t> bytes);
void append_hex(std::string& out, std::span<const std::uint8_t> bytes);

// Decodes exactly out.size() bytes from 2*out.size() lowercase hex characters. Returns false
// (leaving `out` unspecified) on a wrong length or any other character, uppercase included.
bool from_hex(std::string_view hex, std::span<std::uint8_t> out);

}  // namespace tsna::auth
