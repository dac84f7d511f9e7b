#!/usr/bin/env python3
"""Send images the way the tutorial's client does, paced so that a Python receiver keeps up.

The tutorial's receiver reads one datagram at a time into the operating system's default socket buffer; a
sender that fires all of an image's 1024-byte chunks back to back overruns it, and the legacy protocol cannot
recover a lost datagram: the receiver waits for bytes that never come. This sender sends the same datagrams
(an 8-byte header, struct.pack('l', n), then 1024-byte chunks, and the tutorial loop's empty datagram when n is
a multiple of 1024), at most --rate MB/s, at most --burst bytes ahead of that, and waits for b"get message!!!".

Usage: legacy_send.py IMAGE HOST PORT [--rate 6] [--burst 2048] [--count 1] [--timeout 5]
--rate 0 sends unpaced (for receivers known to keep up, such as udp-image-service). Standard library only.
Exit code 0 when every image was answered, 1 otherwise.
"""
import argparse
import socket
import struct
import sys
import time


def send_image(sock, address, data, rate, burst, timeout):
    sock.sendto(struct.pack('l', len(data)), address)
    nanos_per_byte = 1000.0 / rate if rate > 0 else 0
    due = time.perf_counter_ns()  # when the bytes sent so far are due at the rate
    for i in range(len(data) // 1024 + 1):
        chunk = data[1024 * i:1024 * (i + 1)]
        if nanos_per_byte:
            # a sleep that woke late is made up for, a longer hold-up (descheduled) for
            # at most 1 ms: a rush to catch up is what the receiver's buffer cannot take
            now = time.perf_counter_ns()
            due = max(due, now - 1_000_000)
            wait = due - burst * nanos_per_byte - now
            if wait > 0:
                time.sleep(wait / 1e9)
            due += len(chunk) * nanos_per_byte
        sock.sendto(chunk, address)
    sock.settimeout(timeout)
    try:
        reply, _ = sock.recvfrom(1024)
    except socket.timeout:
        return None
    return reply


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('image')
    parser.add_argument('host')
    parser.add_argument('port', type=int)
    parser.add_argument('--rate', type=float, default=6.0, help='MB/s (10^6 bytes a second); 0: unpaced')
    parser.add_argument('--burst', type=int, default=2048, help='bytes the sender may run ahead of its rate')
    parser.add_argument('--count', type=int, default=1, help='how many times to send the image')
    parser.add_argument('--timeout', type=float, default=5.0, help='seconds to wait for each reply')
    args = parser.parse_args()
    with open(args.image, 'rb') as f:
        data = f.read()
    address = (args.host, args.port)
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    answered = 0
    started = time.perf_counter()
    for n in range(args.count):
        reply = send_image(sock, address, data, args.rate, args.burst, args.timeout)
        if reply != b'get message!!!':
            print('image %d: %s' % (n, 'no reply within %.1f s' % args.timeout if reply is None else reply),
                  file=sys.stderr)
            continue
        answered += 1
    seconds = time.perf_counter() - started
    print('answered=%d of %d bytes=%d seconds=%.3f MB_per_s=%.1f rate=%s' % (
        answered, args.count, len(data), seconds, answered * len(data) / 1e6 / seconds,
        args.rate if args.rate > 0 else 'unpaced'))
    return 0 if answered == args.count else 1


if __name__ == '__main__':
    sys.exit(main())
