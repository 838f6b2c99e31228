#!/bin/sh
# Health check of the lottery server's echo, from inside the compose network: a throwaway
# busybox container sends a line with nc to server:12345 and compares the answer. Needs no
# netcat on the host and no published port. Prints exactly one line:
#   action: test_echo_server | result: success     (exit 0)
#   action: test_echo_server | result: fail        (exit 1: down, silent, or a wrong answer)
# NETWORK, SERVER, PORT and TIMEOUT (seconds) can be overridden from the environment.
NETWORK=${NETWORK:-tp0_testing_net}
SERVER=${SERVER:-server}
PORT=${PORT:-12345}
TIMEOUT=${TIMEOUT:-5}
MSG="tp0 echo check $$ $(date +%s)"

ANSWER=$(docker run --rm --network "$NETWORK" -e MSG="$MSG" busybox:latest \
  sh -c 'echo "$MSG" | nc -w "$0" "$1" "$2"' "$TIMEOUT" "$SERVER" "$PORT" 2>/dev/null)

if [ "$ANSWER" = "$MSG" ]; then
  echo "action: test_echo_server | result: success"
else
  echo "action: test_echo_server | result: fail"
  exit 1
fi
