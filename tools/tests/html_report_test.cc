// `--report out.html`. RenderHtmlReport on hand-made reports: tables, bars, escaping, nothing
// external. Then the real thing: the nncf tool writes the quantize and compress-weights reports
// as JSON and as HTML, headless Chromium (Debian's chromium) loads the page, and every number
// the rendered table shows, every bar and its height, is checked against the JSON report.
#include <cjson/cJSON.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "cli_error.h"
#include "html_report.h"
#include "npy_image.h"

extern char** environ;

namespace nncf_cli {
namespace {

namespace fs = std::filesystem;

struct JsonDeleter {
  void operator()(cJSON* json) const { cJSON_Delete(json); }
};
using Json = std::unique_ptr<cJSON, JsonDeleter>;

std::string ReadText(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
}

// Runs argv[0] with stdout to `out_path`; returns the exit code (-1 when it cannot start).
int RunProcess(std::vector<std::string> args, const fs::path& out_path) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  const int spawned = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) return -1;
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// A rendered table row: cell text by column.
using Row = std::map<std::string, std::string>;

std::string Unescape(std::string text) {
  const std::vector<std::pair<std::string, std::string>> entities = {
      {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}, {"&amp;", "&"}};
  for (const auto& [entity, plain] : entities) {
    for (size_t at = text.find(entity); at != std::string::npos; at = text.find(entity, at)) {
      text.replace(at, entity.size(), plain);
      at += plain.size();
    }
  }
  return text;
}

// The rows of table `id` in an HTML document (ours, or Chromium's serialization of it).
std::vector<Row> Rows(const std::string& html, const std::string& id) {
  std::vector<Row> rows;
  const size_t start = html.find("<table id=\"" + id + "\"");
  if (start == std::string::npos) return rows;
  const std::string table = html.substr(start, html.find("</table>", start) - start);
  const std::regex row_re("<tr class=\"row\" data-index=\"(\\d+)\">(.*?)</tr>");
  const std::regex cell_re("<td class=\"c-([a-z_]+)\">(.*?)</td>");
  for (auto it = std::sregex_iterator(table.begin(), table.end(), row_re);
       it != std::sregex_iterator(); ++it) {
    EXPECT_EQ(std::stoul((*it)[1]), rows.size());
    Row row;
    const std::string cells = (*it)[2];
    for (auto c = std::sregex_iterator(cells.begin(), cells.end(), cell_re);
         c != std::sregex_iterator(); ++c) {
      row[(*c)[1]] = Unescape((*c)[2]);
    }
    rows.push_back(row);
  }
  return rows;
}

struct Bar {
  double value = 0, height = 0;
};

std::vector<Bar> Bars(const std::string& html, const std::string& id) {
  std::vector<Bar> bars;
  const size_t start = html.find("<svg id=\"" + id + "\"");
  if (start == std::string::npos) return bars;
  const std::string svg = html.substr(start, html.find("</svg>", start) - start);
  const std::regex bar_re(
      "<rect class=\"bar\" data-index=\"(\\d+)\" data-value=\"([^\"]+)\"[^>]*height=\"([^\"]+)\"");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), bar_re); it != std::sregex_iterator();
       ++it) {
    bars.push_back({std::stod((*it)[2]), std::stod((*it)[3])});
  }
  return bars;
}

// The numbers in a cell ("0.5", or "0.1 .. 0.9 (16)" for per-channel values).
std::vector<double> CellNumbers(const std::string& text) {
  std::vector<double> numbers;
  const std::regex number_re("-?[0-9]+(\\.[0-9]+)?(e[-+][0-9]+)?");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), number_re);
       it != std::sregex_iterator(); ++it) {
    numbers.push_back(std::stod(it->str()));
  }
  return numbers;
}

void ExpectClose(double shown, double actual, const std::string& what) {
  EXPECT_NEAR(shown, actual, 1e-5 * std::max(1.0, std::fabs(actual))) << what;
}

// Bars proportional to |value|, the tallest 200.
void ExpectBars(const std::vector<Bar>& bars, const std::vector<double>& values,
                const std::string& what) {
  ASSERT_EQ(bars.size(), values.size()) << what;
  double top = 0;
  for (double v : values) top = std::max(top, std::fabs(v));
  for (size_t k = 0; k < bars.size(); ++k) {
    ExpectClose(bars[k].value, values[k], what + " value " + std::to_string(k));
    ExpectClose(bars[k].height, top > 0 ? std::fabs(values[k]) / top * 200.0 : 0.0,
                what + " height " + std::to_string(k));
  }
}

std::vector<double> JsonNumbers(const cJSON* object, const char* key) {
  std::vector<double> values;
  const cJSON* item = nullptr;
  cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(object, key)) {
    values.push_back(item->valuedouble);
  }
  return values;
}

