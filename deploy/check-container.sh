#!/usr/bin/env bash
# Build the image and prove it runs: as a user other than root, healthy by its own
# HEALTHCHECK, /readyz answering with the sample minutes indexed, /data writable and
# /minutes read-only. Needs a container engine (docker, or podman with CONTAINER_ENGINE=podman)
# and network access to pull the pinned python:3.13 base image and the Python packages.
#
#   deploy/check-container.sh            # from anywhere in the clone
#   CONTAINER_ENGINE=podman deploy/check-container.sh
#
# CI: a GitHub Actions ubuntu-latest job has docker; run `bash deploy/check-container.sh`.
# Not run by the test suite: the machine this was written on has no container engine.
set -euo pipefail
cd "$(dirname "$0")/.."

ENGINE=${CONTAINER_ENGINE:-docker}
IMAGE=${IMAGE:-beslutningsbot:check}
NAME=beslutningsbot-check-$$
PORT=${PORT:-39780}
VOLUME=$NAME-data

cleanup() {
    "$ENGINE" rm -f "$NAME" >/dev/null 2>&1 || true
    "$ENGINE" volume rm "$VOLUME" >/dev/null 2>&1 || true
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; "$ENGINE" logs "$NAME" >&2 || true; exit 1; }

echo "--- build"
"$ENGINE" build -f deploy/Dockerfile -t "$IMAGE" .

echo "--- run (no Teams, no Webex: the server with the sample minutes)"
"$ENGINE" volume create "$VOLUME" >/dev/null
"$ENGINE" run -d --name "$NAME" -p "127.0.0.1:$PORT:3978" \
    -v "$VOLUME:/data" -v "$PWD/knowledge/samples:/minutes:ro" \
    --health-interval 2s --health-start-period 60s \
    "$IMAGE" >/dev/null

echo "--- wait for healthy (the image's HEALTHCHECK)"
status=starting
for _ in $(seq 1 90); do
    if [ "$ENGINE" = podman ]; then
        podman healthcheck run "$NAME" >/dev/null 2>&1 && status=healthy || status=starting
    else
        status=$(docker inspect --format '{{.State.Health.Status}}' "$NAME")
    fi
    [ "$status" = healthy ] && break
    [ "$status" = unhealthy ] && fail "the container became unhealthy"
    sleep 2
done
[ "$status" = healthy ] || fail "not healthy after 180 s (status: $status)"

echo "--- /readyz from the host"
body=$(python3 -c "import urllib.request; print(urllib.request.urlopen('http://127.0.0.1:$PORT/readyz', timeout=5).read().decode())")
echo "$body"
python3 -c "import json, sys; b = json.loads(sys.argv[1]); assert b['status'] == 'ok' and b['items'] > 0, b" "$body" \
    || fail "/readyz did not report a loaded index"

echo "--- user, data and minutes"
uid=$("$ENGINE" exec "$NAME" id -u)
[ "$uid" != 0 ] || fail "the server runs as root"
"$ENGINE" exec "$NAME" test -f /data/index.json || fail "no index in /data"
if "$ENGINE" exec "$NAME" touch /minutes/should-not-be-writable 2>/dev/null; then
    fail "/minutes is writable"
fi
"$ENGINE" exec "$NAME" beslutningsbot ask "hvad besluttede direktionen om Hændelseslog?" | grep -q "8. april 2026" \
    || fail "the bot in the image does not answer from the minutes"

echo "OK: $IMAGE builds, runs as uid $uid and is healthy"
