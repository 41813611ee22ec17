#include "output/file_sink.h"

#include <condition_variable>
#include <cstdio>
#include <deque>
#include <functional>
#include <filesystem>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>

#include "common/wall_clock.h"
#include "output/iso_time.h"
#include "output/json_writer.h"
#include "output/line_file.h"
#include "output/log_line_reader.h"
#include "output/rotated_files.h"
#include "output/torn_tail.h"

namespace mld::output {
namespace {

// Compression and retention of rotated files, off the sink thread: a large
// file takes a while to compress and the log must keep flowing meanwhile.
class Housekeeper {
 public:
  Housekeeper(const FileSinkOptions& options, RotatedFiles files)
      : compress_(options.compress),
        retain_count_(options.retain_count),
        retain_bytes_(options.retain_bytes),
        files_(std::move(files)),
        thread_([this] { run(); }) {}

  ~Housekeeper() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }

  void file_rotated(std::string path) {
    {
      std::lock_guard lock(mutex_);
      pending_.push_back(std::move(path));
    }
    wake_.notify_all();
  }

 private:
  void run() {
    std::unique_lock lock(mutex_);
    for (;;) {
      wake_.wait(lock, [&] { return stopping_ || !pending_.empty(); });
      if (pending_.empty()) return;  // stopping, with nothing left to do
      const std::string path = std::move(pending_.front());
      pending_.pop_front();
      lock.unlock();
      tidy(path);
      lock.lock();
    }
  }

  void tidy(const std::string& path) {
    try {
      if (compress_) compress_with_zstd(path);
    } catch (const std::exception& e) {
      // The rotated file stays as it was, whole and uncompressed.
      std::fprintf(stderr, "mldefender: warning: %s\n", e.what());
    }
    files_.enforce_retention(retain_count_, retain_bytes_);
  }

  const bool compress_;
  const std::uint64_t retain_count_;
  const std::uint64_t retain_bytes_;
  const RotatedFiles files_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::string> pending_;
  bool stopping_ = false;
  std::thread thread_;
};

class FileSink final : public EventSink {
 public:
  explicit FileSink(const FileSinkOptions& options);

  void write(const EventBatch& batch) override;
  void idle() override;
  void close() override;
  std::uint64_t rotations() const override { return rotations_; }
  std::uint64_t torn_lines_repaired() const override { return torn_lines_repaired_; }

 private:
  void open(bool append);
  void open_to_append();
  void finish_interrupted_compressions();
  void rotate();
  void write_log_line(std::string_view action, const std::function<void(JsonWriter&)>& fields);
  void write_open_line(std::string_view reason, std::optional<bool> previous_sealed = {});
  void write_seal_line();

