// The CIC statistics of every flow of every nDPI capture obey the identities
// the released dataset obeys (spec 0.3) and never hold NaN or infinities.
#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "tools/run_capture.h"
#include "tools/shared_data.h"

namespace mld::testing {
namespace {

using flow::CicValue;

void expect_near_relative(double actual, double expected, const std::string& what) {
  EXPECT_LE(std::abs(actual - expected), 1e-9 * std::max(1.0, std::abs(expected))) << what;
}

void check_flow(const flow::FlowRecord& r, flow::FeatureProfile profile, const std::string& where) {
  const flow::CicValues values = r.features.values(r.cic_context(), profile);
  std::map<std::string_view, CicValue> v;
  for (std::size_t i = 0; i < flow::kCicColumnCount; ++i) {
    v[flow::kCicColumns[i].json_key] = values[i];
    if (values[i].is_float) {
      ASSERT_TRUE(std::isfinite(values[i].real)) << where << " " << flow::kCicColumns[i].json_key;
    }
  }
  auto i = [&](const char* key) { return v.at(key).integer; };
  auto d = [&](const char* key) { return v.at(key).real; };
  const std::int64_t nf = i("total_fwd_packets"), nb = i("total_bwd_packets"), n = nf + nb;
  const std::int64_t bf = i("total_length_fwd_packets"), bb = i("total_length_bwd_packets");
  const std::int64_t dur = i("flow_duration");

  ASSERT_EQ(static_cast<std::uint64_t>(n), r.packets_toserver + r.packets_toclient) << where;
  expect_near_relative(d("packet_length_mean"), double(bf + bb) / double(n), where + " mean");
  expect_near_relative(d("average_packet_size"), d("packet_length_mean"), where);
  expect_near_relative(d("packet_length_variance"),
                       d("packet_length_std") * d("packet_length_std"), where + " variance");
  if (n > 1) expect_near_relative(d("flow_iat_mean"), double(dur) / double(n - 1), where);
  if (dur > 0) {
    expect_near_relative(d("flow_bytes_per_s"), double(bf + bb) / (double(dur) / 1e6), where);
  } else {
    EXPECT_EQ(d("flow_bytes_per_s"), -1.0) << where;
  }
  if (nf > 0) expect_near_relative(d("fwd_packet_length_mean") * double(nf), double(bf), where);
  EXPECT_LE(i("flow_iat_max"), dur) << where;
  EXPECT_LE(i("fwd_iat_total"), dur) << where;
  EXPECT_LE(i("active_max"), dur) << where;
  if (i("idle_min") != 0) {
    EXPECT_GT(i("idle_min"), 5'000'000) << where;  // strictly more than the activity timeout
  }
  EXPECT_LE(i("packet_length_min"), i("packet_length_max")) << where;
  EXPECT_LE(i("fwd_act_data_packets"), nf) << where;
  EXPECT_GE(i("rst_flag_count"), i("fwd_rst_flags") + i("bwd_rst_flags")) << where;
  if (profile == flow::FeatureProfile::dataset) {
    EXPECT_EQ(v.at("subflow_fwd_bytes").integer, bf / n) << where;  // [Q4]
    EXPECT_EQ(v.at("subflow_bwd_packets").integer, nb / n) << where;
  }
}

TEST(CicInvariants, EveryFlowOfTheNdpiCorpusObeysTheDatasetIdentities) {
  MLD_REQUIRE_SHARED_DATA();
  const auto options = options_from({"decode.tunnels=false", "app.enabled=false"});
  std::size_t flows = 0;
  for (const std::string& capture : captures_under("ndpi/tests/cfgs/default/pcap")) {
    for (const flow::FlowRecord& r : run_captures({capture}, options).records) {
      ASSERT_TRUE(r.has_features);
      check_flow(r, flow::FeatureProfile::dataset, capture);
      check_flow(r, flow::FeatureProfile::fixed, capture);
      ++flows;
    }
  }
  std::cout << "CIC invariants hold on " << flows << " flows\n";
  EXPECT_GT(flows, 8000u);
}

}  // namespace
}  // namespace mld::testing
