// `--report out.html`: the JSON report of quantize, compress-weights or accuracy-control as a
// self-contained page (inline CSS and SVG, no scripts, no external references) with the
// per-layer tables and bar charts, and the JSON itself embedded for tools.
#pragma once

#include <string>

namespace nncf_cli {

enum class ReportKind { kQuantize, kCompressWeights, kAccuracyControl };

// The page. Every table row is <tr class="row" data-index="k"> with one <td class="c-<column>">
// per column; every bar is <rect class="bar" data-index="k" data-value="v" height="h"> with h
// proportional to v (the tallest bar is 200). Numbers are shown with 6 significant digits.
// `report_json` must parse (the library's reports always do; throws CliError otherwise).
std::string RenderHtmlReport(ReportKind kind, const std::string& title,
                             const std::string& report_json);

// Writes the report to `path`: HTML when it ends in ".html" or ".htm", the JSON as is otherwise.
// Throws CliError (i/o) when the file cannot be written.
void WriteReport(const std::string& path, ReportKind kind, const std::string& title,
                 const std::string& report_json);

}  // namespace nncf_cli
