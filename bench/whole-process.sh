#!/usr/bin/env bash
# Times whole dcnet commands with hyperfine (the start-up a user feels) and peak memory with GNU time.
# Usage: bench/whole-process.sh   (installs hyperfine and time from Debian if missing)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
command -v hyperfine >/dev/null || apt-get install -y -qq hyperfine
[ -x /usr/bin/time ] || apt-get install -y -qq time
mkdir -p .build/bench
./dcnet init --vms 100000 --hosts 2000 --leaves 64 --groups 4000 --dual-stack --name dc-100k -o .build/bench/dc-100k.yaml
hyperfine -w 3 -r 20 './dcnet check examples/dc-5000.yaml' './dcnet check .build/bench/dc-100k.yaml'
/usr/bin/time -v ./dcnet check .build/bench/dc-100k.yaml 2>&1 >/dev/null | grep -E 'Elapsed|Maximum resident'
hyperfine -w 3 -r 20 './dcnet bonds examples/dc-5000.yaml'
