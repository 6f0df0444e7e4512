#pragma once
// --csv hops: one row per hop, for spreadsheets.

#include <optional>
#include <string>
#include <string_view>

#include "hopscope/report.hpp"

namespace hopscope::cli {

[[nodiscard]] std::string csv_header();
/// Rows (each ending in CRLF, RFC 4180) for every hop of `report`.
[[nodiscard]] std::string csv_rows(const analysis_report& report,
                                   std::optional<std::size_t> mbox_index);
/// One row for an input that failed.
[[nodiscard]] std::string csv_error_row(std::string_view source, std::string_view code);

}  // namespace hopscope::cli
