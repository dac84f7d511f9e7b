#!/usr/bin/env bash
# A cluster on this machine, without Docker: PostgreSQL, an S3-compatible server (S3Mock), three instances of
# the service in the cluster profile (UDP_CLUSTER_INSTANCES, 3 by default), the kernel's UDP load balancing in
# front (deploy/udp-balancer.sh: nftables, so every camera keeps its own address; needs root) and nginx for HTTP.
# UDP_CLUSTER_LB=nginx balances UDP with nginx instead (no root needed; every sender then has nginx's address).
#
#   deploy/local-cluster.sh up        start everything (builds the jar if missing or older than src/main);
#                                     returns once all are healthy
#   deploy/local-cluster.sh kill N    SIGKILL instance N (1-3)
#   deploy/local-cluster.sh start N   start instance N again
#   deploy/local-cluster.sh down      stop everything it started and delete its state
#
# UDP images to port 19999 of any of this machine's addresses, lists :19998; HTTP 127.0.0.1:18088 (nginx).
# Instances: HTTP 18091-18093, UDP 19101-19103 and 19201-19203 on 127.0.0.1 (UDP_CLUSTER_BIND), each in its own
# working directory $STATE/instance-N (it keeps nothing there but its log: the store is PostgreSQL and S3).
# Cameras on other hosts reach 127.0.0.1 receivers only through an interface with route_localnet=1 (or bind the
# receivers to a routable address). HTTP asks for credentials (user admin, the password in $STATE/password, or
# UDP_CLUSTER_PASSWORD): requests through nginx are not local. State: target/local-cluster (UDP_CLUSTER_STATE).
set -euo pipefail
REPO="$(cd "$(dirname "$0")/.." && pwd)"
STATE="${UDP_CLUSTER_STATE:-$REPO/target/local-cluster}"
PG_PORT="${UDP_CLUSTER_PG_PORT:-15432}"
INSTANCES="${UDP_CLUSTER_INSTANCES:-3}" # 1 to 9
S3_PORT="${UDP_CLUSTER_S3_PORT:-19090}"
BIND="${UDP_CLUSTER_BIND:-127.0.0.1}"
# more JVM options for the instances and S3Mock (the tests start them with -XX:TieredStopAtLevel=1: a third faster
# to start on two cores)
read -r -a JAVA_EXTRA <<< "${UDP_CLUSTER_JAVA_OPTIONS:-}"
if [ -z "${UDP_CLUSTER_LB:-}" ]; then
    if [ "$(id -u)" = 0 ] && command -v nft >/dev/null; then UDP_CLUSTER_LB=nftables; else UDP_CLUSTER_LB=nginx; fi
fi

log() { echo "local-cluster: $*" >&2; }

as_postgres() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_bin() {
    ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1
}

jar() {
    ls "$REPO"/target/udp-image-service-*.jar 2>/dev/null | grep -v original | head -1
}

wait_for() { # what, url, seconds
    local deadline=$((SECONDS + $3))
    until curl -s -o /dev/null --max-time 2 "$2"; do
        if [ $SECONDS -ge $deadline ]; then log "$1 did not come up: $2"; return 1; fi
        sleep 0.3
    done
}

start_instance() {
    local n="$1"
    local password; password="$(cat "$STATE/password")"
    log "starting instance $n"
    mkdir -p "$STATE/instance-$n"
    (cd "$STATE/instance-$n" && UDP_SECURITY_USERNAME=admin UDP_SECURITY_PASSWORD="$password" \
    exec nohup java "@$REPO/jvm.options" "${JAVA_EXTRA[@]}" -jar "$(jar)" --spring.profiles.active=cluster \
        --server.port=$((18090 + n)) --udp.image-port=$((19100 + n)) --udp.list-port=$((19200 + n)) \
        --udp.bind-address="$BIND" --udp.store.instance="r$n" --udp.store.dir= \
        --spring.datasource.url="jdbc:postgresql://127.0.0.1:$PG_PORT/udpimage" \
        --udp.store.s3.endpoint="http://127.0.0.1:$S3_PORT" \
        > "$STATE/instance-$n.log" 2>&1) &
    echo $! > "$STATE/instance-$n.pid"
}

await_instance() {
    wait_for "instance $1" "http://127.0.0.1:$((18090 + $1))/actuator/health" 120
}

