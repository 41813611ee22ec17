#include "capture/fanout_program.h"

#include <linux/if_ether.h>

#include <stdexcept>

#include "capture/fanout_hash.h"

namespace mld::capture {
namespace {

namespace fh = fanout_hash;

// Scratch memory slots M[k].
constexpr std::uint32_t kSrcPort = 0;
constexpr std::uint32_t kDstPort = 1;
constexpr std::uint32_t kSrcEndpoint = 2;

constexpr std::uint32_t kTcp = 6;
constexpr std::uint32_t kUdp = 17;
constexpr std::uint32_t kIpv4FragmentOffsetMask = 0x1fff;

constexpr std::uint32_t net(std::uint32_t offset) {
  return static_cast<std::uint32_t>(SKF_NET_OFF) + offset;
}

// Just enough of an assembler for forward jumps to named labels.
class Assembler {
 public:
  using Label = int;

  Label label() { return next_label_++; }
  void bind(Label label) {
    bound_.resize(next_label_, -1);
    bound_[label] = size();
  }

  void stmt(std::uint16_t code, std::uint32_t k = 0) { code_.push_back(BPF_STMT(code, k)); }
  // Conditional jump; a label of -1 falls through to the next instruction.
  void jump(std::uint16_t code, std::uint32_t k, Label if_true, Label if_false) {
    fixups_.push_back({size(), if_true, if_false, false});
    code_.push_back(BPF_JUMP(code, k, 0, 0));
  }
  void always(Label target) {
    fixups_.push_back({size(), target, -1, true});
    code_.push_back(BPF_JUMP(BPF_JMP | BPF_JA, 0, 0, 0));
  }

  std::vector<sock_filter> finish();

 private:
  struct Fixup {
    int at;
    Label if_true, if_false;
    bool unconditional;
  };
  int size() const { return static_cast<int>(code_.size()); }
  int offset(int from, Label label) const;

