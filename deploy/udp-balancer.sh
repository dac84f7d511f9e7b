#!/usr/bin/env bash
# UDP load balancing in the kernel that keeps every sender's own address and port: nftables DNAT, each sender
# (source address and port, hashed) to one receiver, as kube-proxy does. The receivers see the camera, not a proxy;
# conntrack turns their replies back into replies from the balanced port, so unmodified clients hear them. Needs
# root (or CAP_NET_ADMIN), nftables and, to move a dead receiver's senders at once, conntrack-tools. docs/cluster.md
# says what it needs of the network (the return path runs through this machine).
#
#   udp-balancer.sh watch   install the rules, then every 0.25 s ask each receiver's liveness URL; a receiver that
#                           fails twice is taken out (its senders hash to the others, their flows to it are deleted
#                           from conntrack) and put back when it answers again; removes the rules on exit
#   udp-balancer.sh stop    remove the rules
#
# Settings (environment):
#   UDP_LB_TABLE    the nftables table (default udpimg_lb)
#   UDP_LB_PORTS    per balanced port, its receivers in a fixed order: "19999=127.0.0.1:19101,127.0.0.1:19102
#                   19998=127.0.0.1:19201,127.0.0.1:19202" (every port the same number of receivers)
#   UDP_LB_HEALTH   one liveness URL per receiver, in the same order
set -euo pipefail
TABLE="${UDP_LB_TABLE:-udpimg_lb}"
read -r -a PORTS <<< "${UDP_LB_PORTS:?UDP_LB_PORTS}"
read -r -a HEALTH <<< "${UDP_LB_HEALTH:?UDP_LB_HEALTH}"
COUNT=${#HEALTH[@]}

log() { echo "udp-balancer: $*" >&2; }

# The nft rules for a set of live receivers ("1 1 0": the second is down). Slot i keeps receiver i while it lives,
# so a receiver's death moves only its own senders; a dead one's slot goes to the next live one.
rules() {
    local -a alive=("$@")
    echo "add table ip $TABLE"
    echo "delete table ip $TABLE"
    echo "table ip $TABLE {"
    for hook in prerouting output; do
        local priority="dstnat"; [ "$hook" = output ] && priority="-100"
        echo "  chain $hook {"
        echo "    type nat hook $hook priority $priority; policy accept;"
        for spec in "${PORTS[@]}"; do
            local port="${spec%%=*}"
            IFS=',' read -r -a backends <<< "${spec#*=}"
            local map="" i
            for i in $(seq 0 $((COUNT - 1))); do
                local target=$i n
                for n in $(seq 0 $((COUNT - 1))); do
                    [ "${alive[$target]}" = 1 ] && break
                    target=$(((target + 1) % COUNT))
                done
                local backend="${backends[$target]}"
                map+="${map:+, }$i : ${backend%:*} . ${backend##*:}"
            done
            echo "    fib daddr type local udp dport $port dnat ip to jhash ip saddr . udp sport mod $COUNT map { $map }"
        done
        echo "  }"
    done
    echo "}"
}

# Deletes the flows conntrack pinned to receiver i, so that its senders' next datagram is balanced anew.
forget_flows() {
    command -v conntrack >/dev/null || { log "no conntrack (apt-get install conntrack): flows to a dead receiver wait for their timeout"; return 0; }
    local spec
    for spec in "${PORTS[@]}"; do
        IFS=',' read -r -a backends <<< "${spec#*=}"
        local backend="${backends[$1]}"
        conntrack -D -p udp --reply-src "${backend%:*}" --reply-port-src "${backend##*:}" >/dev/null 2>&1 || true
    done
}

install() {
    rules "$@" | nft -f -
}

stop() {
    nft delete table ip "$TABLE" 2>/dev/null || true
}

watch() {
    local -a alive fails
    local i
    for i in $(seq 0 $((COUNT - 1))); do alive[$i]=1; fails[$i]=0; done
    install "${alive[@]}"
    log "balancing ${PORTS[*]}"
    trap 'stop; exit 0' TERM INT
    while true; do
        local changed=0
        for i in $(seq 0 $((COUNT - 1))); do
            if curl -s -o /dev/null --max-time 0.5 -f "${HEALTH[$i]}"; then
                fails[$i]=0
                if [ "${alive[$i]}" = 0 ]; then alive[$i]=1; changed=1; log "receiver $((i + 1)) is back"; fi
            else
                fails[$i]=$((fails[$i] + 1))
                if [ "${alive[$i]}" = 1 ] && [ "${fails[$i]}" -ge 2 ]; then
                    alive[$i]=0; changed=1; log "receiver $((i + 1)) is down: its senders go to the others"
                fi
            fi
        done
        if [ "$changed" = 1 ]; then
            install "${alive[@]}"
            for i in $(seq 0 $((COUNT - 1))); do [ "${alive[$i]}" = 0 ] && forget_flows "$i"; done
        fi
        sleep 0.25 &
        wait $!
    done
}

case "${1:-}" in
    watch) watch ;;
    stop) stop ;;
    *) echo "usage: $0 watch | stop" >&2; exit 2 ;;
esac
