// The requirements catalogue: data (data/catalog.yaml or the user's --catalog file), loaded
// and validated once so that every later step can trust it.
#pragma once
#include <array>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "v6c/catalog/verdict.hpp"

namespace v6c::catalog {

inline constexpr std::string_view kCatalogSchema = "v6conform-catalog/1";
inline constexpr std::string_view kDefaultScsDraftPrefix = "scs-xxxx-v6-";

struct Requirement {
  std::string id;
  Level level = Level::must;
  std::string source;   // the clause: "RFC 4861 §6.2.6", "scs-0126"
  std::string text;
  Section section = Section::api;
  std::string check;    // a name in check_registry()
  nlohmann::json params = nlohmann::json::object();  // complete: defaults filled in, types checked
  std::string scs;      // "" (no SCS testcase), "draft:NAME" (the draft prefix + NAME) or a numbered "scs-NNNN-…" id
  bool enabled = true;
  std::string off_reason;  // why this run switched it off; empty: the catalogue did (enabled: false)
  int line = 0;         // where it starts in its file, for messages
};

struct Catalog {
  std::string file;     // where it was loaded from
  std::string version;
  std::string scs_draft_prefix{kDefaultScsDraftPrefix};
  std::vector<Requirement> requirements;

  const Requirement* find(std::string_view id) const;
  // The SCS testcase id of a requirement, "" when it has none.
  std::string scs_id(const Requirement& r) const;
};

// A malformed catalogue: one message naming file, line and field.
class CatalogError : public std::runtime_error {
 public:
  CatalogError(std::string file, int line, std::string field, const std::string& message);
  std::string file, field;
  int line;
};

// Parses and validates. Throws CatalogError for anything wrong, never returns a partial catalogue.
Catalog parse_catalog(const std::string& yaml_text, const std::string& file_name);
Catalog load_catalog(const std::filesystem::path& file);
// The installed copy (<bindir>/../share/v6conform) when the running binary is installed, else
// data/catalog.yaml in the source tree (a build tree).
std::filesystem::path default_catalog_path();

// Switches off a section for one run; its requirements are then SKIP with `why`.
void switch_off_section(Catalog& c, Section section, const std::string& why);

// Periodic RAs take minutes at real intervals: the slow section runs only when selected, else
// its requirements are SKIP with `why_not` (the lab and a cloud run both ask this).
void select_slow_section(Catalog& c, bool selected, const std::string& why_not);

// Whether any enabled requirement lies in `section`, or uses `check`.
bool section_enabled(const Catalog& c, Section section);
bool check_enabled(const Catalog& c, std::string_view check);

// SCS mode: only the requirements whose SCS testcase id was requested stay on; the others are
// switched off ("not among the requested SCS testcases"). Returns the requested ids that no
// requirement of the catalogue has.
std::vector<std::string> select_scs_testcases(Catalog& c, const std::vector<std::string>& ids);

// The requirements to show or run: enabled ones in the given sections and levels (empty: all).
std::vector<const Requirement*> select(const Catalog& c, const std::vector<Section>& sections,
                                       const std::vector<Level>& levels, bool include_disabled = false);

}  // namespace v6c::catalog
