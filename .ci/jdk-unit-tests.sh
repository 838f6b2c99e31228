#!/usr/bin/env bash
# Builds this tree and runs its unit tests (`./mvnw -B package`: compile, unit and actor tests,
# the jars and the class-data training; not the end-to-end ITs) on another JDK, in a copy of
# the tree so the main build's target/ (jars, archives made for its JDK) is left alone.
#   .ci/jdk-unit-tests.sh /usr/lib/jvm/temurin-25-jdk-amd64
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
jdk="${1:?usage: jdk-unit-tests.sh JAVA_HOME}"
# shellcheck source=lib.sh
. "$root/.ci/lib.sh"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

copy_tree "$root" "$work/tree"
echo "== unit tests on $("$jdk/bin/java" -version 2>&1 | head -1) ($jdk)"
if (cd "$work/tree" && JAVA_HOME="$jdk" ./mvnw -B package) > "$work/build.log" 2>&1; then
  # Each module's Surefire total, then Maven's verdict.
  grep -E '^\[INFO\] (Tests run: [0-9]+, Failures: [0-9]+, Errors: [0-9]+, Skipped: [0-9]+$|Building |BUILD)' \
    "$work/build.log" | grep -v 'Building jar' || true
else
  echo "!! the build or its unit tests FAILED on $jdk:"
  grep -E 'Tests run:.*(Failures: [1-9]|Errors: [1-9])|FAIL|ERROR' "$work/build.log" | head -40 || true
  tail -60 "$work/build.log"
  exit 1
fi
