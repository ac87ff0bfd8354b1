#include "v6c/catalog/catalog.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "v6c/catalog/checks.hpp"

namespace v6c::catalog {

CatalogError::CatalogError(std::string file_, int line_, std::string field_, const std::string& message)
    : std::runtime_error(file_ + (line_ > 0 ? ":" + std::to_string(line_) : "") + ": " +
                         (field_.empty() ? "" : "field '" + field_ + "': ") + message),
      file(std::move(file_)),
      field(std::move(field_)),
      line(line_) {}

const Requirement* Catalog::find(std::string_view id) const {
  for (const auto& r : requirements)
    if (r.id == id) return &r;
  return nullptr;
}

namespace {

constexpr std::string_view kDraftScs = "draft";
constexpr std::string_view kDraftScsNamed = "draft:";  // draft:NAME: the draft's prefix + NAME
constexpr std::string_view kNoScs = "none";
// scs-0003: a testcase id is the standard's number, then the testcase's name.
const std::regex kScsTestcaseId("scs-[0-9]{4}-[a-z0-9][a-z0-9-]*");
const std::regex kScsTestcaseName("[a-z0-9][a-z0-9-]*");
// The unnumbered draft's prefix: numbered, or the placeholder scs-xxxx-.
const std::regex kScsDraftPrefix("scs-([0-9]{4}|xxxx)-([a-z0-9][a-z0-9-]*-)?");
const std::set<std::string> kTopKeys = {"schema", "version", "scs_draft_prefix", "requirements"};
const std::set<std::string> kRequirementKeys = {"id",    "level",  "source", "text",   "section",
                                                "check", "params", "scs",    "enabled"};
// yaml-cpp tags quoted scalars "!" and plain ones "?": a quoted "2000" is a string, not a number.
constexpr std::string_view kQuotedTag = "!";

// 1 for 1.0, 0.5 for 0.5: bounds as a person would write them.
std::string number_text(double v) {
  std::ostringstream out;
  out << v;
  return out.str();
}

// Everything the loader needs to point at a place in the file.
struct Reader {
  const std::string& file;

  int line_of(const YAML::Node& n) const { return n.Mark().line + 1; }

  [[noreturn]] void fail(const YAML::Node& at, const std::string& field, const std::string& message) const {
    throw CatalogError(file, line_of(at), field, message);
  }

  std::string scalar(const YAML::Node& map, const std::string& key, const std::string& context,
                     bool required = true) const {
    const YAML::Node n = map[key];
    if (!n) {
      if (required) fail(map, key, "missing (" + context + ")");
      return "";
    }
    if (!n.IsScalar()) fail(n, key, "must be a single value, not a list or map (" + context + ")");
    auto text = n.as<std::string>();
    if (required && text.empty()) fail(n, key, "is empty (" + context + ")");
    return text;
  }

  // A map key as text: a list or map as key is malformed, not an internal error.
  std::string key_of(const YAML::Node& key, const std::string& context) const {
    if (!key.IsScalar()) fail(key, "", "a key must be a plain name, not a list or map (" + context + ")");
    return key.Scalar();
  }

  // yaml-cpp keeps the first of two equal keys and drops the second without a word: a user
  // who appends `level: MAY` to change a level would see no change. Refuse it instead.
  void unique_keys(const YAML::Node& map, const std::string& context, const std::string& prefix = "") const {
    std::set<std::string> seen;
    for (const auto& kv : map) {
      auto key = key_of(kv.first, context);
      if (!seen.insert(key).second) fail(kv.first, prefix + key, "duplicate key (" + context + ")");
    }
  }

  void only_keys(const YAML::Node& map, const std::set<std::string>& allowed, const std::string& context) const {
    unique_keys(map, context);
    for (const auto& kv : map) {
      auto key = key_of(kv.first, context);
      if (!allowed.contains(key)) {
        std::string known;
        for (const auto& k : allowed) known += (known.empty() ? "" : ", ") + k;
        fail(kv.first, key, "unknown key (" + context + "; known: " + known + ")");
      }
    }
  }

