#!/usr/bin/env bash
# Re-creates samples/sample.pcap: real traffic between two network namespaces
# joined by a veth pair, captured with tcpdump: HTTP over IPv4 and IPv6,
# TLS 1.3, UDP, ICMP echo and a refused TCP connection (SYN, RST). Needs root,
# iproute2, tcpdump, curl, openssl, netcat-openbsd and Debian's python3.
set -euo pipefail
cd "$(dirname "$0")"
out=$(pwd)/sample.pcap
a=mld-sample-a$$ b=mld-sample-b$$
work=$(mktemp -d)
cleanup() {
  kill $(jobs -p) 2>/dev/null || true
  ip netns del "$a" 2>/dev/null || true
  ip netns del "$b" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

ip netns add "$a"
ip netns add "$b"
ip link add veth-a netns "$a" type veth peer name veth-b netns "$b"
ip -n "$a" addr add 192.0.2.10/24 dev veth-a
ip -n "$b" addr add 192.0.2.20/24 dev veth-b
ip -n "$a" -6 addr add 2001:db8::10/64 dev veth-a nodad
ip -n "$b" -6 addr add 2001:db8::20/64 dev veth-b nodad
for ns in "$a" "$b"; do ip -n "$ns" link set lo up; done
ip -n "$a" link set veth-a up
ip -n "$b" link set veth-b up

# Servers in b: HTTP, TLS, UDP echo-ish listener.
mkdir -p "$work/www" && seq 1 4000 > "$work/www/index.html"
(cd "$work/www" && ip netns exec "$b" /usr/bin/python3 -m http.server 8080 --bind :: >/dev/null 2>&1) &
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/key.pem" -out "$work/cert.pem" \
  -days 30 -subj /CN=sample.mldefender.test 2>/dev/null
ip netns exec "$b" openssl s_server -accept 8443 -cert "$work/cert.pem" -key "$work/key.pem" \
  -www -quiet >/dev/null 2>&1 &
ip netns exec "$b" nc -u -l -p 5353 >/dev/null 2>&1 &
sleep 1

ip netns exec "$a" tcpdump -i veth-a -w "$out" -U -s 0 -n 2>/dev/null &
capture=$!
sleep 1

ip netns exec "$a" ping -c 3 -i 0.2 192.0.2.20 >/dev/null
ip netns exec "$a" curl -s -o /dev/null http://192.0.2.20:8080/index.html
ip netns exec "$a" curl -s -o /dev/null "http://[2001:db8::20]:8080/index.html"
ip netns exec "$a" sh -c 'echo | timeout 3 openssl s_client -connect 192.0.2.20:8443 \
  -servername sample.mldefender.test -tls1_3 >/dev/null 2>&1' || true
ip netns exec "$a" sh -c 'for i in 1 2 3; do echo "datagram $i"; sleep 0.1; done | nc -u -w 1 192.0.2.20 5353' || true
ip netns exec "$a" nc -z -w 1 192.0.2.20 9 || true           # refused: SYN, RST
sleep 1
kill -INT $capture
wait $capture 2>/dev/null || true
echo "wrote $out ($(stat -c %s "$out") bytes)"
