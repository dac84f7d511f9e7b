#!/usr/bin/python3
"""A sender with the wire behaviour of the tutorial's client, for tests and trials.

Written for this project from docs/legacy-protocol.md. Standard library only.

  image FILE HOST PORT N   N times: the length as a native C long (struct 'l'), then the bytes in
                           datagrams of 1024, n // 1024 + 1 of them (so an empty last datagram when the
                           length is a multiple of 1024, as the tutorial's loop sends), then wait for
                           the reply
  whole FILE HOST PORT N   N times: the whole file in one datagram, then wait for the reply
  list HOST PORT N         N times: the JSON list [0, 0, 0, i] in one datagram, then wait for the reply

Every wait is at most 5 s; no reply in time exits non-zero. Prints the last reply and the rate.
"""
import json
import socket
import struct
import sys
import time


def send_image(sock, target, data, whole):
    if whole:
        sock.sendto(data, target)
        return
    sock.sendto(struct.pack('l', len(data)), target)
    for index in range(len(data) // 1024 + 1):
        sock.sendto(data[index * 1024:(index + 1) * 1024], target)


def main(argv):
    if len(argv) < 2 or argv[1] not in ('image', 'whole', 'list'):
        raise SystemExit(__doc__)
    mode = argv[1]
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.settimeout(5)
    started = time.perf_counter()
    if mode == 'list':
        target, count = (argv[2], int(argv[3])), int(argv[4])
        for index in range(count):
            sock.sendto(json.dumps([0, 0, 0, index]).encode('utf-8'), target)
            reply = sock.recv(1024)
        seconds = time.perf_counter() - started
        print('reply=%r lists=%d seconds=%.3f lists_per_s=%.1f' % (reply, count, seconds, count / seconds))
        return
    with open(argv[2], 'rb') as image:
        data = image.read()
    target, count = (argv[3], int(argv[4])), int(argv[5])
    for _ in range(count):
        send_image(sock, target, data, mode == 'whole')
        reply = sock.recv(1024)
    seconds = time.perf_counter() - started
    print('reply=%r images=%d seconds=%.3f images_per_s=%.1f MB_per_s=%.1f'
          % (reply, count, seconds, count / seconds, count * len(data) / seconds / 1e6))


if __name__ == '__main__':
    main(sys.argv)
