#!/usr/bin/env bash
# The monitoring kit (monitoring/, docs/monitoring.md) against the real server:
#  1. promtool: the rules are valid and their unit tests pass (monitoring/prometheus/tests); the
#     shipped prometheus.yml is what scrape-nodes.sh writes, and its one- and K-node outputs are
#     valid configurations.
#  2. A real run on loopback: the built server (HTTP_PORT=any), a real Prometheus scraping it
#     every second, five real agencies. Every metric a dashboard query or a rule names must be in
#     the server's /metrics (or be a recording rule's, or Prometheus' own `up`); then the alerts
#     must fire and resolve as the run makes them (queried from Prometheus' HTTP API), and the
#     recording rules must produce series.
# Needs the built jars (./mvnw -B -DskipTests package -pl lottery,agency -am), promtool and
# prometheus (Debian's `prometheus` package), curl and jq. Everything runs on 127.0.0.1, stops by
# itself within ~2 minutes, and is killed on exit: every process it starts runs under `timeout`
# (MONITORING_CHECK_TIMEOUT, default 150 s), so the run is bounded even if a wait below hangs.
# MONITORING_DASHBOARD=<file> / MONITORING_RULES=<folder> check another dashboard or rules.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
kit=monitoring
dashboard=${MONITORING_DASHBOARD:-$kit/grafana/lottery-dashboard.json}
rules=${MONITORING_RULES:-$kit/prometheus/rules}
rules=$(cd "$rules" && pwd)

say() { echo "monitoring-check: $*"; }
fail() {
  echo "!! monitoring-check: $*"
  exit 1
}

for tool in promtool prometheus curl jq; do
  command -v "$tool" >/dev/null || fail "no $tool (apt-get install prometheus curl jq)"
done
for program in lottery agency; do
  [ -x "$program/target/bin/$program" ] || fail "no $program/target/bin/$program: build first (./mvnw -B -DskipTests package -pl lottery,agency -am)"
done

