#!/usr/bin/env bash
# Writes a docker compose file for the lottery: one `server` and agencies client1..clientN
# on the network testing_net (172.25.125.0/24) of project tp0.
#
#   ./generar-compose.sh <output file> <number of clients>      (0 = server only)
#
# The server gets lottery/config.ini and every client agency/config.yaml, bind-mounted, so
# editing them takes effect on the next `up` without rebuilding; the compose file sets no
# variable that would override them (only NUM_AGENCIES and CLI_ID). clientK also gets
# .data/agency-K.csv, read-only. Paths in the file are relative to the file's folder.
# LOTTERY_CONFIG, AGENCY_CONFIG and DATA_DIR (environment) point elsewhere, e.g. for tests.
#
# STORE=postgres adds a `postgres` service (image postgres:15, named volume bets-db, pg_isready
# healthcheck) and points the server at it (STORE, DB_URL, DB_USER, DB_PASSWORD); the server
# starts once postgres is healthy. DB_PASSWORD (environment) sets the password, default a dev one.
# Without STORE (or STORE=file) the output is the file-store one, unchanged.
#
# The server has a healthcheck, `lottery healthcheck` (GET /health/ready on its HTTP port, which
# config.ini's HTTP_PORT sets; the compose file publishes no port). To open the status page from
# the host, publish the port with an override file. WAIT_HEALTHY=1 makes the agencies start only
# once the server is healthy (depends_on condition service_healthy); the default is a plain
# depends_on, as the course's suite needs: it reads `docker compose logs -f` after `up -d`, and
# agencies that finish before that reader attaches have their whole history printed before the
# server's (compose prints finished containers' logs first), out of the order the tests check.
# NODES=K (K > 1, needs STORE=postgres) writes the central as a Pekko Cluster of K lottery nodes
# server1..serverK instead of one `server`: every node is a seed (CLUSTER_SEED_NODES lists all
# of them, in the same order for all, cluster port 25520; server1 forms the cluster when no other
# seed answers, a restarted node rejoins through any live one), CLUSTER_HOST is its own name,
# and all wait for postgres to be healthy. Each client gets CLI_SERVER_ADDRESS with every node
# (port 12345, the shipped config.ini's), clientI starting at node ((I-1) mod K)+1 so the
# agencies spread over the nodes; it fails over to the next one when its node dies.
# NODES=1 (the default) is the single `server` above, unchanged.
#
# PERSIST=1 keeps the file store's bets in a named volume, lottery-data, so they survive `down`
# and the next `up` resumes them: the server's working directory is then /app/data, the volume,
# with config.ini mounted into it. Without it (the default, the exercise's) bets.csv lives in the
# server's container and `down` discards it with the container. STORE=postgres keeps its bets in
# the named volume bets-db either way, so PERSIST=1 changes nothing there (`down -v` removes
# both volumes).
# MONITORING=1 adds a `prometheus` service (image PROMETHEUS_IMAGE, default
# prom/prometheus:v2.42.0; compose/build-prometheus-image.sh builds a stand-in of it where no
# registry is reachable) that scrapes /metrics on every lottery node's HTTP port (HTTP_PORT of
# the config.ini used, which must be a fixed port) and evaluates monitoring/prometheus/rules. Its
# configuration is written by monitoring/prometheus/scrape-nodes.sh next to the compose file, as
# <output file without .yaml/.yml>.prometheus.yml. Its HTTP port (API; the web UI with the
# official image) is published on the host at PROMETHEUS_PORT, default 127.0.0.1:9090 (loopback
# only: Prometheus has no authentication; 0.0.0.0:9090 for every interface). With PERSIST=1 its
# data lives in the named volume prometheus-data too.
set -euo pipefail

usage() {
  echo "usage: $0 <output file> <number of clients>" >&2
  echo "  <number of clients>: a non-negative integer (0 = server only)" >&2
  exit 2
}

[ $# -eq 2 ] || usage
output=$1
clients=$2
[ -n "$output" ] || usage
[[ "$clients" =~ ^[0-9]+$ ]] || { echo "error: '$clients' is not a non-negative integer" >&2; usage; }
clients=$((10#$clients))
store=${STORE:-file}
case "$store" in
  file|postgres) ;;
  *) echo "error: STORE='$store' is not file or postgres" >&2; exit 2 ;;
esac
db_password=${DB_PASSWORD:-lottery-dev-password}
wait_healthy=${WAIT_HEALTHY:-0}
case "$wait_healthy" in
  0|1) ;;
  *) echo "error: WAIT_HEALTHY='$wait_healthy' is not 0 or 1" >&2; exit 2 ;;
