#include "detect/name_scores.h"

#include <libpsl.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "detect/dga_model_weights.h"

namespace mld::detect {
namespace {

// RFC 1035: at most 253 characters without the root dot. Longer input is
// judged by its last 253 characters, where the registered domain sits.
constexpr std::size_t kMaxNameLength = 253;
constexpr std::size_t kMaxLabelLength = 63;
// The longest Public Suffix List rule has 5 labels, so a registered domain has
// at most 6; libpsl's cost grows with the labels it is given, and tunnel names
// have many.
constexpr std::size_t kLabelsPslNeeds = 7;

bool is_upper(unsigned char c) { return c >= 'A' && c <= 'Z'; }
bool is_lower(unsigned char c) { return c >= 'a' && c <= 'z'; }
bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
bool is_letter(unsigned char c) { return is_upper(c) || is_lower(c); }
unsigned char to_lower(unsigned char c) { return is_upper(c) ? c + ('a' - 'A') : c; }

std::string_view without_root_dots(std::string_view name) {
  while (!name.empty() && name.back() == '.') name.remove_suffix(1);
  return name;
}

// The last kMaxNameLength characters of `name`, starting at a label.
std::string_view bounded_tail(std::string_view name) {
  if (name.size() <= kMaxNameLength) return name;
  std::string_view tail = name.substr(name.size() - kMaxNameLength);
  const std::size_t dot = tail.find('.');
  return tail.substr(dot == std::string_view::npos ? tail.size() : dot + 1);
}

// The last `count` labels of `name`.
std::string_view last_labels(std::string_view name, std::size_t count) {
  std::size_t start = name.size();
  while (count-- > 0) {
    const std::size_t dot = start == 0 ? std::string_view::npos : name.rfind('.', start - 1);
    if (dot == std::string_view::npos) return name;
    start = dot;
  }
  return name.substr(start + 1);
}

// libpsl wants a NUL-terminated, lower-case string; the copy lives on the
// stack (no allocation) and keeps offsets, so the result maps back onto
// `name`. A NUL byte inside the name would end the C string early: it becomes
// '?', which no suffix rule matches.
std::size_t registered_domain_offset(std::string_view name) {
  std::array<char, kMaxNameLength + 1> lowered{};
  std::transform(name.begin(), name.end(), lowered.begin(), [](char c) {
    return c == '\0' ? '?' : static_cast<char>(to_lower(static_cast<unsigned char>(c)));
  });
  // psl_builtin(): the list compiled into Debian's libpsl from its publicsuffix
  // package; static, shared by all threads, no file I/O and never null.
  const char *found = psl_registrable_domain(psl_builtin(), lowered.data());
  return found == nullptr ? 0 : static_cast<std::size_t>(found - lowered.data());
}

double logistic(double z) { return 1.0 / (1.0 + std::exp(-z)); }

// ---- tunnel score ------------------------------------------------------

// What data encoded into labels leaves behind, counted over the subdomain.
struct LabelStatistics {
  std::size_t characters = 0;  // without the dots
  std::size_t longest_label = 0;
  std::size_t non_hostname = 0;           // bytes outside letters, digits, '-', '_'
  std::size_t mixed_case = 0;             // minority-case letters in mixed-case labels
  std::size_t letter_digit_switches = 0;  // "a1b2" has 3
};

struct LabelCounter {
  LabelStatistics &out;
  bool count_case;
  std::size_t length = 0, upper = 0, lower = 0;
  int previous = 0;  // 0: none or other, 1: letter, 2: digit