  void in_bounds(const YAML::Node& n, const ParamSpec& spec, double v, const std::string& context) const {
    const std::string field = "params." + spec.name;
    if (v < 0) fail(n, field, "must not be negative (" + context + ")");
    if (spec.minimum && v < *spec.minimum)
      fail(n, field, "must be at least " + number_text(*spec.minimum) + " (" + context + "; " + spec.doc + ")");
    if (spec.maximum && v > *spec.maximum)
      fail(n, field, "must be at most " + number_text(*spec.maximum) + " (" + context + "; " + spec.doc + ")");
  }

  void known_value(const YAML::Node& n, const ParamSpec& spec, const std::string& context) const {
    if (spec.allowed.empty() || std::find(spec.allowed.begin(), spec.allowed.end(), n.Scalar()) != spec.allowed.end())
      return;
    std::string known;
    for (const auto& a : spec.allowed) known += (known.empty() ? "" : ", ") + a;
    fail(n, "params." + spec.name, "unknown value '" + n.Scalar() + "' (" + context + "; known: " + known + ")");
  }

  nlohmann::json param_value(const YAML::Node& n, const ParamSpec& spec, const std::string& context) const {
    const std::string field = "params." + spec.name;
    const std::string want = "must be " + std::string(to_string(spec.type)) + " (" + context + ")";
    auto plain = [&] { return n.IsScalar() && n.Tag() != kQuotedTag; };
    try {
      switch (spec.type) {
        case ParamType::integer: {
          if (!plain()) fail(n, field, want);
          auto v = n.as<long long>();
          in_bounds(n, spec, static_cast<double>(v), context);
          return v;
        }
        case ParamType::number: {
          if (!plain()) fail(n, field, want);
          auto v = n.as<double>();
          if (!std::isfinite(v)) fail(n, field, "must be a finite number, not " + n.Scalar() + " (" + context + ")");
          in_bounds(n, spec, v, context);
          return v;
        }
        case ParamType::boolean:
          if (!plain()) fail(n, field, want);
          return n.as<bool>();
        case ParamType::string:
          if (!n.IsScalar()) fail(n, field, want);
          known_value(n, spec, context);
          return n.as<std::string>();
        case ParamType::string_list: {
          if (!n.IsSequence()) fail(n, field, want);
          auto list = nlohmann::json::array();
          for (const auto& item : n) {
            if (!item.IsScalar()) fail(item, field, want);
            known_value(item, spec, context);
            list.push_back(item.as<std::string>());
          }
          return list;
        }
      }
    } catch (const YAML::BadConversion&) {
      fail(n, field, want);
    }
    fail(n, field, want);
  }