std::string JsonString(const cJSON* object, const char* key) {
  const cJSON* item = cJSON_GetObjectItemCaseSensitive(object, key);
  return cJSON_IsString(item) ? item->valuestring : "";
}

double JsonNumber(const cJSON* object, const char* key) {
  return cJSON_GetObjectItemCaseSensitive(object, key)->valuedouble;
}

TEST(HtmlReport, CompressReportTableBarsAndEscaping) {
  const std::string json =
      R"({"layers":[{"node":"a<b&c>","weight":"w\"1","mode":"int4_asym","bits":4,)"
      R"("group_size":128,"error":0.5},{"node":"</script><script>x","weight":"w2",)"
      R"("mode":"int8_asym","bits":8,"group_size":-1,"error":0.125}],"ratio_achieved":0.5})";
  const std::string html = RenderHtmlReport(ReportKind::kCompressWeights, "t<1>", json);
  EXPECT_EQ(html.find("http://"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_EQ(html.find("<script><script>"), std::string::npos);
  EXPECT_NE(html.find("<title>t&lt;1&gt;</title>"), std::string::npos);
  EXPECT_NE(html.find("<td class=\"c-node\">a&lt;b&amp;c&gt;</td>"), std::string::npos);
  // The embedded JSON cannot close its script element early.
  EXPECT_EQ(html.find("</script><script>x"), std::string::npos);
  EXPECT_NE(html.find("<\\/script><script>x"), std::string::npos);
  const std::vector<Row> rows = Rows(html, "layers");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].at("node"), "a<b&c>");
  EXPECT_EQ(rows[0].at("weight"), "w\"1");
  EXPECT_EQ(rows[1].at("group_size"), "-1");
  EXPECT_EQ(rows[1].at("error"), "0.125");
  ExpectBars(Bars(html, "error-chart"), {0.5, 0.125}, "error bars");
}

TEST(HtmlReport, MalformedJsonIsAnInternalError) {
  try {
    RenderHtmlReport(ReportKind::kQuantize, "t", "{not json");
    ADD_FAILURE() << "no error";
  } catch (const CliError& error) {
    EXPECT_EQ(error.exit_code(), kExitOther);  // the library's reports are always JSON
  }
}

class ChromiumReport : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("nncf_html_" + std::to_string(getpid()));
    fs::create_directories(dir_);
    // 16 calibration images: a .npy of [16, 1, 28, 28] float32 from the test data generator.
    WriteImages(dir_ / "calib.npy", 16);
  }
  void TearDown() override { fs::remove_all(dir_); }

  static void WriteImages(const fs::path& path, int count) {
    std::vector<float> values(static_cast<size_t>(count) * 28 * 28);
    unsigned state = 7;
    for (float& value : values) {
      state = state * 1103515245u + 12345u;
      value = static_cast<float>((state >> 8) % 2001) / 1000.0f - 1.0f;
    }
    std::ofstream(path, std::ios::binary) << nncf_cli_test::NpyImage(
        "<f4", {count, 1, 28, 28}, values.data(), values.size() * sizeof(float));
  }

  // Runs the tool twice (JSON and HTML report), renders the page in Chromium; returns the JSON
  // and the DOM Chromium built.
  void Render(const std::vector<std::string>& command, Json* json, std::string* dom) {
    for (const char* ext : {"json", "html"}) {
      std::vector<std::string> args = {NNCF_CLI_PATH, "-q"};
      args.insert(args.end(), command.begin(), command.end());
      args.push_back("--report");
      args.push_back((dir_ / (std::string("report.") + ext)).string());
      ASSERT_EQ(RunProcess(args, dir_ / "stdout.txt"), 0) << ReadText(dir_ / "stdout.txt");
    }
    json->reset(cJSON_Parse(ReadText(dir_ / "report.json").c_str()));
    ASSERT_TRUE(*json);
    const std::string page = ReadText(dir_ / "report.html");
    EXPECT_EQ(page.find("http://"), std::string::npos);
    EXPECT_EQ(page.find("https://"), std::string::npos);
    const int code = RunProcess({"chromium", "--headless", "--no-sandbox", "--disable-gpu",
                                 "--dump-dom", "file://" + (dir_ / "report.html").string()},
                                dir_ / "dom.html");
    ASSERT_NE(code, -1) << "chromium is not installed: scripts/install_deps.sh test installs it";
    ASSERT_EQ(code, 0);
    *dom = ReadText(dir_ / "dom.html");
    ASSERT_NE(dom->find("</html>"), std::string::npos) << "Chromium rendered no page";
  }

  fs::path dir_;
};

