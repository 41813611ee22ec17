#include "live/live_sensor.h"

#include <chrono>
#include <stdexcept>

#include "cli/config.h"
#include "cli/run_command.h"

namespace mld::testing::live {

class LiveSensor::Collector final : public pipeline::RecordConsumer {
 public:
  explicit Collector(LiveSensor& sensor) : sensor_(sensor) {}
  void consume(const flow::FlowRecord& record) override {
    const std::lock_guard lock(sensor_.mutex_);
    sensor_.records_.push_back(record);
  }
  void consume(const app::AppEvent&) override {}
  void consume(const detect::Alert&) override {}
  void flush() override {}

 private:
  LiveSensor& sensor_;
};

LiveSensor::LiveSensor(const std::string& interface, const std::vector<std::string>& settings) {
  cli::Config config;
  for (const std::string& setting : settings) config.set(setting, "test");
  options_ = cli::make_pipeline_options(config, /*live=*/true);
  live_.interface = interface;
  live_.snaplen = static_cast<std::uint32_t>(config.count("capture.snaplen"));
  live_.ring_bytes = static_cast<std::size_t>(config.count("capture.ring-mb")) << 20;
  live_.tick_ms = static_cast<std::uint32_t>(config.count("capture.tick-ms"));
  live_.stop = &stop_;
  live_.on_capturing = [this] {
    const std::lock_guard lock(mutex_);
    capturing_ = true;
    started_.notify_all();
  };
  thread_ = std::thread([this] {
    Collector collector(*this);
    std::exception_ptr error;
    try {
      result_ = pipeline::run_live_pipeline(options_, live_, collector);
    } catch (...) {
      error = std::current_exception();
    }
    const std::lock_guard lock(mutex_);
    error_ = error;
    capturing_ = true;  // wake the constructor even when opening failed
    started_.notify_all();
  });
  std::unique_lock lock(mutex_);
  started_.wait(lock, [this] { return capturing_; });
  if (error_) {
    lock.unlock();
    thread_.join();
    std::rethrow_exception(error_);
  }
}

LiveSensor::~LiveSensor() {
  if (thread_.joinable()) {
    stop_.store(true);
    thread_.join();
  }
}

std::vector<flow::FlowRecord> LiveSensor::records_so_far() const {
  const std::lock_guard lock(mutex_);
  return records_;
}

pipeline::RunResult LiveSensor::stop() {
  stop_.store(true);
  thread_.join();
  if (error_) std::rethrow_exception(error_);
  return result_;
}

}  // namespace mld::testing::live
