#!/usr/bin/env bash
# Runs every test project and ends with one line: "N passed, N failed, N skipped", totalled over all projects.
# Installs the Debian packages the tests need, only when they are missing (apt-get update first).
# Exits non-zero when anything failed. Interop tests need root; under CI=true a missing peer is a failure, not a skip.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# Debian packages the tests use: real peers and the tools that drive them.
packages=(iproute2 iputils-ping tshark qemu-system-x86 frr nftables ovn-central openvswitch-common)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "test.sh: installing ${missing[*]}"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
      || echo "test.sh: apt-get install failed; the tests that need these will report it"
  else
    echo "test.sh: not root, cannot install ${missing[*]}; interop tests will skip"
  fi
fi

results=.build/test-results
rm -rf "$results"
mkdir -p "$results"

echo "test.sh: building"
if ! dotnet build dcnet.slnx -c Release -nologo -v quiet > "$results/build.log" 2>&1; then
  grep -E 'error|Error' "$results/build.log" | sort -u | head -50
  echo "0 passed, 1 failed, 0 skipped"
  exit 1
fi

passed=0; failed=0; skipped=0
for project in tests/*/; do
  name=$(basename "$project")
  exe="$project/bin/Release/net10.0/$name"
  [ -x "$exe" ] || continue
  echo "test.sh: running $name"
  xml="$results/$name.xml"
  "$exe" -noLogo -noColor -result-xml "$xml" || true
  if [ ! -s "$xml" ]; then
    echo "test.sh: $name produced no results (the runner crashed)"
    failed=$((failed + 1))
    continue
  fi
  attr() { grep -o "<assembly [^>]*" "$xml" | grep -o " $1=\"[0-9]*\"" | head -1 | grep -o '[0-9]*'; }
  p=$(attr passed); f=$(attr failed); s=$(attr skipped); e=$(attr errors)
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0} + ${e:-0})); skipped=$((skipped + ${s:-0}))
done

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
