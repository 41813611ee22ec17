#pragma once
// Reads an event log line by line, plain or zstd-compressed, holding one line
// and one chunk in memory however large the file.
#include <zstd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace mld::output {

// A log file that cannot be opened or read; the message names it.
class LogReadError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct RawLine {
  std::string_view text;   // without its '\n'; valid until the next read
  bool terminated = true;  // false: the file ends inside this line
};

struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};
struct DecompressorFree {
  void operator()(ZSTD_DCtx* context) const { ZSTD_freeDCtx(context); }
};

// Reads a log file line by line, plain or zstd-compressed. Compression is
// recognised by the frame's magic bytes rather than the name, since rotation
// may compress a file between listing and reading it.
class LineReader {
 public:
  // No line the sensor writes comes near this; a longer one is not ours, and
  // reading it whole could exhaust memory.
  static constexpr std::size_t kMaxLineBytes = 16 << 20;

  explicit LineReader(const std::string& path) : path_(path) {
    file_.reset(std::fopen(path.c_str(), "rb"));
    if (!file_) throw LogReadError(path + ": " + std::strerror(errno));
    read_input();
    if (std::string_view(input_).starts_with(kZstdMagic)) {
      decompressor_.reset(ZSTD_createDCtx());
      if (!decompressor_) throw LogReadError(path + ": out of memory for zstd");
    } else {
      buffer_.swap(input_);
    }
  }

  // The next line; nullopt at the end of the file or where its compressed
  // data is damaged (damage() then says how).
  std::optional<RawLine> next() {
    for (;;) {
      const std::size_t newline = buffer_.find('\n', scan_);
      if (newline != std::string::npos) {
        const RawLine line{std::string_view(buffer_).substr(begin_, newline - begin_), true};
        begin_ = scan_ = newline + 1;
        ++line_number_;
        return line;
      }
      scan_ = buffer_.size();
      if (scan_ - begin_ > kMaxLineBytes) {
        damage_ =
            "not a signed line (longer than " + std::to_string(kMaxLineBytes >> 20) + " MiB)";
        return std::nullopt;
      }
      discard_consumed();
      if (!fill()) break;
    }
    if (damage_ || begin_ == buffer_.size()) return std::nullopt;
    const RawLine line{std::string_view(buffer_).substr(begin_), false};
    begin_ = scan_ = buffer_.size();
    ++line_number_;
    return line;
  }

  const std::string& path() const { return path_; }
  bool compressed() const { return decompressor_ != nullptr; }
  std::uint64_t line_number() const { return line_number_; }  // of the last line read
  const std::optional<std::string>& damage() const { return damage_; }

 private:
  static constexpr std::size_t kChunkBytes = 1 << 16;
  static constexpr std::string_view kZstdMagic = "\x28\xB5\x2F\xFD";

  // Keeps only the line being assembled, so memory stays at one line and a
  // chunk however large the file.
  void discard_consumed() {
    buffer_.erase(0, begin_);
    scan_ -= begin_;
    begin_ = 0;
  }

  // Reads raw bytes into input_; false at the end of the file.
  bool read_input() {
    input_.resize(kChunkBytes);
    const std::size_t got = std::fread(input_.data(), 1, input_.size(), file_.get());
    input_.resize(got);
    input_pos_ = 0;
    if (got == 0 && std::ferror(file_.get())) {
      throw LogReadError(path_ + ": " + std::strerror(errno));
    }
    return got > 0;
  }

  // Appends more text to buffer_; false at the end (or on damage).
  bool fill() {
    if (!decompressor_) {
      if (!read_input()) return false;
      buffer_.append(input_);
      return true;
    }
    return decompress_more();
  }

  bool decompress_more() {
    for (;;) {
      // A full output buffer may leave decoded bytes inside the decoder: drain
      // them before asking the file for more.
      if (input_pos_ == input_.size() && !output_was_full_ && !read_input()) {
        if (frame_open_) damage_ = "compressed data ends inside a zstd frame (cut off)";
        return false;
      }
      ZSTD_inBuffer in{input_.data(), input_.size(), input_pos_};
      const std::size_t old_size = buffer_.size();
      buffer_.resize(old_size + kChunkBytes);
      ZSTD_outBuffer out{buffer_.data() + old_size, kChunkBytes, 0};
      const std::size_t status = ZSTD_decompressStream(decompressor_.get(), &out, &in);
      buffer_.resize(old_size + out.pos);
      input_pos_ = in.pos;
      if (ZSTD_isError(status)) {
        damage_ =
            std::string("compressed data is damaged (zstd: ") + ZSTD_getErrorName(status) + ")";
        return false;
      }
      frame_open_ = status != 0;
      output_was_full_ = out.pos == out.size;
      if (out.pos > 0) return true;
    }
  }

  std::string path_;
  std::unique_ptr<std::FILE, FileCloser> file_;
  std::unique_ptr<ZSTD_DCtx, DecompressorFree> decompressor_;
  std::string input_;  // raw bytes read (compressed files only, after the first read)
  std::size_t input_pos_ = 0;
  bool frame_open_ = false;
  bool output_was_full_ = false;
  std::string buffer_;     // decoded text
  std::size_t begin_ = 0;  // start of the line being read
  std::size_t scan_ = 0;   // where the search for '\n' goes on
  std::uint64_t line_number_ = 0;
  std::optional<std::string> damage_;
};


// The last complete line of a log file (plain or zstd), without its '\n';
// empty when there is none. Throws LogReadError.
std::string last_line_of(const std::string& path);

}  // namespace mld::output