  void add(unsigned char c) {
    ++length;
    upper += is_upper(c);
    lower += is_lower(c);
    const int kind = is_letter(c) ? 1 : is_digit(c) ? 2 : 0;
    if (kind == 0 && c != '-' && c != '_') ++out.non_hostname;
    if (kind != 0 && previous != 0 && kind != previous) ++out.letter_digit_switches;
    previous = kind;
  }
  void end_label() {
    out.characters += length;
    out.longest_label = std::max(out.longest_label, length);
    if (count_case) out.mixed_case += std::min(upper, lower);
    length = upper = lower = 0;
    previous = 0;
  }
};

bool has_mixed_case(std::string_view text) {
  bool upper = false, lower = false;
  for (const char c : text) {
    upper |= is_upper(static_cast<unsigned char>(c));
    lower |= is_lower(static_cast<unsigned char>(c));
  }
  return upper && lower;
}

LabelStatistics label_statistics(std::string_view subdomain, bool count_case) {
  LabelStatistics stats;
  LabelCounter counter{stats, count_case};
  for (const char c : subdomain) {
    if (c == '.') {
      counter.end_label();
    } else {
      counter.add(static_cast<unsigned char>(c));
    }
  }
  counter.end_label();
  return stats;
}

// Names that never reach a delegated authoritative server cannot carry a
// tunnel: multicast DNS (RFC 6762) stays on the link.
bool is_link_local(std::string_view registered) {
  const std::size_t dot = registered.rfind('.');
  const std::string_view tld =
      dot == std::string_view::npos ? registered : registered.substr(dot + 1);
  return tld.size() == 5 && std::equal(tld.begin(), tld.end(), "local", [](char a, char b) {
           return to_lower(static_cast<unsigned char>(a)) == b;
         });
}

// ---- DGA score ---------------------------------------------------------

int bigram_symbol(unsigned char c) {
  c = to_lower(c);
  if (is_lower(c)) return 1 + (c - 'a');
  if (is_digit(c)) return 27 + (c - '0');
  if (c == '-') return 37;
  return dga_model::kSymbols - 1;
}

bool is_vowel(unsigned char c) {
  c = to_lower(c);
  return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y';
}

// The three smallest values seen, for "how unlikely are the worst bigrams".
struct LowestThree {
  std::array<double, 3> values{0, 0, 0};
  std::size_t count = 0;
  void add(double v) {
    if (count < 3) {
      values[count++] = v;
    } else {
      double *largest = std::max_element(values.begin(), values.end());
      if (v < *largest) *largest = v;
    }
  }
  double mean() const {
    double sum = 0;
    for (std::size_t i = 0; i < count; ++i) sum += values[i];
    return count == 0 ? 0 : sum / static_cast<double>(count);
  }
};

// The seven features of tools/fit_dga_model.py, in its order.
std::array<double, 7> dga_features(std::string_view label) {
  const double n = static_cast<double>(label.size());
  double log_p_sum = 0;
  LowestThree lowest;
  int previous = 0;  // the boundary symbol
  std::size_t digits = 0, vowels = 0, run = 0, longest_run = 0;
  std::array<std::uint16_t, 256> counts{};
  for (const char ch : label) {
    const auto c = static_cast<unsigned char>(ch);
    const int symbol = bigram_symbol(c);
    const double log_p = dga_model::kBigramLogP[previous][symbol];
    log_p_sum += log_p;
    lowest.add(log_p);
    previous = symbol;
    digits += is_digit(c);
    vowels += is_vowel(c);
    run = is_letter(c) && !is_vowel(c) ? run + 1 : 0;
    longest_run = std::max(longest_run, run);
    ++counts[to_lower(c)];
  }
  const double end_log_p = dga_model::kBigramLogP[previous][0];
  log_p_sum += end_log_p;
  lowest.add(end_log_p);
  double entropy = 0;
  for (const std::uint16_t count : counts) {
    if (count == 0) continue;
    const double p = count / n;
    entropy -= p * std::log2(p);
  }
  return {log_p_sum / (n + 1), lowest.mean(), n / 10,
          digits / n,          vowels / n,    static_cast<double>(longest_run) / 5,
          entropy / 4};
}

}  // namespace

std::string_view registered_domain(std::string_view name) {
  const std::string_view tail = last_labels(bounded_tail(without_root_dots(name)), kLabelsPslNeeds);
  return tail.substr(registered_domain_offset(tail));
}

namespace {

// What precedes `registered` (a tail of `whole`) and its dot.
std::string_view in_front_of(std::string_view whole, std::string_view registered) {
  if (registered.empty() || registered.size() + 1 > whole.size()) return {};
  return whole.substr(0, whole.size() - registered.size() - 1);
}

}  // namespace

std::string_view subdomain_part(std::string_view name) {
  const std::string_view whole = without_root_dots(name);
  return in_front_of(whole, registered_domain(whole));
}

// Weights set by hand, not fitted: the labelled tunnel names are too narrow a
// sample (three tools, one benign list without subdomains) to fit on. Each term
// is a trace of encoding: a label or a subdomain longer than names people
// pick, bytes no hostname has (base64 '+' '/' '=', raw 8-bit iodine), case
// used as data (only when the registered domain is not mixed case itself, as
// 0x20 randomisation would make it) and letters and digits interleaved
// (base32, hex). A lone 32-hex-digit label (hash) stays below 0.5.
double tunnel_name_score(std::string_view qname) {
  const std::string_view whole = without_root_dots(qname);
  const std::string_view registered = registered_domain(whole);
  const std::string_view subdomain = in_front_of(whole, registered);
  if (subdomain.empty() || is_link_local(registered)) return 0;
  const LabelStatistics s = label_statistics(subdomain, !has_mixed_case(registered));
  const auto over = [](std::size_t value, std::size_t cap, std::size_t from) {
    return static_cast<double>(std::min(value, cap) - std::min(std::min(value, cap), from));
  };
  const double z = -5.0 + 0.06 * over(s.characters, 150, 24) +
                   0.15 * over(s.longest_label, kMaxLabelLength, 28) +
                   3.0 * static_cast<double>(std::min<std::size_t>(s.non_hostname, 4)) +
                   0.8 * static_cast<double>(std::min<std::size_t>(s.mixed_case, 8)) +
                   0.2 * static_cast<double>(std::min<std::size_t>(s.letter_digit_switches, 10));
  return logistic(z);
}

double dga_name_score(std::string_view domain) {
  const std::string_view registered = registered_domain(domain);
  const std::string_view label = registered.substr(0, registered.find('.'));
  if (label.empty()) return 0;
  const std::array<double, 7> features = dga_features(label.substr(0, kMaxLabelLength));
  double z = dga_model::kBias;
  for (std::size_t i = 0; i < features.size(); ++i) z += dga_model::kWeights[i] * features[i];
  return logistic(z);
}

}  // namespace mld::detect
