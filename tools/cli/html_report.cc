#include "html_report.h"

#include <cjson/cJSON.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <sstream>
#include <vector>

#include "cli_error.h"
#include "json.h"

namespace nncf_cli {
namespace {

std::string Escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string Number(double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.6g", value);
  return buffer;
}

std::string Exact(double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.17g", value);
  return buffer;
}

const cJSON* Item(const cJSON* object, const char* key) {
  return cJSON_GetObjectItemCaseSensitive(object, key);
}

std::string Text(const cJSON* object, const char* key) {
  const cJSON* item = Item(object, key);
  if (cJSON_IsString(item)) return item->valuestring;
  if (cJSON_IsNumber(item)) return Number(item->valuedouble);
  if (cJSON_IsBool(item)) return cJSON_IsTrue(item) ? "true" : "false";
  return "";
}

double Value(const cJSON* object, const char* key) {
  const cJSON* item = Item(object, key);
  return cJSON_IsNumber(item) ? item->valuedouble : 0.0;
}

std::vector<double> Numbers(const cJSON* object, const char* key) {
  std::vector<double> values;
  const cJSON* array = Item(object, key);
  const cJSON* element = nullptr;
  cJSON_ArrayForEach(element, array) {
    if (cJSON_IsNumber(element)) values.push_back(element->valuedouble);
  }
  return values;
}

// One value as is; several as "min .. max (n)".
std::string Summarize(const std::vector<double>& values) {
  if (values.empty()) return "";
  if (values.size() == 1) return Number(values[0]);
  const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
  return Number(*lo) + " .. " + Number(*hi) + " (" + std::to_string(values.size()) + ")";
}

struct Column {
  std::string name;  // class suffix and header
  std::function<std::string(const cJSON*)> cell;
};

void Table(std::ostringstream& html, const std::string& id, const std::string& caption,
           const cJSON* rows, const std::vector<Column>& columns) {
  html << "<h2>" << Escape(caption) << "</h2>\n<table id=\"" << id << "\">\n<tr>";
  for (const Column& column : columns) html << "<th>" << Escape(column.name) << "</th>";
  html << "</tr>\n";
  int index = 0;
  const cJSON* row = nullptr;
  cJSON_ArrayForEach(row, rows) {
    html << "<tr class=\"row\" data-index=\"" << index++ << "\">";
    for (const Column& column : columns) {
      html << "<td class=\"c-" << column.name << "\">" << Escape(column.cell(row)) << "</td>";
    }
    html << "</tr>\n";
  }
  html << "</table>\n";
}

// Vertical bars, one per entry, labelled by `labels`; heights proportional to the values.
void BarChart(std::ostringstream& html, const std::string& id, const std::string& caption,
              const std::vector<std::string>& labels, const std::vector<double>& values) {
  constexpr double kHeight = 200, kBar = 14, kGap = 4, kTop = 10;
  double top = 0;
  for (double v : values) top = std::max(top, std::fabs(v));
  const double width = std::max(1.0, double(values.size()) * (kBar + kGap));
  html << "<h2>" << Escape(caption) << "</h2>\n<svg id=\"" << id << "\" width=\""
       << Number(width + 10) << "\" height=\"" << Number(kHeight + kTop + 10) << "\">\n";
  for (size_t k = 0; k < values.size(); ++k) {
    const double h = top > 0 ? std::fabs(values[k]) / top * kHeight : 0.0;
    html << "<rect class=\"bar\" data-index=\"" << k << "\" data-value=\"" << Exact(values[k])
         << "\" x=\"" << Number(double(k) * (kBar + kGap) + 5) << "\" y=\""
         << Number(kTop + kHeight - h) << "\" width=\"" << Number(kBar) << "\" height=\""
         << Exact(h) << "\"><title>" << Escape(labels[k]) << ": " << Number(values[k])
         << "</title></rect>\n";
  }
  html << "</svg>\n";
}

void QuantizePage(std::ostringstream& html, const cJSON* root) {
  html << "<p>preset " << Escape(Text(root, "preset")) << ", overflow fix "
       << Escape(Text(root, "overflow_fix")) << ", " << Escape(Text(root, "calibration_items"))
       << " calibration items</p>\n";
  const cJSON* quantizers = Item(root, "quantizers");
  Table(html, "quantizers", "Quantizers", quantizers,
        {{"tensor", [](const cJSON* q) { return Text(q, "tensor"); }},
         {"kind", [](const cJSON* q) { return Text(q, "kind"); }},
         {"node", [](const cJSON* q) { return Text(q, "node"); }},
         {"dtype", [](const cJSON* q) { return Text(q, "dtype"); }},
         {"axis", [](const cJSON* q) { return Text(q, "axis"); }},
         {"scale", [](const cJSON* q) { return Summarize(Numbers(q, "scale")); }},
         {"zero_point", [](const cJSON* q) { return Summarize(Numbers(q, "zero_point")); }},
         {"observed_min", [](const cJSON* q) { return Summarize(Numbers(q, "observed_min")); }},
         {"observed_max", [](const cJSON* q) { return Summarize(Numbers(q, "observed_max")); }}});
  std::vector<std::string> labels;
  std::vector<double> ranges;
  const cJSON* q = nullptr;
  cJSON_ArrayForEach(q, quantizers) {
    const std::vector<double> low = Numbers(q, "input_low"), high = Numbers(q, "input_high");
    double range = 0;
    for (size_t i = 0; i < low.size() && i < high.size(); ++i) {
      range = std::max(range, high[i] - low[i]);
    }
    labels.push_back(Text(q, "tensor"));
    ranges.push_back(range);
  }
  BarChart(html, "range-chart", "Quantization range (input_high - input_low, widest channel)",
           labels, ranges);
  const cJSON* shifts = Item(root, "bias_correction");
  Table(html, "bias", "Bias correction", shifts,
        {{"node", [](const cJSON* s) { return Text(s, "node"); }},
         {"bias", [](const cJSON* s) { return Text(s, "bias"); }},
         {"magnitude", [](const cJSON* s) { return Text(s, "magnitude"); }},
         {"applied", [](const cJSON* s) { return Text(s, "applied"); }}});
  labels.clear();
  std::vector<double> magnitudes;
  const cJSON* s = nullptr;
  cJSON_ArrayForEach(s, shifts) {
    labels.push_back(Text(s, "node"));
    magnitudes.push_back(Value(s, "magnitude"));
  }
  BarChart(html, "bias-chart", "Bias shift magnitude", labels, magnitudes);
}

void CompressPage(std::ostringstream& html, const cJSON* root) {
  html << "<p>ratio achieved " << Escape(Text(root, "ratio_achieved")) << "</p>\n";
  const cJSON* layers = Item(root, "layers");
  Table(html, "layers", "Layers", layers,
        {{"node", [](const cJSON* l) { return Text(l, "node"); }},
         {"weight", [](const cJSON* l) { return Text(l, "weight"); }},
         {"mode", [](const cJSON* l) { return Text(l, "mode"); }},
         {"bits", [](const cJSON* l) { return Text(l, "bits"); }},
         {"group_size", [](const cJSON* l) { return Text(l, "group_size"); }},
         {"error", [](const cJSON* l) { return Text(l, "error"); }}});
  std::vector<std::string> labels;
  std::vector<double> errors;
  const cJSON* l = nullptr;
  cJSON_ArrayForEach(l, layers) {
    labels.push_back(Text(l, "node"));
    errors.push_back(Value(l, "error"));
  }
  BarChart(html, "error-chart", "Weight quantization error per layer", labels, errors);
}

std::string Join(const cJSON* array) {
  std::string out;
  const cJSON* item = nullptr;
  cJSON_ArrayForEach(item, array) {
    if (!cJSON_IsString(item)) continue;
    if (!out.empty()) out += ", ";
    out += item->valuestring;
  }
  return out;
}

void AccuracyControlPage(std::ostringstream& html, const cJSON* root) {
  html << "<p>metric: float " << Escape(Text(root, "initial_metric")) << ", quantized "
       << Escape(Text(root, "quantized_metric")) << ", returned "
       << Escape(Text(root, "final_metric")) << " (drop " << Escape(Text(root, "final_drop"))
       << ", max " << Escape(Text(root, "max_drop")) << ", target met "
       << Escape(Text(root, "target_met")) << "); " << Escape(Text(root, "validation_calls"))
       << " validation calls</p>\n";
  const cJSON* steps = Item(root, "steps");
  Table(html, "steps", "Reverted groups", steps,
        {{"operations", [](const cJSON* s) { return Join(Item(s, "operations")); }},
         {"metric", [](const cJSON* s) { return Text(s, "metric"); }},
         {"drop", [](const cJSON* s) { return Text(s, "drop"); }},
         {"kept", [](const cJSON* s) { return Text(s, "kept"); }}});
  std::vector<std::string> labels;
  std::vector<double> drops;
  const cJSON* s = nullptr;
  cJSON_ArrayForEach(s, steps) {
    labels.push_back(Join(Item(s, "operations")));
    drops.push_back(Value(s, "drop"));
  }
  BarChart(html, "drop-chart", "Metric drop after each step", labels, drops);
  Table(html, "phases", "Phases", Item(root, "phases"),
        {{"phase", [](const cJSON* p) { return Text(p, "phase"); }},
         {"seconds", [](const cJSON* p) { return Text(p, "seconds"); }},
         {"validation_calls", [](const cJSON* p) { return Text(p, "validation_calls"); }}});
}

}  // namespace

std::string RenderHtmlReport(ReportKind kind, const std::string& title,
                             const std::string& report_json) {
  JsonPtr root = ParseJson(report_json, "the report");
  std::ostringstream html;
  html << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>"
       << Escape(title) << "</title>\n<style>\n"
       << "body{font-family:sans-serif;margin:1.5em;color:#222}"
       << "table{border-collapse:collapse;margin:.5em 0 1.5em}"
       << "th,td{border:1px solid #ccc;padding:2px 6px;font-size:13px;text-align:left}"
       << "th{background:#eee}.bar{fill:#e08a2e}svg{border:1px solid #ddd;background:#fafafa}\n"
       << "</style>\n</head>\n<body>\n<h1>" << Escape(title) << "</h1>\n";
  switch (kind) {
    case ReportKind::kQuantize:
      QuantizePage(html, root.get());
      break;
    case ReportKind::kCompressWeights:
      CompressPage(html, root.get());
      break;
    case ReportKind::kAccuracyControl:
      AccuracyControlPage(html, root.get());
      break;
  }
  // The JSON for tools; "</" cannot end the script element early.
  std::string embedded = report_json;
  for (size_t at = embedded.find("</"); at != std::string::npos; at = embedded.find("</", at)) {
    embedded.replace(at, 2, "<\\/");
  }
  html << "<script type=\"application/json\" id=\"nncf-report\">" << embedded
       << "</script>\n</body>\n</html>\n";
  return html.str();
}

void WriteReport(const std::string& path, ReportKind kind, const std::string& title,
                 const std::string& report_json) {
  const auto ends_with = [&path](const std::string& suffix) {
    return path.size() >= suffix.size() &&
           std::equal(suffix.rbegin(), suffix.rend(), path.rbegin(),
                      [](char a, char b) { return std::tolower(a) == std::tolower(b); });
  };
  const bool html = ends_with(".html") || ends_with(".htm");
  const std::string text = html ? RenderHtmlReport(kind, title, report_json) : report_json;
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  if (!file) throw CliError(kExitIo, "cannot create '" + path + "'");
  file << text;
  if (!file) throw CliError(kExitIo, "cannot write '" + path + "'");
}

}  // namespace nncf_cli
