#include "detect/xgboost_booster.h"

#include <xgboost/c_api.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <limits>
#include <memory>
#include <string>
#include <thread>

namespace mld::detect {
namespace {

using nlohmann::json;

// A DMatrix of the chosen rows, labels set; freed on scope exit.
class Matrix {
 public:
  Matrix(const LabelledFlows& flows, std::span<const std::size_t> rows) {
    const std::size_t columns = flows.features.size();
    std::vector<float> values;
    std::vector<float> labels;
    values.reserve(rows.size() * columns);
    for (const std::size_t row : rows) {
      values.insert(values.end(), flows.row(row), flows.row(row) + columns);
      labels.push_back(static_cast<float>(flows.labels[row]));
    }
    check_xgboost(XGDMatrixCreateFromMat(values.data(), rows.size(), columns,
                                         std::numeric_limits<float>::quiet_NaN(), &handle_),
                  "XGDMatrixCreateFromMat");
    check_xgboost(XGDMatrixSetFloatInfo(handle_, "label", labels.data(), labels.size()),
                  "XGDMatrixSetFloatInfo");
  }
  ~Matrix() { XGDMatrixFree(handle_); }
  Matrix(const Matrix&) = delete;
  Matrix& operator=(const Matrix&) = delete;
  DMatrixHandle get() const { return handle_; }

 private:
  DMatrixHandle handle_ = nullptr;
};

// The double whose shortest decimal is the float's shortest decimal: written
// by nlohmann::json as that short text, read back as exactly `value`.
double shortest(float value) {
  char text[32];
  const auto end = std::to_chars(text, text + sizeof text, value).ptr;
  *end = '\0';
  return std::strtod(text, nullptr);
}

// One XGBoost tree, renumbered breadth first from the root (XGBoost may leave
// deleted nodes in its arrays, and reuses their slots).
json convert_tree(const json& tree, int tree_class) {
  const auto& left = tree.at("left_children").get_ref<const json::array_t&>();
  const auto& right = tree.at("right_children").get_ref<const json::array_t&>();
  const auto& feature = tree.at("split_indices").get_ref<const json::array_t&>();
  const auto& condition = tree.at("split_conditions").get_ref<const json::array_t&>();
  json out_left = json::array(), out_right = json::array(), out_feature = json::array(),
       out_value = json::array();
  std::vector<std::int64_t> order{0};  // breadth-first position -> XGBoost node
  for (std::size_t position = 0; position < order.size(); ++position) {
    const std::int64_t node = order[position];
    out_value.push_back(shortest(condition.at(node).get<float>()));
    if (left.at(node).get<std::int64_t>() == -1) {
      out_left.push_back(-1), out_right.push_back(-1), out_feature.push_back(-1);
      continue;
    }
    out_left.push_back(order.size());
    out_right.push_back(order.size() + 1);
    out_feature.push_back(feature.at(node));
    order.push_back(left.at(node).get<std::int64_t>());
    order.push_back(right.at(node).get<std::int64_t>());
  }
  return {{"class", tree_class},
          {"left", out_left},
          {"right", out_right},
          {"feature", out_feature},
          {"value", out_value}};
}

}  // namespace

void check_xgboost(int status, const char* call) {
  if (status != 0) throw XgboostError(std::string(call) + ": " + XGBGetLastError());
}

XgbBooster XgbBooster::train(const LabelledFlows& flows, std::span<const std::size_t> rows,
                             const BoosterParams& params) {
  const Matrix matrix(flows, rows);
  DMatrixHandle matrices[] = {matrix.get()};
  BoosterHandle handle = nullptr;
  check_xgboost(XGBoosterCreate(matrices, 1, &handle), "XGBoosterCreate");
  XgbBooster booster(handle);
  const int threads =
      params.threads > 0 ? params.threads : static_cast<int>(std::thread::hardware_concurrency());
  const std::pair<const char*, std::string> settings[] = {
      {"objective", "multi:softprob"},
      {"num_class", std::to_string(flows.classes.size())},
      {"tree_method", "hist"},
      {"max_depth", std::to_string(params.max_depth)},
      {"eta", std::to_string(params.eta)},
      {"seed", std::to_string(params.seed)},
      {"nthread", std::to_string(std::max(threads, 1))},
      {"verbosity", "0"},
  };
  for (const auto& [name, value] : settings) {
    check_xgboost(XGBoosterSetParam(handle, name, value.c_str()), "XGBoosterSetParam");
  }
  for (int round = 0; round < params.rounds; ++round) {
    check_xgboost(XGBoosterUpdateOneIter(handle, round, matrix.get()), "XGBoosterUpdateOneIter");
  }
  return booster;
}

XgbBooster::XgbBooster(XgbBooster&& other) noexcept : handle_(other.handle_) {
  other.handle_ = nullptr;
}

XgbBooster::~XgbBooster() {
  if (handle_ != nullptr) XGBoosterFree(handle_);
}

std::vector<float> XgbBooster::predict(const LabelledFlows& flows,
                                       std::span<const std::size_t> rows) const {
  const Matrix matrix(flows, rows);
  const char* config = R"({"type": 0, "training": false, "iteration_begin": 0, "iteration_end": 0,)"
                       R"( "strict_shape": false})";
  const bst_ulong* shape = nullptr;
  bst_ulong dimensions = 0;
  const float* result = nullptr;
  check_xgboost(
      XGBoosterPredictFromDMatrix(handle_, matrix.get(), config, &shape, &dimensions, &result),
      "XGBoosterPredictFromDMatrix");
  return {result, result + rows.size() * flows.classes.size()};
}

json XgbBooster::model_trees() const {
  bst_ulong size = 0;
  const char* bytes = nullptr;
  check_xgboost(XGBoosterSaveModelToBuffer(handle_, R"({"format": "json"})", &size, &bytes),
                "XGBoosterSaveModelToBuffer");
  const json xgb = json::parse(bytes, bytes + size);
  const json& learner = xgb.at("learner");
  const json& model = learner.at("gradient_booster").at("model");
  const auto& tree_info = model.at("tree_info");
  json trees = json::array();
  for (std::size_t t = 0; t < model.at("trees").size(); ++t) {
    trees.push_back(convert_tree(model["trees"][t], tree_info.at(t).get<int>()));
  }
  // XGBoost 1.7 writes base_score as a string ("5E-1").
  const float base_score =
      std::stof(learner.at("learner_model_param").at("base_score").get<std::string>());
  return {{"base_score", shortest(base_score)}, {"trees", trees}};
}

}  // namespace mld::detect
