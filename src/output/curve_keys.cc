#include "output/curve_keys.h"

#include <zmq.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace mld::output {
namespace {

std::string trim(const std::string& text) {
  const char* space = " \t\r\n";
  const std::size_t begin = text.find_first_not_of(space);
  if (begin == std::string::npos) return {};
  return text.substr(begin, text.find_last_not_of(space) - begin + 1);
}

std::string read_text(const std::string& path, const char* what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(std::string(what) + " " + path + ": " + std::strerror(errno));
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Decodes a Z85 key; nullopt-like false when `text` is not one.
bool decode_key(const std::string& text, CurveKey& key) {
  return text.size() == kZ85KeyLength && zmq_z85_decode(key.data(), text.c_str()) != nullptr;
}

std::runtime_error bad_key(const std::string& what, const std::string& where) {
  return std::runtime_error(what + " " + where + ": not a CURVE key (expected " +
                            std::to_string(kZ85KeyLength) +
                            " Z85 characters, as `mldefender zmq-keygen` writes)");
}

}  // namespace

void require_curve(const std::string& what) {
  if (zmq_has("curve") == 0) {
    throw std::runtime_error(what + ": this libzmq was built without CURVE support");
  }
}

std::string read_curve_public_key(const std::string& path) {
  const std::string text = trim(read_text(path, "CURVE public key"));
  CurveKey key;
  if (!decode_key(text, key)) throw bad_key("CURVE public key", path);
  return text;
}

CurveKeyPair read_curve_secret_key(const std::string& path) {
  require_curve("CURVE secret key " + path);
  CurveKeyPair pair;
  pair.secret_key = trim(read_text(path, "CURVE secret key"));
  CurveKey key;
  char public_key[kZ85KeyLength + 1] = {};
  if (!decode_key(pair.secret_key, key) || zmq_curve_public(public_key, pair.secret_key.c_str())) {
    throw bad_key("CURVE secret key", path);
  }
  pair.public_key = public_key;
  return pair;
}

std::vector<CurveKey> read_curve_clients(const std::string& path) {
  std::istringstream lines(read_text(path, "CURVE clients file"));
  std::vector<CurveKey> keys;
  std::string line;
  for (int number = 1; std::getline(lines, line); ++number) {
    line = trim(line);
    if (line.empty() || line[0] == '#') continue;
    CurveKey key;
    if (!decode_key(line, key)) {
      throw bad_key("CURVE clients file", path + ":" + std::to_string(number));
    }
    keys.push_back(key);
  }
  return keys;
}

}  // namespace mld::output
