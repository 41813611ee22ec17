#include "output/rotated_files.h"

#include <zstd.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <system_error>

namespace mld::output {
namespace fs = std::filesystem;

namespace {

constexpr std::size_t kTimestampLength = 23;  // 20261121T224518.123456Z

std::string utc_stamp(Micros now) {
  const std::time_t seconds = static_cast<std::time_t>(now / 1'000'000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  const std::size_t n = std::strftime(text, sizeof text, "%Y%m%dT%H%M%S", &utc);
  std::snprintf(text + n, sizeof text - n, ".%06lldZ", static_cast<long long>(now % 1'000'000));
  return text;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// yyyymmddThhmmss.ffffffZ
bool looks_like_stamp(std::string_view text) {
  if (text.size() < kTimestampLength) return false;
  for (std::size_t i = 0; i < kTimestampLength; ++i) {
    const char expected = i == 8 ? 'T' : i == 15 ? '.' : i == 22 ? 'Z' : '0';
    if (expected == '0' ? !is_digit(text[i]) : text[i] != expected) return false;
  }
  return true;
}

}  // namespace

RotatedFiles::RotatedFiles(std::string active_path) {
  const fs::path path(active_path);
  directory_ = path.parent_path().empty() ? "." : path.parent_path().string();
  stem_ = path.stem().string();
  extension_ = path.extension().string();
}

std::string RotatedFiles::name_for(Micros now) const {
  const std::string base = (fs::path(directory_) / (stem_ + "-" + utc_stamp(now))).string();
  std::string name = base + extension_;
  for (int n = 1; fs::exists(name) || fs::exists(name + ".zst"); ++n) {
    name = base + "-" + std::to_string(n) + extension_;
  }
  return name;
}

// stem-<stamp>[-N]<extension>[.zst]
bool RotatedFiles::is_rotated_name(const std::string& name) const {
  std::string_view rest = name;
  if (rest.substr(0, stem_.size() + 1) != stem_ + "-") return false;
  rest.remove_prefix(stem_.size() + 1);
  if (!looks_like_stamp(rest)) return false;
  rest.remove_prefix(kTimestampLength);
  if (rest.ends_with(".zst")) rest.remove_suffix(4);
  if (!rest.ends_with(extension_)) return false;
  rest.remove_suffix(extension_.size());
  if (rest.empty()) return true;
  if (rest[0] != '-' || rest.size() == 1) return false;
  return std::all_of(rest.begin() + 1, rest.end(), is_digit);
}

std::vector<std::string> RotatedFiles::list() const {
  std::vector<std::string> files;
  std::error_code error;
  for (const fs::directory_entry& entry : fs::directory_iterator(directory_, error)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_regular_file(error) && is_rotated_name(name)) {
      files.push_back(entry.path().string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::uint64_t RotatedFiles::enforce_retention(std::uint64_t max_count,
                                              std::uint64_t max_bytes) const {
  if (max_count == 0 && max_bytes == 0) return 0;
  const std::vector<std::string> files = list();
  std::vector<std::uint64_t> sizes;
  std::uint64_t total = 0;
  for (const std::string& file : files) {
    std::error_code error;
    const std::uint64_t size = fs::file_size(file, error);
    sizes.push_back(error ? 0 : size);
    total += sizes.back();
  }
  std::uint64_t deleted = 0;
  for (std::size_t i = 0; i < files.size(); ++i) {
    const std::size_t remaining = files.size() - i;
    const bool too_many = max_count != 0 && remaining > max_count;
    const bool too_big = max_bytes != 0 && total > max_bytes;
    if (!too_many && !too_big) break;
    std::error_code error;
    if (fs::remove(files[i], error)) ++deleted;
    total -= sizes[i];
  }
  return deleted;
}

namespace {

void compress_aside(const std::string& path, const std::string& partial, int level) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot open it to compress");
  std::ofstream out(partial, std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error(partial + ": cannot create it");

  const std::unique_ptr<ZSTD_CCtx, decltype(&ZSTD_freeCCtx)> context(ZSTD_createCCtx(),
                                                                     ZSTD_freeCCtx);
  ZSTD_CCtx_setParameter(context.get(), ZSTD_c_compressionLevel, level);
  ZSTD_CCtx_setParameter(context.get(), ZSTD_c_checksumFlag, 1);
  std::vector<char> input(ZSTD_CStreamInSize());
  std::vector<char> output(ZSTD_CStreamOutSize());
  bool last = false;
  while (!last) {
    in.read(input.data(), static_cast<std::streamsize>(input.size()));
    const std::size_t got = static_cast<std::size_t>(in.gcount());
    if (in.bad()) throw std::runtime_error(path + ": read error while compressing");
    last = got < input.size();
    const ZSTD_EndDirective mode = last ? ZSTD_e_end : ZSTD_e_continue;
    ZSTD_inBuffer source{input.data(), got, 0};
    bool finished = false;
    while (!finished) {
      ZSTD_outBuffer sink{output.data(), output.size(), 0};
      const std::size_t left = ZSTD_compressStream2(context.get(), &sink, &source, mode);
      if (ZSTD_isError(left)) {
        throw std::runtime_error(path + ": zstd: " + ZSTD_getErrorName(left));
      }
      out.write(output.data(), static_cast<std::streamsize>(sink.pos));
      finished = last ? left == 0 : source.pos == source.size;
    }
  }
  out.close();
  if (!out) throw std::runtime_error(partial + ": write error (disk full?)");
}

}  // namespace

void compress_with_zstd(const std::string& path, int level) {
  const std::string target = path + ".zst";
  const std::string partial = target + ".partial";
  std::error_code error;
  try {
    compress_aside(path, partial, level);
  } catch (const std::exception&) {
    fs::remove(partial, error);  // the plain file stays, whole
    throw;
  }
  fs::rename(partial, target, error);
  if (error) throw std::runtime_error(target + ": " + error.message());
  fs::remove(path, error);
}

}  // namespace mld::output
