#!/bin/sh
# Health check of the lottery server's echo, from inside the compose network: a throwaway
# busybox container sends a line with nc to server:12345 and compares the answer. Needs no
# netcat on the host and no published port. Prints exactly one line:
#   action: test_echo_server | result: success     (exit 0)
#   action: test_echo_server | result: fail        (exit 1: down, silent, or a wrong answer)
# A server that is still starting gets a fair chance: while nothing answers (connection
# refused, name not yet resolvable, or no reply) the check tries again until TIMEOUT seconds
# have passed since it started. Any answer ends it at once: the line back is success,
# anything else is fail.
# NETWORK, SERVER, PORT and TIMEOUT (seconds) can be overridden from the environment.
# Without SERVER it checks `server`, or where no container `server` exists (the cluster
# compose of NODES=K has server1..serverK) the first running node serverN, so the check says
# whether the central answers while any node is up; SERVER=server2 checks one node.
NETWORK=${NETWORK:-tp0_testing_net}
if [ -z "${SERVER:-}" ]; then
  SERVER=server
  if ! docker container inspect server > /dev/null 2>&1; then
    node=$(docker ps --format '{{.Names}}' | grep -E '^server[0-9]+$' | sort -V | head -n 1)
    [ -n "$node" ] && SERVER=$node
  fi
fi
PORT=${PORT:-12345}
TIMEOUT=${TIMEOUT:-10}
MSG="tp0 echo check $$ $(date +%s)"

# Inside the container: one attempt waits at most 2 s (or what is left) for a reply (busybox
# nc's -w bounds only the connect, so timeout bounds the whole attempt); an empty reply is
# "nothing answered yet", so it sleeps a little and tries again.
ANSWER=$(docker run --rm --network "$NETWORK" -e MSG="$MSG" busybox:latest sh -c '
  timeout=$0 server=$1 port=$2
  end=$(( $(date +%s) + timeout ))
  while :; do
    left=$(( end - $(date +%s) ))
    [ "$left" -gt 2 ] && wait_s=2 || wait_s=$(( left > 1 ? left : 1 ))
    answer=$(echo "$MSG" | timeout "$wait_s" nc -w "$wait_s" "$server" "$port" 2>/dev/null)
    if [ -n "$answer" ]; then
      printf "%s\n" "$answer"
      exit 0
    fi
    [ "$(date +%s)" -ge "$end" ] && exit 1
    sleep 0.2
  done' "$TIMEOUT" "$SERVER" "$PORT" 2>/dev/null)

if [ "$ANSWER" = "$MSG" ]; then
  echo "action: test_echo_server | result: success"
else
  echo "action: test_echo_server | result: fail"
  exit 1
fi
