#!/usr/bin/env bash
# Starts a Docker engine for the container tests and waits until it answers.
#
# There is no systemd here, so dockerd runs in the background, on its own socket, with no bridge
# and no iptables rules: every `docker build` and `docker run` in the tests uses --network host.
# An engine already answering on the socket is reused as it is; docker-down.sh stops an engine
# only if docker-up.sh started it (it records dockerd's pid in a pidfile).
set -euo pipefail

SOCKET=/tmp/ecs-ship-docker.sock
PIDFILE=/tmp/ecs-ship-dockerd.pid
LOG=/tmp/ecs-ship-dockerd.log
WAIT_SECONDS=60
export DOCKER_HOST="unix://${SOCKET}"

if ! command -v dockerd >/dev/null 2>&1; then
    echo "docker-up: installing docker.io from Debian"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq docker.io >/dev/null
fi

if docker info >/dev/null 2>&1; then
    echo "docker-up: an engine already answers at ${DOCKER_HOST}; using it"
    exit 0
fi

rm -f "${PIDFILE}"
nohup dockerd --host "${DOCKER_HOST}" --bridge=none --iptables=false --pidfile "${PIDFILE}" >"${LOG}" 2>&1 &
pid=$!

for _ in $(seq 1 $((WAIT_SECONDS * 2))); do
    if docker info >/dev/null 2>&1; then
        echo "docker-up: engine $(docker version --format '{{.Server.Version}}') answers at ${DOCKER_HOST} (dockerd pid ${pid}, log ${LOG})"
        exit 0
    fi
    if ! kill -0 "${pid}" 2>/dev/null; then
        echo "docker-up: dockerd exited during startup; last lines of ${LOG}:" >&2
        tail -n 40 "${LOG}" >&2
        exit 1
    fi
    sleep 0.5
done

echo "docker-up: no answer from ${DOCKER_HOST} after ${WAIT_SECONDS} s; last lines of ${LOG}:" >&2
tail -n 40 "${LOG}" >&2
exit 1