esac
nodes=${NODES:-1}
[[ "$nodes" =~ ^[0-9]+$ ]] && [ $((10#$nodes)) -ge 1 ] || { echo "error: NODES='$nodes' is not a positive integer" >&2; exit 2; }
nodes=$((10#$nodes))
persist=${PERSIST:-0}
case "$persist" in
  0|1) ;;
  *) echo "error: PERSIST='$persist' is not 0 or 1" >&2; exit 2 ;;
esac
monitoring=${MONITORING:-0}
case "$monitoring" in
  0|1) ;;
  *) echo "error: MONITORING='$monitoring' is not 0 or 1" >&2; exit 2 ;;
esac
prometheus_image=${PROMETHEUS_IMAGE:-prom/prometheus:v2.42.0}
prometheus_port=${PROMETHEUS_PORT:-127.0.0.1:9090}
[[ "$prometheus_port" =~ ^([0-9.]+:)?[0-9]+$ ]] \
  || { echo "error: PROMETHEUS_PORT='$prometheus_port' is not [ADDRESS:]PORT" >&2; exit 2; }
if [ "$nodes" -gt 1 ] && [ "$store" != postgres ]; then
  echo "error: NODES=$nodes needs STORE=postgres (the cluster's nodes share the bets, counts and marks in one database); STORE is $store" >&2
  exit 2
fi
cluster_port=25520
lottery_port=12345
# The lottery services' names: `server` alone, or server1..serverK for a cluster.
node_names=()
if [ "$nodes" -eq 1 ]; then
  node_names=(server)
else
  for ((n = 1; n <= nodes; n++)); do node_names+=("server$n"); done
fi
seed_nodes=$(printf "%s:$cluster_port," "${node_names[@]}"); seed_nodes=${seed_nodes%,}

here=$(cd "$(dirname "$0")" && pwd)
lottery_config=${LOTTERY_CONFIG:-$here/lottery/config.ini}
agency_config=${AGENCY_CONFIG:-$here/agency/config.yaml}
data_dir=${DATA_DIR:-$here/.data}
for f in "$lottery_config" "$agency_config"; do
  [ -f "$f" ] || { echo "error: $f not found" >&2; exit 1; }
done

# The file store's data in the named volume (PERSIST=1): the server's working directory.
persist_file_store=0
if [ "$persist" = 1 ] && [ "$store" = file ]; then persist_file_store=1; fi
# MONITORING=1: the nodes' HTTP port, config.ini's HTTP_PORT (the compose file never overrides
# it); absent, the server's default, 8080. Prometheus needs a port it can know in advance.
http_port=""
if [ "$monitoring" = 1 ]; then
  http_port=$(sed -n -E 's/^[[:space:]]*[Hh][Tt][Tt][Pp]_[Pp][Oo][Rr][Tt][[:space:]]*[=:][[:space:]]*([^[:space:]#;]*).*/\1/p' "$lottery_config" | head -n 1)
  http_port=${http_port:-8080}
  if ! [[ "$http_port" =~ ^[0-9]+$ ]] || [ $((10#$http_port)) -lt 1 ] || [ $((10#$http_port)) -gt 65535 ]; then
    echo "error: MONITORING=1 needs a fixed HTTP port on the nodes, but HTTP_PORT in $lottery_config is '$http_port'" >&2
    exit 2
  fi
  http_port=$((10#$http_port))
fi

out_dir=$(mkdir -p "$(dirname "$output")" && cd "$(dirname "$output")" && pwd)
prometheus_config=$out_dir/$(basename "${output%.y*ml}").prometheus.yml
# A path as seen from the compose file's folder (compose resolves relative paths from there).
rel() { local p; p=$(realpath -m --relative-to="$out_dir" "$1"); case "$p" in /*) echo "$p" ;; .*) echo "$p" ;; *) echo "./$p" ;; esac; }

echo "Nombre del archivo de salida: $output"
echo "Cantidad de clientes: $clients"
if [ "$nodes" -gt 1 ]; then
  echo "Cantidad de nodos: $nodes"
fi

# One lottery service: $1 its name; cluster keys only when there are several nodes.
lottery_node() {
  local name=$1
  cat <<YAML
  $name:
    container_name: $name
    image: tp0-lottery:latest
YAML
  # With no clients the server runs alone (e.g. for the echo check) with NUM_AGENCIES from config.ini.
  if [ "$clients" -gt 0 ] || [ "$store" = postgres ]; then
    echo "    environment:"
  fi
  if [ "$clients" -gt 0 ]; then
    echo "      - NUM_AGENCIES=$clients"
  fi
  if [ "$store" = postgres ]; then
    cat <<YAML
      - STORE=postgres
      - DB_URL=jdbc:postgresql://postgres:5432/lottery
      - DB_USER=lottery
      - DB_PASSWORD=$db_password
YAML
  fi
  if [ "$nodes" -gt 1 ]; then
    cat <<YAML
      - CLUSTER_SEED_NODES=$seed_nodes
      - CLUSTER_HOST=$name
      - CLUSTER_PORT=$cluster_port
YAML
  fi
  if [ "$persist_file_store" = 1 ]; then
    cat <<YAML
    working_dir: /app/data
    volumes:
      - lottery-data:/app/data
      - $(rel "$lottery_config"):/app/data/config.ini:ro
YAML
  else
    cat <<YAML
    volumes:
      - $(rel "$lottery_config"):/app/config.ini:ro
YAML
  fi
  cat <<YAML
    networks:
      - testing_net
    healthcheck:
      test: ["CMD", "/app/bin/lottery", "healthcheck"]
      interval: 2s
      timeout: 10s
      retries: 30
YAML
  if [ "$store" = postgres ]; then
    cat <<YAML
    depends_on:
      postgres:
        condition: service_healthy
YAML
  fi
}

# Client $1's CLI_SERVER_ADDRESS: every node, starting at node ((k-1) mod K)+1.
node_list_for() {
  local k=$1 i list=""
  for ((i = 0; i < nodes; i++)); do
    list+="${node_names[$(( (k - 1 + i) % nodes ))]}:$lottery_port,"
  done
  echo "${list%,}"
}

{
  cat <<YAML
name: tp0
services:
YAML
  for ((n = 0; n < nodes; n++)); do
    [ "$n" -eq 0 ] || echo
    lottery_node "${node_names[$n]}"
  done
  if [ "$store" = postgres ]; then
    cat <<YAML

  postgres:
    container_name: postgres
    image: postgres:15
    environment:
      - POSTGRES_USER=lottery
      - POSTGRES_PASSWORD=$db_password
      - POSTGRES_DB=lottery
    volumes:
      - bets-db:/var/lib/postgresql/data
    healthcheck:
      test: ["CMD-SHELL", "pg_isready -U lottery -d lottery"]
      interval: 2s
      timeout: 5s
      retries: 30
    networks:
      - testing_net
YAML
  fi
  if [ "$monitoring" = 1 ]; then
    cat <<YAML

  prometheus:
    container_name: prometheus
    image: $prometheus_image
    command: ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus", "--web.listen-address=:9090"]
    volumes:
      - $(rel "$prometheus_config"):/etc/prometheus/prometheus.yml:ro
      - $(rel "$here/monitoring/prometheus/rules"):/etc/prometheus/rules:ro
YAML
    if [ "$persist" = 1 ]; then
      echo "      - prometheus-data:/prometheus"
    fi
    cat <<YAML
    ports:
      - "$prometheus_port:9090"
    networks:
      - testing_net
YAML
  fi
  for ((k = 1; k <= clients; k++)); do
    cat <<YAML

  client$k:
    container_name: client$k
    image: tp0-agency:latest
    environment:
      - CLI_ID=$k
YAML
    if [ "$nodes" -gt 1 ]; then
      echo "      - CLI_SERVER_ADDRESS=$(node_list_for "$k")"
    fi
    cat <<YAML
    volumes:
      - $(rel "$agency_config"):/app/config.yaml:ro
      - $(rel "$data_dir/agency-$k.csv"):/app/.data/agency-$k.csv:ro
    networks:
      - testing_net
YAML
    echo "    depends_on:"
    if [ "$wait_healthy" = 1 ]; then
      printf '      %s:\n        condition: service_healthy\n' "${node_names[@]}"
    else
      printf '      - %s\n' "${node_names[@]}"
    fi
  done
  cat <<YAML

networks:
  testing_net:
    ipam:
      driver: default
      config:
        - subnet: 172.25.125.0/24
YAML
  named_volumes=()
  if [ "$store" = postgres ]; then named_volumes+=(bets-db); fi
  if [ "$persist_file_store" = 1 ]; then named_volumes+=(lottery-data); fi
  if [ "$persist" = 1 ] && [ "$monitoring" = 1 ]; then named_volumes+=(prometheus-data); fi
  if [ ${#named_volumes[@]} -gt 0 ]; then
    printf '\nvolumes:\n'
    printf '  %s:\n' "${named_volumes[@]}"
  fi
} > "$output"

if [ "$monitoring" = 1 ]; then
  # Prometheus resolves rule_files from its configuration's folder: /etc/prometheus/rules.
  targets=()
  for name in "${node_names[@]}"; do targets+=("$name:$http_port"); done
  RULES='rules/*.yml' sh "$here/monitoring/prometheus/scrape-nodes.sh" "${targets[@]}" > "$prometheus_config"
  echo "Prometheus: $prometheus_config, scraping ${targets[*]}; http://$prometheus_port after up"
fi

missing=0
for ((k = 1; k <= clients; k++)); do
  [ -f "$data_dir/agency-$k.csv" ] || missing=$((missing + 1))
done
if [ "$missing" -gt 0 ]; then
  echo "warning: $missing of $clients bet files $data_dir/agency-K.csv are missing; create them before 'up'" >&2
  echo "  (e.g. unzip dataset.zip -d .data), or Docker will create empty folders in their place." >&2
fi
