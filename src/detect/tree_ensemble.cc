#include "detect/tree_ensemble.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

namespace mld::detect {

// All trees' nodes in one array, each tree laid out breadth first so that a
// split's two children are adjacent: the right child is `left + 1`, and a
// step down a tree is one comparison and one add, no branch on the side.
//
// A leaf compares against NaN (never true) and points `left` one before
// itself, so it steps to itself: the trees of a group of kLanes are walked
// together, the same number of steps each (the group's depth), with no test
// for leaves and independent loads the processor overlaps.
namespace flat {
struct Node {
  float threshold;        // go left when the feature is below it
  std::int32_t left;      // index of the left child (right is left + 1)
  std::uint16_t feature;  // 0 for leaves (read and ignored)
};
inline constexpr std::size_t kLanes = 16;

struct Forest {
  std::vector<flat::Node> nodes;          // node 0: an empty leaf, padding the last group
  std::vector<float> leaf_value;          // per node (0 for splits)
  std::vector<std::int32_t> roots;        // per tree, then padding to a multiple of kLanes
  std::vector<std::uint16_t> tree_class;  // per tree: the class its leaves add to
  std::vector<std::uint8_t> group_depth;  // per kLanes trees: their largest depth
  std::size_t trees = 0;
  float base_score = 0;
};
}  // namespace flat

struct TreeEnsemble::Arrays : flat::Forest {};

namespace {

using flat::kLanes;
using flat::Node;
using nlohmann::json;

[[noreturn]] void fail(const std::string& source, const std::string& problem) {
  throw ModelError(source + ": " + problem);
}

const json& member(const json& object, const char* key, json::value_t type,
                   const std::string& source, const std::string& where = "") {
  const auto it = object.find(key);
  const bool number_ok =
      type == json::value_t::number_float && it != object.end() && it->is_number();
  if (it == object.end() || (it->type() != type && !number_ok)) {
    fail(source, "missing or mistyped \"" + std::string(key) + "\"" + where);
  }
  return *it;
}

std::vector<std::string> unique_names(const json& list, const char* key,
                                      const std::string& source) {
  std::vector<std::string> names;
  std::set<std::string> seen;
  for (const json& name : list) {
    if (!name.is_string() || name.get_ref<const std::string&>().empty()) {
      fail(source, std::string("\"") + key + "\" holds a non-string or empty name");
    }
    if (!seen.insert(name.get<std::string>()).second) {
      fail(source, std::string("\"") + key + "\" names " + name.get<std::string>() + " twice");
    }
    names.push_back(name.get<std::string>());
  }
  return names;
}

// One tree as the file stores it: parallel arrays indexed by node, children
// after their parent (which rules out cycles), every node but the root the
// child of exactly one split (which makes it a tree).
struct FileTree {
  std::vector<std::int64_t> left, right, feature;
  std::vector<double> value;
};

FileTree read_tree(const json& tree, std::size_t index, const std::string& source) {
  const std::string where = " in tree " + std::to_string(index);
  FileTree out;
  for (const char* key : {"left", "right", "feature", "value"}) {
    const json& list = member(tree, key, json::value_t::array, source, where);
    for (const json& item : list) {
      if (!item.is_number()) fail(source, std::string("non-number in \"") + key + "\"" + where);
    }
  }
  out.left = tree["left"].get<std::vector<std::int64_t>>();
  out.right = tree["right"].get<std::vector<std::int64_t>>();
  out.feature = tree["feature"].get<std::vector<std::int64_t>>();
  out.value = tree["value"].get<std::vector<double>>();
  const std::size_t n = out.left.size();
  if (n == 0 || out.right.size() != n || out.feature.size() != n || out.value.size() != n) {
    fail(source,
         "\"left\", \"right\", \"feature\" and \"value\" differ in length or are empty" + where);
  }
  return out;
}

// Returns the tree's depth.
int check_tree(const FileTree& tree, std::size_t index, std::size_t features,
               const std::string& source) {
  const std::string where = " in tree " + std::to_string(index);
  const auto n = static_cast<std::int64_t>(tree.left.size());
  std::vector<int> depth(tree.left.size(), -1);
  depth[0] = 0;
  int deepest = 0;
  for (std::int64_t i = 0; i < n; ++i) {
    const std::string node = " at node " + std::to_string(i) + where;
    if (!std::isfinite(tree.value[i]) ||
        std::abs(tree.value[i]) > std::numeric_limits<float>::max()) {
      fail(source, "non-finite value" + node);
    }
    if (depth[i] < 0) fail(source, "node not reachable from the root" + node);
    if (tree.left[i] == -1 && tree.right[i] == -1) continue;  // a leaf
    if (tree.feature[i] < 0 || tree.feature[i] >= static_cast<std::int64_t>(features)) {
      fail(source, "feature index " + std::to_string(tree.feature[i]) + " out of range" + node);
    }
    for (const std::int64_t child : {tree.left[i], tree.right[i]}) {
      if (child <= i || child >= n) {
        fail(source, "child " + std::to_string(child) +
                         " out of range (children follow their parent: no cycles)" + node);
      }
      if (depth[child] >= 0)
        fail(source, "node " + std::to_string(child) + " has two parents" + where);
      depth[child] = depth[i] + 1;
      if (depth[child] > kMaxTreeDepth) {
        fail(source, "deeper than " + std::to_string(kMaxTreeDepth) + " levels" + where);
      }
      deepest = std::max(deepest, depth[child]);
    }
  }
  return deepest;
}

void append_leaf(flat::Forest& arrays, float value) {
  const auto self = static_cast<std::int32_t>(arrays.nodes.size());
  arrays.nodes.push_back({std::numeric_limits<float>::quiet_NaN(), self - 1, 0});
  arrays.leaf_value.push_back(value);
}

// Appends `tree` breadth first, siblings adjacent.
void append_flat(const FileTree& tree, flat::Forest& arrays) {
  const auto base = static_cast<std::int32_t>(arrays.nodes.size());
  const std::size_t n = tree.left.size();
  std::vector<std::int64_t> file_index(n);  // flat position -> file node
  file_index[0] = 0;
  std::size_t next = 1;
  for (std::size_t position = 0; position < n; ++position) {
    const std::int64_t i = file_index[position];
    if (tree.left[i] == -1) {
      append_leaf(arrays, static_cast<float>(tree.value[i]));
      continue;
    }
    arrays.nodes.push_back({static_cast<float>(tree.value[i]),
                            base + static_cast<std::int32_t>(next),
                            static_cast<std::uint16_t>(tree.feature[i])});
    arrays.leaf_value.push_back(0);
    file_index[next++] = tree.left[i];
    file_index[next++] = tree.right[i];
  }
}

// Pads the trees to whole groups with the empty leaf (node 0, class 0: adding
// its 0 changes no margin) and records each group's depth.
void group_trees(flat::Forest& arrays, const std::vector<int>& depths) {
  while (arrays.roots.size() % kLanes != 0) {
    arrays.roots.push_back(0);
    arrays.tree_class.push_back(0);
  }
  for (std::size_t first = 0; first < arrays.roots.size(); first += kLanes) {
    const auto end =
        depths.begin() + static_cast<std::ptrdiff_t>(std::min(first + kLanes, depths.size()));
    arrays.group_depth.push_back(static_cast<std::uint8_t>(
        *std::max_element(depths.begin() + static_cast<std::ptrdiff_t>(first), end)));
  }
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ModelError(path + ": cannot open the model file");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw ModelError(path + ": cannot read the model file");
  return text.str();
}

}  // namespace

TreeEnsemble TreeEnsemble::load(const std::string& path) { return parse(read_file(path), path); }

TreeEnsemble TreeEnsemble::parse(std::string_view text, const std::string& source) {
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::exception& e) {
    fail(source, std::string("not valid JSON: ") + e.what());
  }
  if (!doc.is_object()) fail(source, "not a JSON object");
  if (member(doc, "format", json::value_t::string, source) != kModelFormat) {
    fail(source, "format is not \"" + std::string(kModelFormat) + "\"");
  }
  const json& version = member(doc, "version", json::value_t::number_unsigned, source);
  if (version != kModelVersion) {
    fail(source, "unsupported version " + version.dump() + " (this build reads " +
                     std::to_string(kModelVersion) + ")");
  }
  if (member(doc, "objective", json::value_t::string, source) != "multi:softprob") {
    fail(source, "objective is not \"multi:softprob\"");
  }
  TreeEnsemble model;
  model.source_ = source;
  model.profile_ = member(doc, "feature_profile", json::value_t::string, source);
  if (model.profile_ != "dataset" && model.profile_ != "fixed") {
    fail(source, "feature_profile is neither \"dataset\" nor \"fixed\"");
  }
  model.features_ =
      unique_names(member(doc, "features", json::value_t::array, source), "features", source);
  model.classes_ =
      unique_names(member(doc, "classes", json::value_t::array, source), "classes", source);
  if (model.features_.empty() || model.features_.size() > UINT16_MAX) {
    fail(source, "needs between 1 and 65535 features");
  }
  if (model.classes_.size() < 2 || model.classes_.size() > UINT16_MAX) {
    fail(source, "needs between 2 and 65535 classes");
  }

