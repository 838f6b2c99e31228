#!/usr/bin/env bash
# The enforcer's version rules fail with their message: run the parent's validate phase with
# an impossible Java range and then Maven range (stand-ins for an old JDK or an old Maven) and
# check that the build fails and says what is needed and where to get it.
set -euo pipefail
cd "$(dirname "$0")/.."
expect_failure() { # property, text expected in the output
  local out
  if out=$(./mvnw -B -q -N validate "-D$1" 2>&1); then
    echo "!! enforcer-check: the build passed with -D$1"; return 1
  fi
  grep -qF "$2" <<<"$out" || { echo "!! enforcer-check: no '$2' in the output of -D$1:"; echo "$out"; return 1; }
  echo "enforcer-check: -D$1 fails with: $(grep -F "$2" <<<"$out" | sed 's/^\[ERROR\] //')"
}
expect_failure 'tp0.java.range=[99,)' 'needs JDK 17 or newer'
expect_failure 'tp0.maven.range=[99,)' 'Use the wrapper, which needs only a JDK: ./mvnw'
