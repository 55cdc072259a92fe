# The SurrealDB server as the project's scripts run it, sourced by scripts/cluster and
# bench/feed so both find the same binary and start it the same way.

# The server built by scripts/setup --for-cluster (release if built, else debug), or
# $ROUNDS_SURREAL_BIN; empty if there is none.
surreal_bin() {
  if [ -n "${ROUNDS_SURREAL_BIN:-}" ]; then
    echo "$ROUNDS_SURREAL_BIN"
    return
  fi
  for s in target/release/surreal target/debug/surreal; do
    [ -x "$s" ] && { echo "$s"; return; }
  done
}

# Starts the server in the background on 127.0.0.1:PORT over a SurrealKV store at DIR,
# every commit synced (a commit is on disk before the server answers), logging to LOG;
# sets surreal_pid and returns once /health answers (1 if it never does, in 30 s).
surreal_start() { # bin port dir log
  "$1" start --log warn --bind "127.0.0.1:$2" --user root --pass root \
    "surrealkv://$3?sync=every" >"$4" 2>&1 &
  surreal_pid=$!
  for _ in $(seq 1 300); do
    curl -fsS -o /dev/null "http://127.0.0.1:$2/health" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "SurrealDB did not come up on port $2; its log: $4" >&2
  return 1
}
