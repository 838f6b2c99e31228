#!/usr/bin/env bash
# The docs cannot rot: README.md stays within 300 lines and holds no run log (a time of day in
# UTC, a load average), every relative link in README.md,
# CONTRIBUTING.md and docs/**.md resolves (file and #anchor), and docs/configuration.md documents
# exactly the settings both programs print with --help. Needs the built jars (run after
# ./mvnw -B verify or package); the checks themselves are .ci/DocsCheck.java, run by the JDK.
# DOCS_ROOT=<a copy of the tree> checks that copy's Markdown against this tree's jars.
set -euo pipefail
cd "$(dirname "$0")/.."
root=${DOCS_ROOT:-.}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for program in lottery agency; do
  jar="$program/target/$program.jar"
  if [ ! -f "$jar" ]; then
    echo "!! docs-check: no $jar: build first (./mvnw -B -DskipTests package)"
    exit 1
  fi
  # --help reads no file and binds nothing; run it from an empty folder all the same.
  if ! (cd "$tmp" && java -jar "$OLDPWD/$jar" --help) > "$tmp/$program.help" 2>&1; then
    echo "!! docs-check: java -jar $jar --help failed:"
    cat "$tmp/$program.help"
    exit 1
  fi
done
java .ci/DocsCheck.java "$root" "$tmp/lottery.help" "$tmp/agency.help"
