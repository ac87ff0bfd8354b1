// v6conform catalog [--catalog FILE] [--section S]... [--level L]... [--all]
// v6conform catalog show ID
#include <cstdio>
#include <iostream>
#include <memory>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "v6c/catalog/catalog.hpp"
#include "v6c/catalog/checks.hpp"

namespace v6c::cli {

namespace {

struct CatalogOptions {
  std::string file;
  std::vector<std::string> sections;
  std::vector<std::string> levels;
  bool all = false;
  std::string show_id;
};

std::string padded(const std::string& s, std::size_t width) {
  return s.size() >= width ? s + " " : s + std::string(width - s.size(), ' ');
}

void list(const catalog::Catalog& c, const CatalogOptions& o) {
  std::vector<catalog::Level> levels;
  for (const auto& l : o.levels) levels.push_back(*catalog::parse_level(l));
  std::vector<catalog::Section> sections;
  for (const auto& s : o.sections) sections.push_back(*catalog::parse_section(s));
  const auto selected = catalog::select(c, sections, levels, o.all);
  std::cout << padded("id", 26) << padded("level", 8) << padded("section", 14) << padded("check", 26) << "scs testcase\n";
  for (const auto* r : selected)
    std::cout << padded(r->id, 26) << padded(std::string(catalog::to_string(r->level)), 8) << padded(std::string(catalog::to_string(r->section)), 14)
              << padded(r->check, 26) << (c.scs_id(*r).empty() ? "-" : c.scs_id(*r))
              << (r->enabled ? "" : "  (disabled)") << "\n";
  std::cout << selected.size() << " of " << c.requirements.size() << " requirements (catalogue " << c.version << ", "
            << c.file << ")\n";
}

int show(const catalog::Catalog& c, const std::string& id) {
  const auto* r = c.find(id);
  if (!r) {
    std::fprintf(stderr, "v6conform: no requirement '%s' in %s\n", id.c_str(), c.file.c_str());
    return kExitUsage;
  }
  const auto* check = catalog::find_check(r->check);
  std::cout << "id:       " << r->id << "\n"
            << "level:    " << catalog::to_string(r->level) << "\n"
            << "source:   " << r->source << "\n"
            << "text:     " << r->text << "\n"
            << "section:  " << catalog::to_string(r->section) << "\n"
            << "check:    " << r->check << (check && check->global ? " (one verdict for the cloud)" : " (one verdict per network)")
            << "\n"
            << "reads:    " << (check ? check->reads : "?") << "\n"
            << "scs:      " << (c.scs_id(*r).empty() ? "-" : c.scs_id(*r)) << "\n"
            << "enabled:  " << (r->enabled ? "true" : "false") << "\n"
            << "defined:  " << c.file << ":" << r->line << "\n";
  if (check && !check->params.empty()) {
    std::cout << "params:\n";
    for (const auto& p : check->params) {
      std::cout << "  " << p.name << ": " << r->params.at(p.name).dump() << "  (" << catalog::to_string(p.type)
                << ", default " << p.default_value.dump();
      if (p.minimum) std::cout << ", at least " << *p.minimum;
      if (p.maximum) std::cout << ", at most " << *p.maximum;
      if (!p.allowed.empty()) std::cout << ", one of " << nlohmann::json(p.allowed).dump();
      std::cout << "; " << p.doc << ")\n";
    }
  }
  return kExitPass;
}

}  // namespace

std::vector<std::string> section_names() {
  std::vector<std::string> out;
  for (auto s : catalog::kSections) out.emplace_back(catalog::to_string(s));
  return out;
}

void register_catalog(CLI::App& app) {
  auto o = std::make_shared<CatalogOptions>();
  auto* cmd = app.add_subcommand("catalog", "list the requirements catalogue (or show one requirement)");
  cmd->fallthrough();
  cmd->add_option("--catalog", o->file, "catalogue file (default: the shipped data/catalog.yaml)");
  cmd->add_option("--section", o->sections, "only these sections (repeatable)")
      ->check(CLI::IsMember(section_names()));
  cmd->add_option("--level", o->levels, "only these levels (repeatable)")->check(CLI::IsMember({"MUST", "SHOULD", "MAY"}));
  cmd->add_flag("--all", o->all, "include disabled requirements");
  auto* show_cmd = cmd->add_subcommand("show", "show one requirement in full");
  show_cmd->add_option("id", o->show_id, "requirement id")->required();

  cmd->callback([o, show_cmd] {
    catalog::Catalog c;
    try {
      c = catalog::load_catalog(o->file.empty() ? catalog::default_catalog_path() : std::filesystem::path(o->file));
    } catch (const catalog::CatalogError& e) {
      std::fprintf(stderr, "v6conform: malformed catalogue: %s\n", e.what());
      exit_code = kExitUsage;
      return;
    }
    if (show_cmd->parsed()) {
      exit_code = show(c, o->show_id);
      return;
    }
    list(c, *o);
    exit_code = kExitPass;
  });
}

}  // namespace v6c::cli
