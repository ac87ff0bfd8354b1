// Report formats on a result with every status: JSON valid against docs/result-schema.json,
// JUnit valid against docs/junit.xsd, HTML rendering in headless Chromium, the SCS harness
// lines, and the terminal text.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "fixtures/observations/world.hpp"
#include "v6c/report/report.hpp"

using namespace v6c::testing;
namespace fs = std::filesystem;
namespace report = v6c::report;

namespace {

// A result with PASS, FAIL, WARN, SKIP and ERROR verdicts, global and per network.
Result mixed_result() {
  World w;
  w.ra().other = true;                 // ra-flags FAIL (MUST)
  w.ra().mtu = 1500;                   // ra-mtu WARN (SHOULD)
  w.has_security = false;              // sec-* ERROR: the attacker and victim are there, their reports are not
  w.facts.networks[0].ports.push_back({"att", *v6c::wire::Mac::parse("fa:16:3e:00:00:a1"), {}, v6c::model::Role::attacker});
  w.facts.networks[0].ports.push_back({"vic", *v6c::wire::Mac::parse("fa:16:3e:00:00:a2"), {}, v6c::model::Role::victim});
  w.facts.api = json();                // api-* SKIP: does not apply (no cloud API)
  w.far_seen.reset();                  // north-south-out SKIP: no NAT66 not measured
  auto c = load_catalog(default_catalog_path());
  return evaluate(c, w.facts, w.observations());
}

// A directory under /tmp named for this test, removed whatever happens.
struct TempDir {
  fs::path path;
  TempDir() {
    std::string templ = (fs::temp_directory_path() / "v6c-cat-report-XXXXXX").string();
    REQUIRE(mkdtemp(templ.data()) != nullptr);
    path = templ;
  }
  ~TempDir() {
    std::error_code ec;
    // V6C_REPORT_KEEP=DIR keeps the rendered reports for a person to look at.
    if (const char* keep = std::getenv("V6C_REPORT_KEEP"))
      fs::copy(path, keep, fs::copy_options::recursive | fs::copy_options::overwrite_existing, ec);
    fs::remove_all(path, ec);
  }
};

int run(const std::string& command) {
  int rc = std::system(command.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

std::string read(const fs::path& p) {
  std::ifstream in(p);
  return {std::istreambuf_iterator<char>(in), {}};
}

const std::string kDocs = std::string(V6C_SOURCE_DIR) + "/docs";

// A headless Chromium command line; a test that needs Chromium fails without it (scripts/setup
// installs it).
std::string chromium(const fs::path& dir, const std::string& args) {
  INFO("chromium is not installed (scripts/setup installs it)");
  REQUIRE(run("command -v chromium >/dev/null 2>&1") == 0);
  return "chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
         "--disable-background-networking --disable-component-update --disable-sync --user-data-dir=" +
         (dir / "profile").string() + " " + args + " 2>/dev/null";
}

// The page as Chromium parsed it (its DOM, serialised).
std::string dump_dom(const fs::path& dir, const fs::path& page) {
  const auto out = dir / "dom.html";
  CHECK(run(chromium(dir, "--dump-dom file://" + page.string()) + " >" + out.string()) == 0);
  return read(out);
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// The text from `from` up to the next `to` (empty when `from` is missing).
std::string between(const std::string& text, const std::string& from, const std::string& to) {
  const auto start = text.find(from);
  if (start == std::string::npos) return "";
  return text.substr(start, text.find(to, start) - start);
}

}  // namespace

TEST_CASE("the mixed result has every status", "[report]") {
  auto s = mixed_result().summary;
  CHECK(s.pass > 0);
  CHECK(s.fail > 0);
  CHECK(s.warn > 0);
  CHECK(s.skip > 0);
  CHECK(s.error > 0);
}

TEST_CASE("JSON output validates against docs/result-schema.json", "[report]") {
  TempDir dir;
  const auto file = dir.path / "result.json";
  auto result = mixed_result();
  result.api_retries = {{"POST", "/v2.0/networks", 1, "answer lost (cloud error: …: 502): adopted n1"}};
  std::ofstream(file) << [&] {
    std::ostringstream o;
    report::render_json(result, o);
    return o.str();
  }();
  const std::string validate = "python3 -c 'import json,sys,jsonschema; "
                               "jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])))' ";
  CHECK(run(validate + kDocs + "/result-schema.json " + file.string()) == 0);
  // The schema must reject what is not a result, or validating proves nothing.
  auto j = json::parse(read(file));
  j["verdicts"][0]["status"] = "MAYBE";
  std::ofstream(dir.path / "bad.json") << j.dump();
  CHECK(run(validate + kDocs + "/result-schema.json " + (dir.path / "bad.json").string() + " 2>/dev/null") != 0);
  // And it reads back.
  auto back = report::load_result(file);
  CHECK(back.verdicts.size() == mixed_result().verdicts.size());
  REQUIRE(back.api_retries.size() == 1);
  CHECK(back.api_retries[0].reason == result.api_retries[0].reason);
}

TEST_CASE("JUnit output validates against docs/junit.xsd", "[report]") {
  TempDir dir;
  const auto file = dir.path / "junit.xml";
  auto r = mixed_result();
  {
    std::ofstream out(file);
    report::render_junit(r, out);
  }
  CHECK(run("xmllint --noout --schema " + kDocs + "/junit.xsd " + file.string() + " 2>/dev/null") == 0);
  const auto xml = read(file);
  std::regex testcase("<testcase ");
  auto count = std::distance(std::sregex_iterator(xml.begin(), xml.end(), testcase), std::sregex_iterator());
  CHECK(count == static_cast<long>(r.verdicts.size()));
  CHECK_THAT(xml, Catch::Contains("name=\"ra-flags [net1 (slaac)]\""));
  CHECK_THAT(xml, Catch::Contains("<failure message=\"expected M=0 O=0 for slaac"));
  CHECK_THAT(xml, Catch::Contains("<skipped message=\"no cloud API in the lab\"/>"));
  CHECK_THAT(xml, Catch::Contains("<error message="));
  // The XSD must reject a testcase without a name.
  auto valid = [&](const std::string& name, const std::string& text) {
    std::ofstream(dir.path / name) << text;
    return run("xmllint --noout --schema " + kDocs + "/junit.xsd " + (dir.path / name).string() + " 2>/dev/null") == 0;
  };
  const std::string suite = "<testsuite name=\"a\" tests=\"1\" failures=\"0\" errors=\"0\"";
  CHECK_FALSE(valid("bad.xml", "<testsuites>" + suite + "><testcase/></testsuite></testsuites>"));
  CHECK(valid("good.xml", "<testsuites>" + suite + "><testcase name=\"b\"/></testsuite></testsuites>"));
  // Nor an attribute the common schemas (Jenkins' junit-10.xsd) do not know, nor a testsuite
  // without the counts they require: a CI may refuse such a file.
  for (const std::string& odd : {"<testsuites skipped=\"0\">" + suite + "><testcase name=\"b\"/></testsuite></testsuites>",
                                 "<testsuites>" + suite + " disabled=\"0\"><testcase name=\"b\"/></testsuite></testsuites>",
                                 "<testsuites>" + suite + "><testcase name=\"b\" status=\"PASS\"/></testsuite></testsuites>",
                                 "<testsuites>" + suite + "><testcase name=\"b\" assertions=\"1\"/></testsuite></testsuites>",
                                 "<testsuites>" + suite + "><testcase name=\"b\" file=\"x\"/></testsuite></testsuites>",
                                 std::string("<testsuites><testsuite name=\"a\" tests=\"1\"><testcase name=\"b\"/></testsuite></testsuites>")}) {
    CAPTURE(odd);
    CHECK_FALSE(valid("odd.xml", odd));
  }
}

TEST_CASE("HTML output is self-contained and renders in headless Chromium", "[report]") {
  TempDir dir;
  const auto file = dir.path / "report.html";
  {
    std::ofstream out(file);
    report::render_html(mixed_result(), out);
  }
  const auto html = read(file);
  CHECK_THAT(html, Catch::StartsWith("<!DOCTYPE html>"));
  CHECK_THAT(html, !Catch::Contains("<script") && !Catch::Contains("<link") && !Catch::Contains("src=\"http"));
  CHECK_THAT(html, Catch::Contains("href=\"vm1.pcap\"") && Catch::Contains("MTU: 1500"));
  CHECK_THAT(html, Catch::Contains("id=\"ra-mtu@net1\""));

  // A blank page of the same size is the baseline: a rendered report with tables, colour and
  // diagrams compresses far worse.
  const auto blank = dir.path / "blank.html";
  std::ofstream(blank) << "<!DOCTYPE html><html><body></body></html>";
  const auto png = dir.path / "report.png", blank_png = dir.path / "blank.png";
  CHECK(run(chromium(dir.path, "--screenshot=" + png.string() + " --window-size=1280,2000 file://" + file.string())) == 0);
  CHECK(run(chromium(dir.path, "--screenshot=" + blank_png.string() + " --window-size=1280,2000 file://" +
                                   blank.string())) == 0);
  REQUIRE(fs::exists(png));
  REQUIRE(fs::exists(blank_png));
  constexpr std::uintmax_t kOverBlank = 5;
  CHECK(fs::file_size(png) > kOverBlank * fs::file_size(blank_png));
  const auto head = read(png).substr(0, 8);
  CHECK(head == std::string("\x89PNG\r\n\x1a\n", 8));
}

TEST_CASE("HTML report draws the topology and each check's exchange", "[report]") {
  auto r = mixed_result();
  std::ostringstream o;
  report::render_html(r, o);
  const auto html = o.str();
  const auto topology = between(html, "<h2>Topology</h2>", "</figure>");
  CHECK_THAT(topology, Catch::Contains("<svg") && Catch::Contains(">router</text>") &&
                           Catch::Contains(">external target</text>") && Catch::Contains(">far host</text>"));
  CHECK_THAT(topology, Catch::Contains(">vm1</text>") && Catch::Contains(">VM, probe</text>") &&
                           Catch::Contains(">att</text>") && Catch::Contains(">att attacks vic</text>"));
  CHECK_THAT(topology, Catch::Contains("net1 · slaac · 2001:db8:1::/64 · router 2001:db8:1::1 · MTU 1450"));

  // RS → RA: lanes for vm1 and the router; the RS first, the cited RA in bold.
  const auto ra = between(html, "id=\"ra-flags@net1\"", "</details>");
  CHECK_THAT(ra, Catch::Contains(">vm1</text>") && Catch::Contains(">router</text>") &&
                     Catch::Contains(">#1 RS</text>"));
  CHECK_THAT(ra, Catch::Contains("font-weight=\"bold\">#2 RA M=0 O=1"));
  CHECK(ra.find(">#1 RS</text>") < ra.find(">#2 RA"));
  // echo request → Time Exceeded: the requests counted (dashed), the error captured, times relative.
  const auto hop = between(html, "id=\"icmp6-errors@net1\"", "</details>");
  CHECK_THAT(hop, Catch::Contains("stroke-dasharray") && Catch::Contains("echo request ×3") &&
                      Catch::Contains("Time Exceeded code 0") && Catch::Contains(">+0.0 ms</text>"));

  // Chromium parses every diagram as SVG: as many svg elements in its DOM as the page has.
  TempDir dir;
  const auto file = dir.path / "report.html";
  std::ofstream(file) << html;
  const auto dom = dump_dom(dir.path, file);
  CHECK(count(dom, "<svg") == count(html, "<svg"));
  CHECK(count(html, "<svg") > 10);
  CHECK_THAT(dom, Catch::Contains("<title>tested topology"));
}

TEST_CASE("hostile strings from the wire stay text in the HTML and its diagrams", "[report][hostile]") {
  const std::string hostile =
      "</text></svg></figure><script>alert(1)</script><img src=x onerror=alert(2)>&amp;\"'\x01\xff\xc3(";
  auto r = mixed_result();
  std::ostringstream plain;
  report::render_html(r, plain);
  r.facts.backend = hostile;
  r.facts.networks[0].name = hostile;
  r.facts.networks[0].ports[0].name = hostile;
  // Prefixed, not replaced: a ladder is drawn per observing host, so names made equal would
  // draw fewer diagrams for a reason that has nothing to do with escaping.
  for (auto& v : r.verdicts)
    for (auto& e : v.evidence) {
      for (auto* s : {&e.host, &e.procedure, &e.summary, &e.decoded}) *s = hostile + *s;
      for (auto& f : e.exchange) {
        f.message = hostile + f.message;
        f.from = hostile + f.from;
      }
    }
  std::ostringstream o;
  report::render_html(r, o);
  const auto html = o.str();
  CHECK_THAT(html, !Catch::Contains("<script") && !Catch::Contains("<img"));
  CHECK(count(html, "<svg") == count(plain.str(), "<svg"));
  CHECK(count(html, "<svg") == count(html, "</svg>"));

  // Each diagram is well-formed XML (an unescaped byte or a broken UTF-8 sequence is not).
  TempDir dir;
  for (std::size_t at = html.find("<svg"), n = 0; at != std::string::npos; at = html.find("<svg", at + 1), ++n) {
    const auto svg = dir.path / ("d" + std::to_string(n) + ".svg");
    std::ofstream(svg) << html.substr(at, html.find("</svg>", at) + 6 - at);
    CAPTURE(n);
    CHECK(run("xmllint --noout " + svg.string()) == 0);
  }
  const auto file = dir.path / "report.html";
  std::ofstream(file) << html;
  const auto dom = dump_dom(dir.path, file);
  CHECK_THAT(dom, !Catch::Contains("<script") && !Catch::Contains("<img"));
  CHECK_THAT(dom, Catch::Contains("&lt;/text&gt;&lt;/svg&gt;&lt;/figure&gt;&lt;script&gt;"));
  CHECK(count(dom, "<svg") == count(html, "<svg"));
}

TEST_CASE("SCS output follows the harness contract", "[report]") {
  auto r = mixed_result();
  std::ostringstream out, log;
  report::render_scs(r, out, log);
  std::istringstream lines(out.str());
  std::string line;
  std::map<std::string, std::string> results;
  const std::regex result_line("^(scs-[a-z0-9-]+): (PASS|FAIL|ABORT)$");
  while (std::getline(lines, line)) {
    std::smatch m;
    CAPTURE(line);
    REQUIRE(std::regex_match(line, m, result_line));
    results[m[1]] = m[2];
  }
  CHECK(results.at("scs-xxxx-v6-ra-flags") == "FAIL");
  CHECK(results.at("scs-xxxx-v6-ra-mtu") == "FAIL");       // a SHOULD not met fails its testcase
  CHECK(results.at("scs-xxxx-v6-ra-answered") == "PASS");
  CHECK(results.at("scs-xxxx-v6-sec-ra-guard") == "ABORT");  // could not be measured
  CHECK(results.at("scs-0126-north-south-out") == "ABORT");  // only partly measured
  CHECK(results.at("scs-0126-default-subnetpool") == "PASS");  // does not apply: no cloud API
  CHECK_THAT(log.str(), Catch::Contains("INFO: scs-0126-default-subnetpool (api-default-subnetpool, global) does not "
                                        "apply here: no cloud API in the lab"));
  CHECK_THAT(log.str(), Catch::Contains("WARNING: scs-0126-north-south-out") && Catch::Contains("not measured"));

  std::istringstream log_lines(log.str());
  int errors = 0;
  while (std::getline(log_lines, line)) {
    CAPTURE(line);
    CHECK(std::regex_search(line, std::regex("^(INFO|WARNING|ERROR|CRITICAL): ")));
    if (line.rfind("ERROR:", 0) == 0) {
      ++errors;
      CHECK_THAT(line, Catch::Contains("ra-flags"));  // ERROR only for the MUST the network broke
    }
  }
  CHECK(errors == 1);

  std::ostringstream only_out, only_log;
  report::render_scs(r, only_out, only_log, {"scs-xxxx-v6-ra-answered", "scs-xxxx-v6-no-such"});
  CHECK(only_out.str() == "scs-xxxx-v6-ra-answered: PASS\nscs-xxxx-v6-no-such: ABORT\n");
}

TEST_CASE("terminal text groups by section and ends with the summary", "[report]") {
  auto r = mixed_result();
  std::ostringstream plain, coloured;
  report::render_text(r, plain, false);
  report::render_text(r, coloured, true);
  const auto text = plain.str();
  CHECK(text.find("== api ==") < text.find("== ra =="));
  CHECK(text.find("== ra ==") < text.find("== security =="));
  CHECK_THAT(text, Catch::Contains("FAIL  MUST   ra-flags"));
  CHECK_THAT(text, Catch::Contains("RA MTU option 1500, network MTU 1450"));
  CHECK_THAT(text, !Catch::Contains("\033["));
  CHECK_THAT(coloured.str(), Catch::Contains("\033[1;31mFAIL"));
  auto last_line = text.substr(text.rfind('\n', text.size() - 2) + 1);
  const auto s = r.summary;
  REQUIRE(s.not_measured > 0);
  REQUIRE(s.must_not_met > s.must_not_measured);
  CHECK(last_line == "Summary: " + std::to_string(s.pass) + " PASS, " + std::to_string(s.fail) + " FAIL, " +
                         std::to_string(s.warn) + " WARN, " + std::to_string(s.skip) + " SKIP (" +
                         std::to_string(s.not_measured) + " not measured), " + std::to_string(s.error) + " ERROR of " +
                         std::to_string(s.total()) + "; " + std::to_string(s.must_not_met) + " MUST not met (" +
                         std::to_string(s.must_not_met - s.must_not_measured) + " failed, " +
                         std::to_string(s.must_not_measured) + " not measured)\n");
}

TEST_CASE("summaries say every MUST met only when every MUST that applies was measured and met", "[report]") {
  World w;
  w.far_seen.reset();  // north-south-out (MUST) only partly measured
  auto r = evaluate(load_catalog(default_catalog_path()), w.facts, w.observations());
  REQUIRE(r.summary.must_not_met == 1);
  REQUIRE(r.summary.must_not_measured == 1);
  std::ostringstream text, junit, html, json_out;
  report::render_text(r, text, false);
  report::render_junit(r, junit);
  report::render_html(r, html);
  report::render_json(r, json_out);
  const std::string line = "1 MUST not met (0 failed, 1 not measured)";
  CHECK_THAT(text.str(), Catch::Contains(line) && !Catch::Contains("every MUST met"));
  CHECK_THAT(junit.str(), Catch::Contains("name=\"must\" value=\"" + line + "\""));
  CHECK_THAT(html.str(), Catch::Contains(line) && !Catch::Contains("every MUST met"));
  auto j = json::parse(json_out.str());
  CHECK(j["summary"]["every_must_met"] == false);
  CHECK(j["summary"]["must_not_measured"] == 1);
  CHECK(j["exit_code"] == 1);
  // Measured after all: every MUST met, in every format.
  World ok;
  auto met = evaluate(load_catalog(default_catalog_path()), ok.facts, ok.observations());
  std::ostringstream met_text;
  report::render_text(met, met_text, false);
  CHECK_THAT(met_text.str(), Catch::Contains("; every MUST met"));
}

TEST_CASE("one SCS testcase from several verdicts", "[report]") {
  auto verdict = [](Status s, bool not_measured = false) {
    Verdict out;
    out.status = s;
    out.not_measured = not_measured;
    return out;
  };
  const auto met = verdict(Status::pass), failed = verdict(Status::fail), warned = verdict(Status::warn);
  const auto errored = verdict(Status::error), not_applicable = verdict(Status::skip);
  const auto not_run = verdict(Status::skip, true);
  using List = std::vector<const Verdict*>;
  CHECK(report::scs_verdict(List{}) == "ABORT");
  CHECK(report::scs_verdict(List{&met, &met}) == "PASS");
  CHECK(report::scs_verdict(List{&met, &not_applicable}) == "PASS");  // e.g. DHCPv6 on a slaac network
  CHECK(report::scs_verdict(List{&not_applicable}) == "PASS");
  CHECK(report::scs_verdict(List{&met, &not_run}) == "ABORT");  // a SKIP because not run is never PASS
  CHECK(report::scs_verdict(List{&not_run}) == "ABORT");
  CHECK(report::scs_verdict(List{&met, &errored}) == "ABORT");
  CHECK(report::scs_verdict(List{&errored, &failed}) == "FAIL");  // what was measured and violated fails
  CHECK(report::scs_verdict(List{&not_run, &warned}) == "FAIL");
}

TEST_CASE("emit writes every requested format into the output directory", "[report]") {
  TempDir dir;
  report::EmitOptions o;
  o.formats = {"json", "junit", "html", "scs"};
  o.output_dir = dir.path / "out";
  report::emit(mixed_result(), o);
  for (auto name : {"result.json", "junit.xml", "report.html", "scs.txt"}) {
    CAPTURE(name);
    CHECK(fs::file_size(o.output_dir / name) > 0);
  }
  o.formats = {"yaml"};
  CHECK_THROWS_WITH(report::emit(mixed_result(), o), Catch::Contains("unknown report format 'yaml'"));
}

TEST_CASE("pcap links work from the report's own directory", "[report]") {
  // The lab writes its pcaps into --output-dir and names them so (out/vm1.pcap); from
  // out/report.html that link must be vm1.pcap.
  TempDir dir;
  const auto out = dir.path / "out";
  fs::create_directories(out);
  auto r = mixed_result();
  for (auto& v : r.verdicts)
    for (auto& e : v.evidence)
      if (!e.pcap.empty()) e.pcap = (out / fs::path(e.pcap).filename()).string();
  report::EmitOptions o;
  o.formats = {"json", "html"};
  o.output_dir = out;
  report::emit(r, o);
  const auto html = read(out / "report.html");
  CHECK_THAT(html, Catch::Contains("href=\"vm1.pcap\"") && !Catch::Contains("href=\"" + out.string()));
  CHECK_THAT(read(out / "result.json"), Catch::Contains("\"pcap\": \"vm1.pcap\""));
  // A saved result re-rendered elsewhere still links to the captures beside it.
  o.formats = {"html"};
  o.output_dir = dir.path / "again";
  report::emit(report::load_result(out / "result.json"), o);
  CHECK_THAT(read(o.output_dir / "report.html"), Catch::Contains("href=\"../out/vm1.pcap\""));
}

TEST_CASE("the progress line rewrites itself on a TTY only", "[report]") {
  std::ostringstream tty, pipe;
  {
    report::ProgressLine a(tty, true), b(pipe, false);
    a.update(1, 3, "discover on vm1");
    a.update(2, 3, "dad on vm1");
    b.update(1, 3, "discover on vm1");
    b.update(2, 3, "dad on vm1");
  }
  CHECK(tty.str() == "\r\033[K[1/3] discover on vm1\r\033[K[2/3] dad on vm1\n");
  CHECK(pipe.str() == "[1/3] discover on vm1\n[2/3] dad on vm1\n");
}