  auto arrays = std::make_shared<Arrays>();
  const double base_score = member(doc, "base_score", json::value_t::number_float, source);
  if (!std::isfinite(base_score)) fail(source, "base_score is not finite");
  arrays->base_score = static_cast<float>(base_score);
  append_leaf(*arrays, 0);  // the padding tree
  std::vector<int> depths;
  const json& trees = member(doc, "trees", json::value_t::array, source);
  if (trees.empty()) fail(source, "has no trees");
  for (std::size_t t = 0; t < trees.size(); ++t) {
    const std::string where = " in tree " + std::to_string(t);
    if (!trees[t].is_object()) fail(source, "not an object" + where);
    const json& tree_class =
        member(trees[t], "class", json::value_t::number_unsigned, source, where);
    if (tree_class >= model.classes_.size()) fail(source, "class out of range" + where);
    const FileTree tree = read_tree(trees[t], t, source);
    depths.push_back(check_tree(tree, t, model.features_.size(), source));
    if (arrays->nodes.size() + tree.left.size() > INT32_MAX) fail(source, "too many nodes");
    arrays->roots.push_back(static_cast<std::int32_t>(arrays->nodes.size()));
    arrays->tree_class.push_back(tree_class.get<std::uint16_t>());
    append_flat(tree, *arrays);
  }
  arrays->trees = trees.size();
  group_trees(*arrays, depths);
  model.arrays_ = std::move(arrays);
  return model;
}

