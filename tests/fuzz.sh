#!/usr/bin/env bash
# The dedicated loader fuzz run: DCNET_FUZZ_BUDGET inputs (default 100,000) through load, resolve and check.
# A failing input is saved under tests/Dcnet.Tests/Design/Fixtures/fuzz-regressions/ and replayed by every test run.
# Usage: tests/fuzz.sh [BUDGET]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export DCNET_FUZZ_BUDGET="${1:-100000}" DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build tests/Dcnet.Tests -c Release -nologo -v quiet >/dev/null
started=$(date +%s)
tests/Dcnet.Tests/bin/Release/net10.0/Dcnet.Tests -noLogo -noColor -method 'Dcnet.Tests.Design.LoaderFuzzTests.Mutated_designs_load_or_fail_with_positioned_errors'
echo "fuzz: $DCNET_FUZZ_BUDGET inputs in $(( $(date +%s) - started )) s on $(date -u +%Y-%m-%d)"
