#!/usr/bin/env bash
# The build is clean under Error Prone: no finding of any severity in a build log (errors already
# fail the build; this fails CI on the warnings too). javac's own "internal proprietary API" note
# on sun.misc.Signal has no check name and cannot be suppressed, so it is not a finding here.
#   .ci/no-analyser-warnings.sh BUILD_LOG
set -euo pipefail
log="$1"
findings=$(grep -E '^\[WARNING\] /.*\[[A-Za-z]+\] ' "$log" || true)
if [ -n "$findings" ]; then
  echo "!! Error Prone findings ($(printf '%s\n' "$findings" | wc -l)):"
  printf '%s\n' "$findings"
  exit 1
fi
echo "no Error Prone finding in $(grep -c 'Compiling [0-9]* source file' "$log") compilations"