up() {
    mkdir -p "$STATE"
    [ -s "$STATE/password" ] || { echo "${UDP_CLUSTER_PASSWORD:-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')}" > "$STATE/password"; }
    # a jar older than the sources would run yesterday's code
    if [ -z "$(jar)" ] || [ ! -f "$REPO/target/s3mock.jar" ] \
        || [ -n "$(find "$REPO/src/main" "$REPO/pom.xml" -newer "$(jar)" -print -quit)" ]; then
        log "building the service"
        (cd "$REPO" && mvn -B -q package -DskipTests)
    fi
    local bin; bin="$(pg_bin)"
    [ -n "$bin" ] || { log "no PostgreSQL server: apt-get install postgresql"; exit 1; }
    command -v nginx >/dev/null || { log "no nginx: apt-get install nginx libnginx-mod-stream"; exit 1; }

    if [ ! -d "$STATE/pg/data" ]; then
        log "PostgreSQL: initdb"
        mkdir -p "$STATE/pg"
        [ "$(id -u)" = 0 ] && chown postgres:postgres "$STATE/pg"
        as_postgres "$bin/initdb" -D "$STATE/pg/data" -U udpimage --auth=trust -E UTF8 --locale=C >/dev/null
    fi
    log "PostgreSQL on 127.0.0.1:$PG_PORT"
    as_postgres "$bin/pg_ctl" -D "$STATE/pg/data" -l "$STATE/pg/log" -w \
        -o "-p $PG_PORT -k $STATE/pg -c listen_addresses=127.0.0.1 -c max_connections=100" start >/dev/null
    as_postgres "$bin/createdb" -h 127.0.0.1 -p "$PG_PORT" -U udpimage udpimage 2>/dev/null || true

    log "S3Mock on 127.0.0.1:$S3_PORT"
    mkdir -p "$STATE/s3"
    nohup java -Xmx256m "${JAVA_EXTRA[@]}" -jar "$REPO/target/s3mock.jar" --com.adobe.testing.s3mock.httpPort="$S3_PORT" \
        --server.port=$((S3_PORT + 1)) --com.adobe.testing.s3mock.store.root="$STATE/s3" \
        --com.adobe.testing.s3mock.store.retainFilesOnExit=true > "$STATE/s3mock.log" 2>&1 &
    echo $! > "$STATE/s3mock.pid"
    wait_for "S3Mock" "http://127.0.0.1:$S3_PORT/" 60

    for n in $(seq 1 "$INSTANCES"); do start_instance "$n"; sleep 2; done
    for n in $(seq 1 "$INSTANCES"); do await_instance "$n"; done

    local modules="" stream="" images="" lists="" http="" backends_images="" backends_lists="" health=""
    for n in $(seq 1 "$INSTANCES"); do
        images+="        server $BIND:$((19100 + n)) max_fails=1 fail_timeout=10s;\n"
        lists+="        server $BIND:$((19200 + n)) max_fails=1 fail_timeout=10s;\n"
        http+="        server 127.0.0.1:$((18090 + n)) max_fails=1 fail_timeout=5s;\n"
        backends_images+="${backends_images:+,}$BIND:$((19100 + n))"
        backends_lists+="${backends_lists:+,}$BIND:$((19200 + n))"
        health+="${health:+ }http://127.0.0.1:$((18090 + n))/actuator/health/liveness"
    done
    if [ "$UDP_CLUSTER_LB" = nftables ]; then
        log "UDP: the kernel balances :19999 (images) and :19998 (lists); senders keep their addresses"
        UDP_LB_TABLE=udpimg_lb UDP_LB_PORTS="19999=$backends_images 19998=$backends_lists" UDP_LB_HEALTH="$health" \
            nohup bash "$REPO/deploy/udp-balancer.sh" watch > "$STATE/balancer.log" 2>&1 &
        echo $! > "$STATE/balancer.pid"
        # up means balanced: the first datagram after it must find the rules
        local deadline=$((SECONDS + 10))
        until nft list table ip udpimg_lb >/dev/null 2>&1; do
            if [ $SECONDS -ge $deadline ]; then log "the balancer did not install its rules: $STATE/balancer.log"; exit 1; fi
            sleep 0.1
        done
    else
        log "UDP: nginx balances 127.0.0.1:19999 (images) and :19998 (lists); senders have nginx's address"
        if [ -f /usr/lib/nginx/modules/ngx_stream_module.so ]; then
            modules="load_module /usr/lib/nginx/modules/ngx_stream_module.so;"
        fi
        sed -e "s|@IMAGE_SERVERS@|$images|" -e "s|@LIST_SERVERS@|$lists|" \
            "$REPO/deploy/nginx/stream.conf.template" > "$STATE/nginx-stream.conf"
        stream="include $STATE/nginx-stream.conf;"
    fi
    log "nginx: HTTP 127.0.0.1:18088"
    sed -e "s|@STATE@|$STATE|g" -e "s|@MODULES@|$modules|" -e "s|@STREAM_INCLUDE@|$stream|" \
        -e "s|@HTTP_SERVERS@|$http|" "$REPO/deploy/nginx/nginx.conf.template" > "$STATE/nginx.conf"
    nginx -c "$STATE/nginx.conf" -p "$STATE" -g "daemon on;"
    wait_for "nginx" "http://127.0.0.1:18088/actuator/health" 30
    log "up; HTTP user admin, password in $STATE/password"
}

kill_instance() {
    local pidfile="$STATE/instance-$1.pid"
    [ -f "$pidfile" ] && kill -9 "$(cat "$pidfile")" 2>/dev/null || true
    rm -f "$pidfile"
    log "instance $1 killed"
}

down() {
    [ -f "$STATE/nginx.pid" ] && kill "$(cat "$STATE/nginx.pid")" 2>/dev/null || true
    [ -f "$STATE/balancer.pid" ] && kill "$(cat "$STATE/balancer.pid")" 2>/dev/null || true
    if [ "$(id -u)" = 0 ] && command -v nft >/dev/null; then UDP_LB_PORTS=- UDP_LB_HEALTH=- UDP_LB_TABLE=udpimg_lb bash "$REPO/deploy/udp-balancer.sh" stop; fi
    for pidfile in "$STATE"/instance-*.pid; do
        [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null || true
    done
    [ -f "$STATE/s3mock.pid" ] && kill "$(cat "$STATE/s3mock.pid")" 2>/dev/null || true
    local bin; bin="$(pg_bin)"
    if [ -n "$bin" ] && [ -d "$STATE/pg/data" ]; then
        as_postgres "$bin/pg_ctl" -D "$STATE/pg/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    sleep 1
    rm -rf "$STATE"
    log "down"
}

case "${1:-}" in
    up) up ;;
    down) down ;;
    kill) kill_instance "${2:?instance 1-3}" ;;
    start) start_instance "${2:?instance 1-3}"; await_instance "$2" ;;
    *) echo "usage: $0 up | down | kill N | start N" >&2; exit 2 ;;
esac