  Requirement requirement(const YAML::Node& n, std::size_t index) const {
    std::string context = "requirement #" + std::to_string(index + 1);
    if (!n.IsMap()) fail(n, "", context + " must be a map of fields");
    only_keys(n, kRequirementKeys, context);
    Requirement r;
    r.line = line_of(n);
    r.id = scalar(n, "id", context);
    context = "requirement '" + r.id + "'";

    auto level_text = scalar(n, "level", context);
    auto level = parse_level(level_text);
    if (!level) fail(n["level"], "level", "bad level '" + level_text + "' (" + context + "; want MUST, SHOULD or MAY)");
    r.level = *level;

    r.source = scalar(n, "source", context);
    r.text = scalar(n, "text", context);

    const auto section_text = scalar(n, "section", context);
    const auto section = parse_section(section_text);
    if (!section) {
      std::string known;
      for (auto s : kSections) known += (known.empty() ? "" : ", ") + std::string(to_string(s));
      fail(n["section"], "section", "unknown section '" + section_text + "' (" + context + "; want one of " + known + ")");
    }
    r.section = *section;

    r.check = scalar(n, "check", context);
    const CheckSpec* check = find_check(r.check);
    if (!check) fail(n["check"], "check", "unknown check '" + r.check + "' (" + context + ")");

    r.params = nlohmann::json::object();
    if (const YAML::Node params = n["params"]) {
      if (!params.IsMap()) fail(params, "params", "must be a map of parameter: value (" + context + ")");
      unique_keys(params, context, "params.");
      for (const auto& kv : params) {
        auto name = key_of(kv.first, context);
        auto spec = std::find_if(check->params.begin(), check->params.end(),
                                 [&](const ParamSpec& p) { return p.name == name; });
        if (spec == check->params.end()) {
          std::string known;
          for (const auto& p : check->params) known += (known.empty() ? "" : ", ") + p.name;
          fail(kv.first, "params." + name,
               "check '" + r.check + "' has no such parameter (" + context + "; it takes: " +
                   (known.empty() ? "none" : known) + ")");
        }
        r.params[name] = param_value(kv.second, *spec, context);
      }
    }
    for (const auto& spec : check->params)
      if (!r.params.contains(spec.name)) r.params[spec.name] = spec.default_value;

    r.scs = scalar(n, "scs", context, false);
    if (r.scs == kNoScs) r.scs.clear();
    if (r.scs == kDraftScs) r.scs = std::string(kDraftScsNamed) + r.id;
    const bool named_draft = r.scs.starts_with(kDraftScsNamed);
    if (!r.scs.empty() && !std::regex_match(named_draft ? r.scs.substr(kDraftScsNamed.size()) : r.scs,
                                            named_draft ? kScsTestcaseName : kScsTestcaseId))
      fail(n["scs"], "scs", "'" + r.scs + "' is not an SCS testcase id (" + context +
                                "; want scs-NNNN-name as scs-0003 numbers them, draft:name, draft or none)");

    if (const YAML::Node enabled = n["enabled"]) {
      try {
        if (!enabled.IsScalar() || enabled.Tag() == kQuotedTag) throw YAML::BadConversion(enabled.Mark());
        r.enabled = enabled.as<bool>();
      } catch (const YAML::BadConversion&) {
        fail(enabled, "enabled", "must be true or false (" + context + ")");
      }
    }
    return r;
  }
};

Catalog parse_checked(const std::string& yaml_text, const std::string& file_name) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::ParserException& e) {
    throw CatalogError(file_name, e.mark.line + 1, "", "YAML syntax error: " + e.msg);
  }
  Reader rd{file_name};
  if (!root || root.IsNull()) throw CatalogError(file_name, 1, "", "the catalogue is empty");
  if (!root.IsMap()) rd.fail(root, "", "the catalogue must be a map with a 'requirements' list");
  rd.only_keys(root, kTopKeys, "catalogue");

  Catalog c;
  c.file = file_name;
  auto schema = rd.scalar(root, "schema", "catalogue");
  if (schema != kCatalogSchema)
    rd.fail(root["schema"], "schema", "'" + schema + "' is not " + std::string(kCatalogSchema));
  c.version = rd.scalar(root, "version", "catalogue");
  if (root["scs_draft_prefix"]) {
    c.scs_draft_prefix = rd.scalar(root, "scs_draft_prefix", "catalogue");
    if (!std::regex_match(c.scs_draft_prefix, kScsDraftPrefix))
      rd.fail(root["scs_draft_prefix"], "scs_draft_prefix",
              "'" + c.scs_draft_prefix + "' is not scs-NNNN- (the standard's number) or the placeholder scs-xxxx-");
  }

  const YAML::Node reqs = root["requirements"];
  if (!reqs) rd.fail(root, "requirements", "missing (catalogue)");
  if (!reqs.IsSequence()) rd.fail(reqs, "requirements", "must be a list of requirements");
  if (reqs.size() == 0) rd.fail(reqs, "requirements", "the list is empty");

