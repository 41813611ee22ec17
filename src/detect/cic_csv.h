#pragma once
// Labelled flows in the CIC CSV layout (the corrected CIC-IDS2017 files: one
// header line naming the columns, a `Label` column), read into a float matrix
// for training and evaluating tree ensembles.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace mld::detect {

class CsvError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct LabelledFlows {
  std::vector<std::string> features;  // CIC column names, in matrix column order
  std::vector<std::string> classes;   // the labels seen, sorted
  std::vector<float> values;          // row-major: rows() x features.size()
  std::vector<std::uint32_t> labels;  // per row: index into classes
  std::vector<std::string> files;     // read in this order (sorted by file name)
  std::string sha256;                 // hex, of the files' bytes in that order
  // Rows dropped because a feature was NaN, infinite or beyond float range
  // (the original CIC-IDS2017 CSVs have "Infinity" and "NaN" rates; our
  // sensor never produces either, so such rows cannot teach the model).
  std::size_t skipped_non_finite = 0;

  std::size_t rows() const { return labels.size(); }
  const float* row(std::size_t i) const { return values.data() + i * features.size(); }
};

// The CSV names of the 81 CIC statistic columns (flow/cic_columns.h): the
// default features. Identifiers, addresses, ports and timestamps are left out
// on purpose: they describe the capture, not the behaviour.
std::vector<std::string> cic_feature_names();

// `inputs` are CSV files or directories (whose *.csv files are taken); the
// result is sorted by file name, so the data hash does not depend on the order
// of the command line. Throws CsvError when an input does not exist.
std::vector<std::string> cic_csv_files(const std::vector<std::string>& inputs);

// Reads `files` (in the given order) keeping the `features` columns. A header
// without one of them or without `Label`, a quoted field, a row with the
// wrong number of fields or a field that is not a number throws CsvError
// naming file:line: training data is not guessed at.
LabelledFlows read_cic_csv(const std::vector<std::string>& files,
                           const std::vector<std::string>& features);

}  // namespace mld::detect
