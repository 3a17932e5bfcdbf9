#!/usr/bin/env bash
# Loads a rendered design into a private OVN 23.03 control plane (NB + SB ovsdb-server + ovn-northd, no chassis) and
# times what BENCHMARKS.md records: the ovn-nbctl script, northd's compile (--wait=sb), and ovn-trace per flow, one-shot
# and through the daemon, on the full database.
# Usage: bench/ovn-scale.sh [DESIGN] [TRACES]   default: a 5,000-VM, 200-group, 10,000-rule design; 200 traces.
# Needs ovn-central and openvswitch-common (Debian). Cleans up its daemons and temp dir on exit.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
traces=${2:-200}
D=$(mktemp -d /tmp/dcnet-ovnscale.XXXXXX)
cleanup() {
  local f pids=""
  for f in "$D"/*.pid; do [ -f "$f" ] && pids+=" $(cat "$f")"; done
  [ -n "$pids" ] && kill $pids 2>/dev/null || true
  sleep 1
  rm -rf "$D"
}
trap cleanup EXIT
design=${1:-}
if [ -z "$design" ]; then
  design=$D/dc-5000-10k.yaml
  ./dcnet init --vms 5000 --hosts 100 --groups 200 --rules 10000 --dual-stack --name dc-5000-10k -o "$design" 2>/dev/null
fi
s=$(date +%s.%N); ./dcnet render "$design" --target ovn -o "$D/out" 2>/dev/null; e=$(date +%s.%N)
printf 'render (whole dcnet process): %.2f s, script %s bytes\n' "$(echo "$e - $s" | bc)" "$(stat -c %s "$D/out/ovn-nb.sh")"
for db in nb sb; do
  ovsdb-tool create "$D/$db.db" "/usr/share/ovn/ovn-$db.ovsschema"
  ovsdb-server --detach --no-chdir --pidfile="$D/$db.pid" --log-file="$D/$db.log" --unixctl="$D/$db.ctl" --remote="punix:$D/$db.sock" "$D/$db.db" 2>/dev/null
done
ovn-northd --detach --no-chdir --pidfile="$D/northd.pid" --log-file="$D/northd.log" --unixctl="$D/northd.ctl" \
  --ovnnb-db="unix:$D/nb.sock" --ovnsb-db="unix:$D/sb.sock" 2>/dev/null
export OVN_NB_DB="unix:$D/nb.sock" OVN_SB_DB="unix:$D/sb.sock"
ovn-nbctl init
s=$(date +%s.%N); DCNET_OVN_WAIT=none sh "$D/out/ovn-nb.sh"; m=$(date +%s.%N); ovn-nbctl --timeout=600 --wait=sb sync; e=$(date +%s.%N)
printf 'load: ovn-nbctl script %.2f s, northd compile until --wait=sb %.2f s, total %.2f s (%s invocations)\n' \
  "$(echo "$m - $s" | bc)" "$(echo "$e - $m" | bc)" "$(echo "$e - $s" | bc)" "$(grep -c '^ovn-nbctl --no-wait' "$D/out/ovn-nb.sh")"
printf 'NB: %s ACLs, %s ports; SB: %s logical flows\n' "$(ovn-nbctl --bare --columns=_uuid list ACL | grep -c .)" \
  "$(ovn-nbctl --bare --columns=_uuid list Logical_Switch_Port | grep -c .)" "$(ovn-sbctl --bare --columns=_uuid list Logical_Flow | grep -c .)"

# Flows between two VMs of one group (one switch), spread over the groups: inport, MACs and addresses from the NB.
ovn-nbctl --format=csv --data=bare --no-headings --columns=name,addresses list Logical_Switch_Port | grep '/eth' | sort > "$D/ports.csv"
flows=$D/flows.txt; : > "$flows"
mapfile -t P < <(awk -F, '{print $1" "$2}' "$D/ports.csv")
step=$(( ${#P[@]} / traces )); [ "$step" -lt 2 ] && step=2
for ((i = 0; i + 1 < ${#P[@]}; i += step)); do
  read -r n1 m1 a1 _ <<<"${P[i]}"; read -r n2 m2 a2 _ <<<"${P[i+1]}"
  echo "$n1|inport == \"$n1\" && eth.src == $m1 && eth.dst == $m2 && ip4.src == $a1 && ip4.dst == $a2 && ip.ttl == 64 && tcp && tcp.src == 33333 && tcp.dst == $((1000 + i))" >> "$flows"
done
ovn-trace --detach --no-chdir --pidfile="$D/trace.pid" --log-file="$D/trace.log" --unixctl="$D/trace.ctl" 2>/dev/null
for _ in $(seq 600); do [ -S "$D/trace.ctl" ] && ovs-appctl -t "$D/trace.ctl" version >/dev/null 2>&1 && break; sleep 0.1; done
n=$(wc -l < "$flows")
s=$(date +%s.%N)
while IFS='|' read -r port flow; do ovs-appctl -t "$D/trace.ctl" trace --detailed "$flow" >/dev/null; done < "$flows"
e=$(date +%s.%N)
printf 'ovn-trace daemon: %d traces in %.2f s = %.1f ms/trace (ovs-appctl per trace)\n' "$n" "$(echo "$e - $s" | bc)" "$(echo "($e - $s) * 1000 / $n" | bc -l)"
s=$(date +%s.%N)
head -3 "$flows" | while IFS='|' read -r port flow; do ovn-trace --detailed "$flow" >/dev/null; done
e=$(date +%s.%N)
printf 'ovn-trace one-shot: %.2f s/trace (loads the SB database each time)\n' "$(echo "($e - $s) / 3" | bc -l)"