  std::set<std::string> seen;
  for (std::size_t i = 0; i < reqs.size(); ++i) {
    Requirement r = rd.requirement(reqs[i], i);
    if (!seen.insert(r.id).second)
      rd.fail(reqs[i]["id"], "id", "duplicate id '" + r.id + "' (first defined at line " +
                                        std::to_string(c.find(r.id)->line) + ")");
    c.requirements.push_back(std::move(r));
  }
  return c;
}

}  // namespace

Catalog parse_catalog(const std::string& yaml_text, const std::string& file_name) {
  try {
    return parse_checked(yaml_text, file_name);
  } catch (const YAML::Exception& e) {
    // Whatever yaml-cpp still throws is a malformed file: the config-error path, never exit 5.
    throw CatalogError(file_name, e.mark.is_null() ? 0 : e.mark.line + 1, "", e.msg);
  }
}

Catalog load_catalog(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw CatalogError(file.string(), 0, "", "cannot read the file");
  std::stringstream text;
  text << in.rdbuf();
  return parse_catalog(text.str(), file.string());
}

std::filesystem::path default_catalog_path() {
  namespace fs = std::filesystem;
  std::error_code ec;
  // Installed: relative to the binary, so any prefix (/usr from the .deb, /usr/local or a
  // --prefix of cmake --install) works, and a source tree left on the machine is not read.
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    fs::path installed = exe.parent_path() / V6C_DATA_DIR_FROM_BIN / "catalog.yaml";
    if (fs::exists(installed, ec)) return installed.lexically_normal();
  }
  fs::path in_tree = fs::path(V6C_SOURCE_DIR) / "data" / "catalog.yaml";  // a build tree
  if (fs::exists(in_tree, ec)) return in_tree;
  return fs::path(V6C_DATA_DIR) / "catalog.yaml";  // named in the error when neither exists
}

void switch_off_section(Catalog& c, Section section, const std::string& why) {
  for (auto& r : c.requirements)
    if (r.section == section && r.enabled) {
      r.enabled = false;
      r.off_reason = why;
    }
}

std::vector<const Requirement*> select(const Catalog& c, const std::vector<Section>& sections,
                                       const std::vector<Level>& levels, bool include_disabled) {
  std::vector<const Requirement*> out;
  for (const auto& r : c.requirements) {
    if (!r.enabled && !include_disabled) continue;
    if (!sections.empty() && std::find(sections.begin(), sections.end(), r.section) == sections.end()) continue;
    if (!levels.empty() && std::find(levels.begin(), levels.end(), r.level) == levels.end()) continue;
    out.push_back(&r);
  }
  return out;
}

void select_slow_section(Catalog& c, bool selected, const std::string& why_not) {
  if (!selected) switch_off_section(c, Section::slow, why_not);
}

bool section_enabled(const Catalog& c, Section section) {
  return std::any_of(c.requirements.begin(), c.requirements.end(),
                     [&](const Requirement& r) { return r.enabled && r.section == section; });
}

bool check_enabled(const Catalog& c, std::string_view check) {
  return std::any_of(c.requirements.begin(), c.requirements.end(),
                     [&](const Requirement& r) { return r.enabled && r.check == check; });
}

std::vector<std::string> select_scs_testcases(Catalog& c, const std::vector<std::string>& ids) {
  std::vector<std::string> unknown = ids;
  for (auto& r : c.requirements) {
    const auto id = c.scs_id(r);
    std::erase(unknown, id);
    if (!r.enabled || (!id.empty() && std::find(ids.begin(), ids.end(), id) != ids.end())) continue;
    r.enabled = false;
    r.off_reason = "not among the requested SCS testcases";
  }
  return unknown;
}

std::string Catalog::scs_id(const Requirement& r) const {
  if (r.scs.starts_with(kDraftScsNamed)) return scs_draft_prefix + r.scs.substr(kDraftScsNamed.size());
  return r.scs;
}

}  // namespace v6c::catalog
