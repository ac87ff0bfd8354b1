// Address literals in tests: a typo stops the test at once instead of becoming an empty optional.
#pragma once
#include <stdexcept>
#include <string>

#include "v6c/wire/addr.hpp"

namespace v6c::test {

using wire::Ip6;
using wire::Mac;

inline wire::Ip6 ip(const char* text) {
  const auto a = wire::Ip6::parse(text);
  if (!a) throw std::invalid_argument(std::string("not an IPv6 address literal: ") + text);
  return *a;
}

inline wire::Mac mac(const char* text) {
  const auto m = wire::Mac::parse(text);
  if (!m) throw std::invalid_argument(std::string("not a MAC address literal: ") + text);
  return *m;
}

}  // namespace v6c::test