tmp=$(mktemp -d)
pids=()
cleanup() {
  local status=$? pid
  if [ "$status" -ne 0 ] && [ -n "${prom:-}" ]; then
    echo "-- Prometheus' alerts now"
    curl -sf "$prom/api/v1/alerts" | jq -c '.data.alerts[] | {state, labels}' 2>/dev/null || true
  fi
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  if [ "$status" -ne 0 ]; then
    for log in "$tmp"/server/server.log "$tmp"/prometheus/prometheus.log "$tmp"/agency-*/agency.log; do
      [ -f "$log" ] && { echo "-- ${log#"$tmp"/} (last lines)"; tail -n 15 "$log"; }
    done
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
limit=${MONITORING_CHECK_TIMEOUT:-150}

# ---- 1. promtool ---------------------------------------------------------------------------
promtool check rules "$rules"/*.yml
(cd "$kit/prometheus" && promtool test rules tests/*.yml)
diff -u "$kit/prometheus/prometheus.yml" <(sh "$kit/prometheus/scrape-nodes.sh" localhost:8080) \
  || fail "$kit/prometheus/prometheus.yml is not what scrape-nodes.sh localhost:8080 writes"
for nodes in 1 3; do
  mkdir -p "$tmp/config-$nodes"
  RULES="$rules/*.yml" sh "$kit/prometheus/scrape-nodes.sh" "$nodes" > "$tmp/config-$nodes/prometheus.yml"
  promtool check config "$tmp/config-$nodes/prometheus.yml" >/dev/null \
    || fail "scrape-nodes.sh $nodes writes an invalid configuration: promtool check config $tmp/config-$nodes/prometheus.yml"
done
say "promtool: rules valid, unit tests pass, scrape configurations (1 and 3 nodes) valid"

# ---- the metric names a query uses ---------------------------------------------------------
# Every PromQL expression: the dashboard's targets and its query variables, the rules' `expr:`
# (one line each, as the rules files keep them).
{
  jq -r '.. | objects | .expr? // empty' "$dashboard"
  jq -r '.templating.list[]? | select(.type == "query") | (.query | if type == "object" then .query else . end)' "$dashboard"
  grep -h -E '^[[:space:]]*expr:' "$rules"/*.yml | sed -E 's/^[[:space:]]*expr:[[:space:]]*//'
} > "$tmp/queries"
if grep -h -E '^[[:space:]]*expr:[[:space:]]*[|>]' "$rules"/*.yml; then
  fail "a rule's expr spans several lines: keep each on one line (this check reads them line by line)"
fi
# Metric names of PromQL expressions, one per line: drop strings, label matchers, ranges,
# grouping clauses, Grafana's $variables and numbers; what is left and not a function (followed
# by a parenthesis) or a keyword is a metric name. label_values(metric, label) keeps the metric.
metric_names() {
  sed -E \
    -e 's/label_values\(([^,()]*),[^()]*\)/\1/g' \
    -e 's/"([^"\\]|\\.)*"//g' \
    -e 's/\{[^}]*\}//g' \
    -e 's/\[[^]]*\]//g' \
    -e 's/\b(by|without|on|ignoring|group_left|group_right)[[:space:]]*\([^)]*\)/ /g' \
    -e 's/\$\{[^}]*\}|\$[A-Za-z_]+//g' \
    -e 's/(^|[^A-Za-z0-9_:.])[0-9][A-Za-z0-9_.+-]*/\1/g' \
    | { grep -o -E '[A-Za-z_:][A-Za-z0-9_:]*[[:space:]]*\(?' || true; } \
    | { grep -v -E '\($' || true; } \
    | sed -E 's/[[:space:]]+$//' \
    | { grep -v -x -E 'and|or|unless|bool|offset|by|without|on|ignoring|group_left|group_right|inf|nan|Inf|NaN|atan2' || true; } \
    | sort -u
}
metric_names < "$tmp/queries" > "$tmp/used"
[ -s "$tmp/used" ] || fail "no metric name found in $dashboard and $rules"
# Names Prometheus itself makes, and those the recording rules make.
{
  printf '%s\n' up scrape_duration_seconds scrape_samples_scraped ALERTS ALERTS_FOR_STATE
  grep -h -E '^[[:space:]]*-?[[:space:]]*record:' "$rules"/*.yml | sed -E 's/.*record:[[:space:]]*//'
  # A cluster member's own metrics: this run is one server, which exports none of them; they
  # are checked against the code that registers them (PrometheusMetrics.addCluster).
  grep -o -E '"lottery_cluster_[a-z_]+"' lottery/src/main/java/tp0/lottery/ops/PrometheusMetrics.java | tr -d '"'
} | sort -u > "$tmp/made"

# ---- 2. the run ----------------------------------------------------------------------------
# A port nothing listens on now (for Prometheus, which cannot tell a port it chose itself).
free_port() {
  local port
  for _ in $(seq 1 50); do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return
    fi
  done
  fail "no free port found"
}
# Waits up to $1 s for command $2... to succeed; fails with $what.
wait_for() {
  local seconds=$1 what=$2
  shift 2
  local deadline=$((SECONDS + seconds))
  until "$@"; do
    [ "$SECONDS" -lt "$deadline" ] || fail "after ${seconds} s: $what"
    sleep 0.5
  done
}
log_value() { # file, action, key: the key's value on the file's success line of that action
  sed -n -E "s/.*action: $2 \| result: success .*\| $3: ([^ |]+).*/\1/p" "$1" | head -1
}

# The bets: the course's .data/agency-K.csv when all five are there, else small files in its
# format (every 50th row bets on the winning number 7574, so each agency has winners).
data="$tmp/data"
mkdir -p "$data"
source=generated
if [ -f .data/agency-1.csv ] && [ -f .data/agency-2.csv ] && [ -f .data/agency-3.csv ] && [ -f .data/agency-4.csv ] && [ -f .data/agency-5.csv ]; then
  source=.data/
fi
for k in 1 2 3 4 5; do
  if [ "$source" = .data/ ]; then
    cp ".data/agency-$k.csv" "$data/agency-$k.csv"
  else
    awk -v k="$k" 'BEGIN { for (i = 1; i <= 3000; i++)
      printf "Nombre%d,Apellido%d,%d,1990-01-%02d,%d\n", i, k, 30000000 + k * 100000 + i, 1 + i % 28, (i % 50 == 0 ? 7574 : i) }' \
      > "$data/agency-$k.csv"
  fi
done
bets=$(cat "$data"/agency-*.csv | grep -c -v -E '^[[:space:]]*$')
say "data: 5 agencies, $bets bets ($source)"

mkdir -p "$tmp/server"
(cd "$tmp/server" && NUM_AGENCIES=5 SERVER_IP=127.0.0.1 SERVER_PORT=0 HTTP_IP=127.0.0.1 HTTP_PORT=any \
  exec timeout "$limit" "$root/lottery/target/bin/lottery" > server.log 2>&1) &
