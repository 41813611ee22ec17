#include "detect/cic_csv.h"

#include <openssl/evp.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <memory>
#include <sstream>
#include <string_view>

#include "common/hex_text.h"
#include "flow/cic_columns.h"

namespace mld::detect {
namespace {

namespace fs = std::filesystem;

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw CsvError(path + ": cannot open");
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (in.bad()) throw CsvError(path + ": cannot read");
  return bytes.str();
}

class Sha256 {
 public:
  Sha256() : context_(EVP_MD_CTX_new(), EVP_MD_CTX_free) {
    if (!context_ || EVP_DigestInit_ex(context_.get(), EVP_sha256(), nullptr) != 1) {
      throw std::runtime_error("OpenSSL SHA-256 unavailable");
    }
  }
  void add(std::string_view bytes) { EVP_DigestUpdate(context_.get(), bytes.data(), bytes.size()); }
  std::string hex() {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    EVP_DigestFinal_ex(context_.get(), digest, &size);
    return hex_text({digest, size}, HexCase::lower);
  }

 private:
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> context_;
};

// Splits one CSV line at commas into `fields` (views into `line`).
void split(std::string_view line, std::vector<std::string_view>& fields) {
  fields.clear();
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = line.find(',', start);
    fields.push_back(line.substr(start, comma - start));
    if (comma == std::string_view::npos) return;
    start = comma + 1;
  }
}

// The reading state of one file: where its wanted columns are.
struct Layout {
  std::vector<std::size_t> feature_fields;  // per wanted feature: its field index
  std::size_t label_field = 0;
  std::size_t fields = 0;
};

Layout read_header(std::string_view header, const std::vector<std::string>& features,
                   const std::string& file) {
  std::vector<std::string_view> names;
  split(header, names);
  const auto find = [&](std::string_view name) {
    const auto it = std::find(names.begin(), names.end(), name);
    if (it == names.end()) {
      throw CsvError(file + ":1: the header has no column \"" + std::string(name) + "\"");
    }
    return static_cast<std::size_t>(it - names.begin());
  };
  Layout layout;
  for (const std::string& feature : features) layout.feature_fields.push_back(find(feature));
  layout.label_field = find("Label");
  layout.fields = names.size();
  return layout;
}

// Parses a whole field as a number; false when it is not one.
bool parse_number(std::string_view field, double& value) {
  const char* end = field.data() + field.size();
  const auto [stop, error] = std::from_chars(field.data(), end, value);
  return error == std::errc() && stop == end && !field.empty();
}

bool representable(double value) {
  return std::isfinite(value) && std::abs(value) <= std::numeric_limits<float>::max();
}

}  // namespace

std::vector<std::string> cic_feature_names() {
  std::vector<std::string> names;
  for (const flow::CicColumnInfo& column : flow::kCicColumns) names.emplace_back(column.csv_name);
  return names;
}

std::vector<std::string> cic_csv_files(const std::vector<std::string>& inputs) {
  std::vector<fs::path> files;
  for (const std::string& input : inputs) {
    std::error_code error;
    if (fs::is_directory(input, error)) {
      for (const fs::directory_entry& entry : fs::directory_iterator(input)) {
        if (entry.is_regular_file() && entry.path().extension() == ".csv") {
          files.push_back(entry.path());
        }
      }
    } else if (fs::is_regular_file(input, error)) {
      files.emplace_back(input);
    } else {
      throw CsvError(input + ": no such file or directory");
    }
  }
  std::sort(files.begin(), files.end(), [](const fs::path& a, const fs::path& b) {
    return std::pair(a.filename(), a) < std::pair(b.filename(), b);
  });
  return {files.begin(), files.end()};
}

LabelledFlows read_cic_csv(const std::vector<std::string>& files,
                           const std::vector<std::string>& features) {
  LabelledFlows flows;
  flows.features = features;
  flows.files = files;
  Sha256 hash;
  std::vector<std::string> row_labels;
  std::vector<std::string_view> fields;
  std::vector<float> row(features.size());
  for (const std::string& file : files) {
    const std::string bytes = read_bytes(file);
    hash.add(bytes);
    std::string_view rest = bytes;
    std::size_t line_number = 0;
    Layout layout;
    while (!rest.empty()) {
      const std::size_t newline = rest.find('\n');
      std::string_view line = rest.substr(0, newline);
      rest = newline == std::string_view::npos ? "" : rest.substr(newline + 1);
      ++line_number;
      if (line.ends_with('\r')) line.remove_suffix(1);
      const std::string at = file + ":" + std::to_string(line_number) + ": ";
      if (line.find('"') != std::string_view::npos)
        throw CsvError(at + "quoted fields are not supported");
      if (line_number == 1) {
        layout = read_header(line, features, file);
        continue;
      }
      split(line, fields);
      if (fields.size() != layout.fields) {
        throw CsvError(at + std::to_string(fields.size()) + " fields, the header has " +
                       std::to_string(layout.fields));
      }
      bool finite = true;
      for (std::size_t f = 0; f < features.size(); ++f) {
        double value = 0;
        const std::string_view field = fields[layout.feature_fields[f]];
        if (!parse_number(field, value)) {
          throw CsvError(at + "\"" + features[f] + "\" is not a number: \"" + std::string(field) +
                         "\"");
        }
        finite = finite && representable(value);
        row[f] = static_cast<float>(value);
      }
      const std::string_view label = fields[layout.label_field];
      if (label.empty()) throw CsvError(at + "empty Label");
      if (!finite) {
        ++flows.skipped_non_finite;
        continue;
      }
      flows.values.insert(flows.values.end(), row.begin(), row.end());
      row_labels.emplace_back(label);
    }
    if (line_number == 0) throw CsvError(file + ": empty file (no header)");
  }
  flows.sha256 = hash.hex();

  std::map<std::string, std::uint32_t> index;
  for (const std::string& label : row_labels) index.emplace(label, 0);
  for (auto& [label, i] : index) {
    i = static_cast<std::uint32_t>(flows.classes.size());
    flows.classes.push_back(label);
  }
  for (const std::string& label : row_labels) flows.labels.push_back(index[label]);
  return flows;
}

}  // namespace mld::detect
