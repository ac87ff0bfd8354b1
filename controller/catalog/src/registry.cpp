#include <algorithm>

#include "v6c/catalog/checks.hpp"

namespace v6c::catalog {

std::string_view to_string(ParamType t) {
  switch (t) {
    case ParamType::integer: return "an integer";
    case ParamType::number: return "a number";
    case ParamType::boolean: return "true or false";
    case ParamType::string: return "a string";
    case ParamType::string_list: return "a list of strings";
  }
  return "?";
}

const std::vector<CheckSpec>& check_registry() {
  static const std::vector<CheckSpec> all = [] {
    std::vector<CheckSpec> v;
    for (auto family : {ra_checks, address_checks, connectivity_checks, security_checks, api_checks})
      for (auto& c : family()) v.push_back(std::move(c));
    return v;
  }();
  return all;
}

const CheckSpec* find_check(std::string_view name) {
  const auto& all = check_registry();
  auto it = std::find_if(all.begin(), all.end(), [&](const CheckSpec& c) { return c.name == name; });
  return it == all.end() ? nullptr : &*it;
}

}  // namespace v6c::catalog