std::size_t TreeEnsemble::trees() const { return arrays_ ? arrays_->trees : 0; }

void TreeEnsemble::predict(std::span<const float> features, std::span<float> probabilities) const {
  if (!arrays_ || features.size() != features_.size() || probabilities.size() != classes_.size()) {
    throw std::invalid_argument("TreeEnsemble::predict: wrong feature or class count");
  }
  const Arrays& a = *arrays_;
  const Node* nodes = a.nodes.data();
  // Margins first, in `probabilities`: base score plus the leaf of every
  // tree of the class (XGBoost's multi:softprob), then the softmax.
  std::fill(probabilities.begin(), probabilities.end(), a.base_score);
  for (std::size_t group = 0; group < a.group_depth.size(); ++group) {
    const std::size_t first = group * kLanes;
    std::int32_t at[kLanes];
    for (std::size_t lane = 0; lane < kLanes; ++lane) at[lane] = a.roots[first + lane];
    for (int step = 0; step < a.group_depth[group]; ++step) {
      for (std::size_t lane = 0; lane < kLanes; ++lane) {
        const Node& node = nodes[at[lane]];
        at[lane] = node.left + !(features[node.feature] < node.threshold);
      }
    }
    for (std::size_t lane = 0; lane < kLanes; ++lane) {
      probabilities[a.tree_class[first + lane]] += a.leaf_value[at[lane]];
    }
  }
  const float largest = *std::max_element(probabilities.begin(), probabilities.end());
  float sum = 0;
  for (float& p : probabilities) {
    p = std::exp(p - largest);
    sum += p;
  }
  for (float& p : probabilities) p /= sum;
}

}  // namespace mld::detect