  std::vector<sock_filter> code_;
  std::vector<Fixup> fixups_;
  std::vector<int> bound_;
  Label next_label_ = 0;
};

int Assembler::offset(int from, Label label) const {
  if (label < 0) return 0;
  const int target = bound_.at(label);
  if (target <= from) throw std::logic_error("fanout program: backward jump");
  return target - from - 1;
}

std::vector<sock_filter> Assembler::finish() {
  bound_.resize(next_label_, -1);
  for (const Fixup& f : fixups_) {
    sock_filter& insn = code_[f.at];
    if (f.unconditional) {
      insn.k = static_cast<std::uint32_t>(offset(f.at, f.if_true));
      continue;
    }
    const int jt = offset(f.at, f.if_true), jf = offset(f.at, f.if_false);
    if (jt > 255 || jf > 255) throw std::logic_error("fanout program: jump too far");
    insn.jt = static_cast<std::uint8_t>(jt);
    insn.jf = static_cast<std::uint8_t>(jf);
  }
  return code_;
}

// A = A ^ (A >> shift), through X.
void xor_shift(Assembler& a, std::uint32_t shift) {
  a.stmt(BPF_MISC | BPF_TAX);
  a.stmt(BPF_ALU | BPF_RSH | BPF_K, shift);
  a.stmt(BPF_ALU | BPF_XOR | BPF_X);
}

// A = fanout_hash::endpoint(words at network offset `at`, port in M[port_slot]).
void endpoint(Assembler& a, std::uint32_t at, std::uint32_t words, std::uint32_t port_slot,
              const fh::Seeds& seeds) {
  a.stmt(BPF_LD | BPF_IMM, seeds.endpoint);
  for (std::uint32_t i = 0; i < words; ++i) {  // mix_word
    a.stmt(BPF_MISC | BPF_TAX);
    a.stmt(BPF_LD | BPF_W | BPF_ABS, net(at + 4 * i));
    a.stmt(BPF_ALU | BPF_XOR | BPF_X);
    a.stmt(BPF_ALU | BPF_MUL | BPF_K, fh::kWordMultiplier);
    xor_shift(a, fh::kWordShift);
  }
  a.stmt(BPF_MISC | BPF_TAX);  // finish_endpoint
  a.stmt(BPF_LD | BPF_MEM, port_slot);
  a.stmt(BPF_ALU | BPF_XOR | BPF_X);
  a.stmt(BPF_ALU | BPF_MUL | BPF_K, fh::kPortMultiplier);
  xor_shift(a, fh::kPortShift);
}

void zero_ports(Assembler& a) {
  a.stmt(BPF_LD | BPF_IMM, 0);
  a.stmt(BPF_ST, kSrcPort);
  a.stmt(BPF_ST, kDstPort);
}

// Ports at network offset X + `at` (X: IP header length, or 0 with `at` 40).
void load_ports(Assembler& a, std::uint16_t mode, std::uint32_t at) {
  a.stmt(BPF_LD | BPF_H | mode, net(at));
  a.stmt(BPF_ST, kSrcPort);
  a.stmt(BPF_LD | BPF_H | mode, net(at + 2));
  a.stmt(BPF_ST, kDstPort);
}

// Jumps to `with_ports` for TCP and UDP (protocol byte in A), else `without`.
void branch_on_tcp_udp(Assembler& a, Assembler::Label with_ports, Assembler::Label without) {
  const auto not_tcp = a.label();
  a.jump(BPF_JMP | BPF_JEQ | BPF_K, kTcp, with_ports, not_tcp);
  a.bind(not_tcp);
  a.jump(BPF_JMP | BPF_JEQ | BPF_K, kUdp, with_ports, without);
}

void ipv4(Assembler& a, const fh::Seeds& seeds, Assembler::Label combine) {
  const auto check_fragment = a.label(), addresses = a.label();
  zero_ports(a);
  a.stmt(BPF_LD | BPF_B | BPF_ABS, net(9));  // protocol
  branch_on_tcp_udp(a, check_fragment, addresses);
  a.bind(check_fragment);
  a.stmt(BPF_LD | BPF_H | BPF_ABS, net(6));  // flags + fragment offset
  a.jump(BPF_JMP | BPF_JSET | BPF_K, kIpv4FragmentOffsetMask, addresses, -1);
  a.stmt(BPF_LD | BPF_B | BPF_ABS, net(0));  // X = IHL * 4
  a.stmt(BPF_ALU | BPF_AND | BPF_K, 0x0f);
  a.stmt(BPF_ALU | BPF_LSH | BPF_K, 2);
  a.stmt(BPF_MISC | BPF_TAX);
  load_ports(a, BPF_IND, 0);
  a.bind(addresses);
  endpoint(a, 12, 1, kSrcPort, seeds);
  a.stmt(BPF_ST, kSrcEndpoint);
  endpoint(a, 16, 1, kDstPort, seeds);
  a.always(combine);
}

void ipv6(Assembler& a, const fh::Seeds& seeds, Assembler::Label combine) {
  const auto ports = a.label(), addresses = a.label();
  zero_ports(a);
  a.stmt(BPF_LD | BPF_B | BPF_ABS, net(6));  // next header
  branch_on_tcp_udp(a, ports, addresses);
  a.bind(ports);
  load_ports(a, BPF_ABS, 40);
  a.bind(addresses);
  endpoint(a, 8, 4, kSrcPort, seeds);
  a.stmt(BPF_ST, kSrcEndpoint);
  endpoint(a, 24, 4, kDstPort, seeds);
  a.always(combine);
}

// A = endpoint(dst) on entry; returns combine(src, dst) % workers.
void combine_and_return(Assembler& a, const fh::Seeds& seeds, unsigned workers) {
  a.stmt(BPF_LDX | BPF_MEM, kSrcEndpoint);
  a.stmt(BPF_ALU | BPF_ADD | BPF_X);
  a.stmt(BPF_ALU | BPF_XOR | BPF_K, seeds.final);
  a.stmt(BPF_ALU | BPF_MUL | BPF_K, fh::kFinalMultiplier);
  xor_shift(a, fh::kFinalShift);
  a.stmt(BPF_ALU | BPF_MOD | BPF_K, workers);
  a.stmt(BPF_RET | BPF_A);
}

}  // namespace

std::vector<sock_filter> fanout_program(unsigned workers, std::uint64_t seed) {
  if (workers == 0) throw std::invalid_argument("fanout program: no workers");
  const fh::Seeds seeds = fh::split_seed(seed);
  Assembler a;
  const auto v4 = a.label(), not_v4 = a.label(), v6 = a.label(), other = a.label(),
             combine = a.label();
  a.stmt(BPF_LD | BPF_H | BPF_ABS, static_cast<std::uint32_t>(SKF_AD_OFF + SKF_AD_PROTOCOL));
  a.jump(BPF_JMP | BPF_JEQ | BPF_K, ETH_P_IP, v4, not_v4);
  a.bind(not_v4);
  a.jump(BPF_JMP | BPF_JEQ | BPF_K, ETH_P_IPV6, v6, other);
  a.bind(other);
  a.stmt(BPF_RET | BPF_K, 0);
  a.bind(v4);
  ipv4(a, seeds, combine);
  a.bind(v6);
  ipv6(a, seeds, combine);
  a.bind(combine);
  combine_and_return(a, seeds, workers);
  return a.finish();
}

}  // namespace mld::capture