  const FileSinkOptions options_;
  const bool is_stdout_;
  const std::string file_name_;  // what open and seal lines call the file
  std::unique_ptr<LineFile> file_;
  std::optional<LineSigner> signer_;
  std::optional<RotatedFiles> rotated_;
  std::unique_ptr<Housekeeper> housekeeper_;
  Micros opened_at_ = 0;
  std::uint64_t lines_since_open_ = 0;
  std::uint64_t rotations_ = 0;
  std::uint64_t torn_lines_repaired_ = 0;
  TextBuffer scratch_;  // open and seal lines before they are signed
};

FileSink::FileSink(const FileSinkOptions& options)
    : options_(options),
      is_stdout_(options.path == "-"),
      file_name_(is_stdout_ ? "-" : std::filesystem::path(options.path).filename().string()) {
  if (options.signing_key) signer_.emplace(*options.signing_key);
  const bool rotates = options.rotate_size != 0 || options.rotate_interval != 0;
  if (rotates && !is_stdout_) {
    rotated_.emplace(options.path);
    housekeeper_ = std::make_unique<Housekeeper>(options, *rotated_);
  }
  if (options.append && !is_stdout_) {
    open_to_append();
  } else {
    open(/*append=*/false);
    if (signer_) write_open_line("start");
  }
  file_->flush();  // the open line is on disk before any event
  if (housekeeper_ && options.compress) finish_interrupted_compressions();
}

// Whole lines only, and the signature chain goes on from the last line the
// previous run wrote: in this file, or - killed just after a rotation - in
// the newest rotated one.
void FileSink::open_to_append() {
  const FileTail tail = repair_torn_tail(options_.path);
  torn_lines_repaired_ = tail.torn_line_removed ? 1 : 0;
  open(/*append=*/true);
  if (!signer_) return;
  std::string last_line = tail.last_line;
  if (last_line.empty() && rotated_ && !rotated_->list().empty()) {
    try {
      last_line = last_line_of(rotated_->list().back());
    } catch (const LogReadError&) {
      // Unreadable: the chain starts afresh, and verify will say where.
    }
  }
  const std::optional<SignedLine> last = parse_signed_line(last_line);
  if (!last) {
    write_open_line("start");
    return;
  }
  signer_->reset({last->seq, last->mac});
  constexpr std::string_view kSeal = "\"event_type\":\"log\",\"log\":{\"action\":\"seal\"";
  write_open_line("restart", last->object_open.find(kSeal) != std::string_view::npos);
}

// A run killed while compressing leaves the plain rotated file (whole) with
// a partial .zst beside it, or - killed between the rename and the removal -
// both whole: compress again, or drop the plain copy.
void FileSink::finish_interrupted_compressions() {
  for (const std::string& file : rotated_->list()) {
    if (file.ends_with(".zst")) continue;
    std::error_code error;
    if (std::filesystem::exists(file + ".zst", error)) {
      std::filesystem::remove(file, error);
    } else {
      housekeeper_->file_rotated(file);
    }
  }
}

void FileSink::open(bool append) {
  file_ = std::make_unique<LineFile>(options_.path, append);
  opened_at_ = wall_clock_now();
  lines_since_open_ = 0;
}

void FileSink::write(const EventBatch& batch) {
  if (signer_) {
    for (std::size_t i = 0; i < batch.events(); ++i) {
      signer_->append_signed(batch.line(i), file_->buffer());
      file_->line_added();
    }
  } else {
    file_->buffer().append(batch.text.view());
    file_->lines_added(batch.events());
  }
  lines_since_open_ += batch.events();
  if (rotated_ && options_.rotate_size != 0 && file_->size() >= options_.rotate_size) rotate();
}

void FileSink::idle() {
  file_->flush();
  if (rotated_ && options_.rotate_interval != 0 &&
      wall_clock_now() - opened_at_ >= options_.rotate_interval && lines_since_open_ > 1) {
    rotate();
  }
}

void FileSink::close() {
  if (signer_) write_seal_line();
  file_->flush();
  housekeeper_.reset();  // waits for the last compression
}

// Seal and close the file, move it aside, start the next one in the chain.
void FileSink::rotate() {
  if (signer_) write_seal_line();
  file_->flush();
  file_.reset();
  const std::string rotated_name = rotated_->name_for(wall_clock_now());
  std::error_code error;
  std::filesystem::rename(options_.path, rotated_name, error);
  if (error) throw std::runtime_error("rotating " + options_.path + ": " + error.message());
  ++rotations_;
  open(/*append=*/false);
  if (signer_) write_open_line("rotation");
  file_->flush();
  housekeeper_->file_rotated(rotated_name);
}

void FileSink::write_log_line(std::string_view action,
                              const std::function<void(JsonWriter&)>& fields) {
  scratch_.clear();
  JsonWriter w(scratch_);
  w.begin_object();
  char time[kMaxTimeLength];
  w.field("timestamp", std::string_view(time, format_time(wall_clock_now(), TimeStyle::eve, time)));
  w.field("event_type", "log");
  w.key("log");
  w.begin_object();
  w.field("action", action);
  w.field("file", file_name_);
  fields(w);
  w.end_object();
  w.end_object();
  signer_->append_signed(scratch_.view(), file_->buffer());
  file_->line_added();
}

void FileSink::write_open_line(std::string_view reason, std::optional<bool> previous_sealed) {
  const std::string chain_prev = to_hex(signer_->state().mac);
  write_log_line("open", [&](JsonWriter& w) {
    w.field("reason", reason);
    w.field("chain_prev", chain_prev);
    if (previous_sealed) {
      w.field("previous_sealed", *previous_sealed);
      w.field("torn_line_repaired", torn_lines_repaired_ != 0);
    }
  });
  lines_since_open_ = 1;
}

void FileSink::write_seal_line() {
  write_log_line("seal", [&](JsonWriter& w) { w.field("lines", lines_since_open_); });
}

}  // namespace

std::unique_ptr<EventSink> make_file_sink(const FileSinkOptions& options) {
  return std::make_unique<FileSink>(options);
}

}  // namespace mld::output