server_pid=$!
pids+=("$server_pid")
wait_for 60 "the server logged no http_listen line" grep -q 'action: http_listen | result: success' "$tmp/server/server.log"
tcp_port=$(log_value "$tmp/server/server.log" listen port)
http_port=$(log_value "$tmp/server/server.log" http_listen port)
metrics_url="http://127.0.0.1:$http_port/metrics"
say "server: agencies on 127.0.0.1:$tcp_port, /metrics on $metrics_url"

# Prometheus: the kit's rules, the alerts' windows and `for:` shortened so the run shows them
# within seconds (the same expressions; promtool's unit tests above test the real timings).
mkdir -p "$tmp/prometheus/rules"
cp "$rules"/*.yml "$tmp/prometheus/rules/"
alerts="$tmp/prometheus/rules/lottery-alerts.yml"
[ -f "$alerts" ] || fail "no lottery-alerts.yml in $rules"
sed -i -E -e 's/\[2m\]/[8s]/g' -e 's/for: (30s|1m|2m)$/for: 3s/' "$alerts"
[ "$(grep -o '\[8s\]' "$alerts" | wc -l)" -ge 2 ] && ! grep -q -E 'for: (30s|1m|2m)$' "$alerts" \
  || fail "the alerts' windows or 'for:' changed: update their shortening in $0"
SCRAPE_INTERVAL=1s RULES="rules/*.yml" sh "$kit/prometheus/scrape-nodes.sh" "127.0.0.1:$http_port" \
  > "$tmp/prometheus/prometheus.yml"
prom_ready() { # pid, url: ready, or fails once the process is gone (or after 30 s)
  local deadline=$((SECONDS + 30))
  until curl -sf -o /dev/null "$2/-/ready"; do
    kill -0 "$1" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.5
  done
}
# The free port may be taken between the probe and the bind: then another one.
for attempt in 1 2 3; do
  prom_port=$(free_port)
  prom="http://127.0.0.1:$prom_port"
  timeout "$limit" prometheus --config.file="$tmp/prometheus/prometheus.yml" --storage.tsdb.path="$tmp/prometheus/data" \
    --web.listen-address="127.0.0.1:$prom_port" --log.level=warn > "$tmp/prometheus/prometheus.log" 2>&1 &
  pids+=($!)
  prom_ready "$!" "$prom" && break
  grep -q 'address already in use' "$tmp/prometheus/prometheus.log" && [ "$attempt" -lt 3 ] \
    || fail "Prometheus did not start on $prom"
done
say "prometheus: $prom, scraping every 1 s"

# The value of an instant query, or nothing; the labels of alerts firing by name.
query() {
  curl -sf --get "$prom/api/v1/query" --data-urlencode "query=$1" | jq -r '.data.result[0].value[1] // empty'
}
query_count() {
  curl -sf --get "$prom/api/v1/query" --data-urlencode "query=$1" | jq -r '.data.result | length'
}
firing() { # alertname: one line per firing alert, its labels
  curl -sf "$prom/api/v1/alerts" \
    | jq -c --arg name "$1" '.data.alerts[] | select(.state == "firing" and .labels.alertname == $name) | .labels | del(.alertname, .severity, .job)'
}
fires() { # alertname, how many must fire
  [ "$(firing "$1" | grep -c .)" -eq "$2" ]
}
none_fire() { # alertnames: none of them fires
  local name
  for name in "$@"; do
    [ -z "$(firing "$name")" ] || fail "$name fires and must not: $(firing "$name")"
  done
}
equals() { [ "$(query "$1")" = "$2" ]; }

agency() { # id [data file]: one agency, as the local run starts it
  local k=$1 file=${2:-$data/agency-$1.csv}
  mkdir -p "$tmp/agency-$k"
  (cd "$tmp/agency-$k" && CLI_ID=$k CLI_SERVER_ADDRESS="127.0.0.1:$tcp_port" CLI_DATA_FILE="$file" \
    exec timeout "$limit" "$root/agency/target/bin/agency" > agency.log 2>&1) &
  pids+=($!)
  agency_pid[$k]=$!
}
declare -a agency_pid

wait_for 30 "Prometheus does not scrape the server (up != 1)" equals 'up{job="lottery"}' 1

# Four agencies of five send everything and wait for the draw: connected, nothing stored, no draw.
for k in 1 2 3 4; do agency "$k"; done
wait_for 60 "the four agencies did not finish (lottery_agencies_finished != 4)" equals 'lottery_agencies_finished{job="lottery"}' 4
say "agencies 1-4 sent every bet and wait for the draw"
wait_for 40 "LotteryAgencyStalled does not fire for agencies 1-4" \
  fires LotteryAgencyStalled 4
none_fire LotteryDrawOverdue LotteryTargetDown LotteryNoReadyNode LotteryStoreCommitFailures LotteryConnectionsRefused
say "fires: LotteryAgencyStalled for agencies 1-4 ($(firing LotteryAgencyStalled | jq -r .agency | sort | tr '\n' ' ')); not firing: LotteryDrawOverdue, LotteryTargetDown, LotteryNoReadyNode, LotteryStoreCommitFailures, LotteryConnectionsRefused"

# An agency id the lottery does not have is refused (UNKNOWN_AGENCY).
agency 7 "$data/agency-1.csv"
wait_for 30 "LotteryConnectionsRefused does not fire for UNKNOWN_AGENCY" fires LotteryConnectionsRefused 1
[ "$(firing LotteryConnectionsRefused | jq -r .reason)" = UNKNOWN_AGENCY ] \
  || fail "LotteryConnectionsRefused fires for $(firing LotteryConnectionsRefused), not UNKNOWN_AGENCY"
say "fires: LotteryConnectionsRefused (reason UNKNOWN_AGENCY) for an agency 7 of 5"

# The fifth agency: the draw is held, every agency gets its winners and exits 0.
agency 5
for k in 1 2 3 4 5; do
  status=0
  wait "${agency_pid[$k]}" || status=$?
  [ "$status" -eq 0 ] || fail "agency $k exited $status"
done
wait_for 15 "lottery_draw_held is not 1 after the draw" equals 'lottery_draw_held{job="lottery"}' 1
wait_for 15 "LotteryAgencyStalled still fires after the draw" fires LotteryAgencyStalled 0
none_fire LotteryDrawOverdue LotteryTargetDown LotteryNoReadyNode LotteryStoreCommitFailures
say "the draw is held, agencies 1-5 exited 0; LotteryAgencyStalled resolved; LotteryDrawOverdue not firing"

# Every name a query uses is in the server's /metrics now (or made by Prometheus or a rule).
curl -sf "$metrics_url" > "$tmp/metrics" || fail "cannot scrape $metrics_url"
{
  grep -v '^#' "$tmp/metrics" | sed -E 's/[{ ].*//'
  # Declared metrics, with the series names their type gives them.
  sed -n -E 's/^# TYPE ([^ ]+) (histogram|summary)$/\1_bucket\n\1_sum\n\1_count/p; s/^# TYPE ([^ ]+) counter$/\1/p' "$tmp/metrics"
} | sort -u > "$tmp/exported"
missing=$(sort -u "$tmp/exported" "$tmp/made" | comm -23 "$tmp/used" -)
if [ -n "$missing" ]; then
  for name in $missing; do
    echo "!! monitoring-check: '$name' is not in the server's /metrics, used by:"
    grep -n -E "(^|[^A-Za-z0-9_:])$name([^A-Za-z0-9_:]|\$)" "$rules"/*.yml "$dashboard" | cut -c1-200 | sed "s/^/   /"
  done
  fail "queries name metrics the server does not export: $(echo $missing)"
fi
say "metric names: the dashboard's and the rules' $(wc -l < "$tmp/used") names are all exported: $(tr '\n' ' ' < "$tmp/used")"

# The recording rules produce series, with the run's figures.
wait_for 15 "job:lottery_bets_stored:sum is not $bets" equals 'job:lottery_bets_stored:sum{job="lottery"}' "$bets"
[ "$(query_count 'job_agency:lottery_bets_stored:max{job="lottery"}')" -eq 5 ] \
  || fail "job_agency:lottery_bets_stored:max has not 5 series (one per agency)"
for recorded in $(grep -h -E 'record:' "$rules"/*.yml | sed -E 's/.*record:[[:space:]]*//'); do
  [ "$(query_count "count_over_time(${recorded}[5m])")" -ge 1 ] || fail "the recording rule $recorded made no series"
done
say "recording rules: every one made series; job:lottery_bets_stored:sum = $bets, the bets of the five files"

# The server stops: its target is down and no node serves the agencies.
kill -TERM "$server_pid"
status=0
wait "$server_pid" || status=$?
[ "$status" -eq 0 ] || fail "the server exited $status on SIGTERM"
wait_for 30 "LotteryTargetDown does not fire once the server stopped" fires LotteryTargetDown 1
wait_for 30 "LotteryNoReadyNode does not fire once the server stopped" fires LotteryNoReadyNode 1
say "server stopped (exit 0): fires LotteryTargetDown and LotteryNoReadyNode"
say "ok"
