#!/usr/bin/env bash
# Reproducible builds: two clean builds of this tree, in two different folders and time zones,
# must give byte-identical jars (every */target/*.jar: the shaded lottery.jar and agency.jar, the
# shade plugin's original-*.jar, protocol's, testkit's and tools' jars, the JMH microbench.jar;
# e2e holds only tests). Fails naming the jars that differ, with the entries that differ.
# agency/target/agency.jsa is not compared: it is a JVM class-data archive dumped by a training
# run, not a build output meant to be reproducible.
#   .ci/reproducible-check.sh            (from anywhere; uses ./mvnw, needs only a JDK and git)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# shellcheck source=lib.sh
. "$root/.ci/lib.sh"

build() { # dir, time zone
  (cd "$1" && TZ="$2" ./mvnw -B -q -DskipTests package) > "$1.log" 2>&1 \
    || { echo "!! reproducible-check: the build in $1 failed:"; tail -40 "$1.log"; exit 1; }
}

jars() { (cd "$1" && find . -path '*/target/*' -maxdepth 3 -name '*.jar' | sort); }

copy_tree "$root" "$work/a"
copy_tree "$root" "$work/b"
build "$work/a" UTC
build "$work/b" America/Argentina/Buenos_Aires

if [ "$(jars "$work/a")" != "$(jars "$work/b")" ]; then
  echo "!! reproducible-check: the two builds made different sets of jars:"
  diff <(jars "$work/a") <(jars "$work/b") || true
  exit 1
fi
[ -n "$(jars "$work/a")" ] || { echo "!! reproducible-check: the build made no jar"; exit 1; }

differ=0
while read -r jar; do
  sum_a=$(sha256sum < "$work/a/$jar" | cut -d' ' -f1)
  sum_b=$(sha256sum < "$work/b/$jar" | cut -d' ' -f1)
  if [ "$sum_a" = "$sum_b" ]; then
    echo "reproducible: ${jar#./} $sum_a"
  else
    differ=1
    echo "!! NOT reproducible: ${jar#./} ($sum_a vs $sum_b); entries that differ (jar tvf):"
    diff <(jar tvf "$work/a/$jar") <(jar tvf "$work/b/$jar") | head -20 || true
  fi
done < <(jars "$work/a")
[ "$differ" = 0 ] || { echo "!! reproducible-check: FAILED (jars above differ between two clean builds)"; exit 1; }
echo "reproducible-check: every jar is byte-identical across two clean builds"