TEST_F(ChromiumReport, QuantizeNumbersMatchTheJsonReport) {
  Json json;
  std::string dom;
  ASSERT_NO_FATAL_FAILURE(
      Render({"quantize", NNCF_SOURCE_DIR "/examples/models/fashion_mnist_cnn.onnx",
              (dir_ / "q.onnx").string(), "--data", (dir_ / "calib.npy").string()},
             &json, &dom));
  const cJSON* quantizers = cJSON_GetObjectItemCaseSensitive(json.get(), "quantizers");
  const std::vector<Row> rows = Rows(dom, "quantizers");
  ASSERT_EQ(rows.size(), static_cast<size_t>(cJSON_GetArraySize(quantizers)));
  ASSERT_GT(rows.size(), 5u);
  std::vector<double> ranges;
  for (size_t k = 0; k < rows.size(); ++k) {
    const cJSON* q = cJSON_GetArrayItem(quantizers, static_cast<int>(k));
    const std::string what = "quantizer " + std::to_string(k);
    EXPECT_EQ(rows[k].at("tensor"), JsonString(q, "tensor")) << what;
    EXPECT_EQ(rows[k].at("dtype"), JsonString(q, "dtype")) << what;
    for (const char* key : {"scale", "zero_point", "observed_min", "observed_max"}) {
      const std::vector<double> values = JsonNumbers(q, key);
      const std::vector<double> shown = CellNumbers(rows[k].at(key));
      ASSERT_FALSE(values.empty()) << what << " " << key;
      if (values.size() == 1) {
        ASSERT_EQ(shown.size(), 1u) << what << " " << key << ": " << rows[k].at(key);
        ExpectClose(shown[0], values[0], what + " " + key);
      } else {  // min .. max (count)
        ASSERT_EQ(shown.size(), 3u) << what << " " << key << ": " << rows[k].at(key);
        ExpectClose(shown[0], *std::min_element(values.begin(), values.end()), what + " min");
        ExpectClose(shown[1], *std::max_element(values.begin(), values.end()), what + " max");
        EXPECT_EQ(shown[2], static_cast<double>(values.size())) << what;
      }
    }
    const std::vector<double> low = JsonNumbers(q, "input_low"),
                              high = JsonNumbers(q, "input_high");
    double range = 0;
    for (size_t i = 0; i < low.size(); ++i) range = std::max(range, high[i] - low[i]);
    ranges.push_back(range);
  }
  ExpectBars(Bars(dom, "range-chart"), ranges, "range bars");
  const cJSON* shifts = cJSON_GetObjectItemCaseSensitive(json.get(), "bias_correction");
  const std::vector<Row> bias_rows = Rows(dom, "bias");
  ASSERT_EQ(bias_rows.size(), static_cast<size_t>(cJSON_GetArraySize(shifts)));
  std::vector<double> magnitudes;
  for (size_t k = 0; k < bias_rows.size(); ++k) {
    const cJSON* s = cJSON_GetArrayItem(shifts, static_cast<int>(k));
    EXPECT_EQ(bias_rows[k].at("node"), JsonString(s, "node"));
    ExpectClose(std::stod(bias_rows[k].at("magnitude")), JsonNumber(s, "magnitude"), "magnitude");
    magnitudes.push_back(JsonNumber(s, "magnitude"));
  }
  ExpectBars(Bars(dom, "bias-chart"), magnitudes, "bias bars");
}

TEST_F(ChromiumReport, CompressWeightsErrorsMatchTheJsonReport) {
  Json json;
  std::string dom;
  ASSERT_NO_FATAL_FAILURE(Render(
      {"compress-weights", NNCF_SOURCE_DIR "/examples/models/fashion_mnist_cnn.onnx",
       (dir_ / "c.onnx").string(), "--mode", "int4_asym", "--group-size", "16", "--all-layers"},
      &json, &dom));
  const cJSON* layers = cJSON_GetObjectItemCaseSensitive(json.get(), "layers");
  const std::vector<Row> rows = Rows(dom, "layers");
  ASSERT_EQ(rows.size(), static_cast<size_t>(cJSON_GetArraySize(layers)));
  ASSERT_GT(rows.size(), 2u);
  std::vector<double> errors;
  for (size_t k = 0; k < rows.size(); ++k) {
    const cJSON* l = cJSON_GetArrayItem(layers, static_cast<int>(k));
    EXPECT_EQ(rows[k].at("node"), JsonString(l, "node"));
    EXPECT_EQ(rows[k].at("mode"), JsonString(l, "mode"));
    EXPECT_EQ(std::stod(rows[k].at("bits")), JsonNumber(l, "bits"));
    EXPECT_EQ(std::stod(rows[k].at("group_size")), JsonNumber(l, "group_size"));
    ExpectClose(std::stod(rows[k].at("error")), JsonNumber(l, "error"), "error");
    errors.push_back(JsonNumber(l, "error"));
  }
  ExpectBars(Bars(dom, "error-chart"), errors, "error bars");
}

}  // namespace
}  // namespace nncf_cli
