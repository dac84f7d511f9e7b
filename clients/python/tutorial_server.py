#!/usr/bin/python3
"""A receiver with the wire behaviour of the tutorial's server, for tests and trials.

Written for this project from docs/legacy-protocol.md. The image port reads one datagram holding a
native-endian C long (struct 'l', 8 bytes on 64-bit Linux): the image's length in bytes. It then reads
datagrams of up to 1024 bytes until at least that many bytes have come, decodes them with OpenCV, and
answers b"get message!!!" to the address the last datagram came from. The list port reads one datagram
of at most 1024 bytes of UTF-8 JSON and answers b"get the msg". Like the tutorial's, it waits forever
for a lost datagram and never times a transfer out.

Usage: tutorial_server.py IMAGE_PORT LIST_PORT [--no-decode]
Prints "ready" once both ports are bound (127.0.0.1).
"""
import json
import socket
import struct
import sys
import threading

LENGTH = struct.Struct('l')


def serve_images(sock, decode):
    """decode: a function that returns the picture of the bytes (None if they are none), or None."""
    while True:
        header, source = sock.recvfrom(LENGTH.size)
        (expected,) = LENGTH.unpack(header)
        received = bytearray()  # appended in place: bytes would be copied whole for every chunk
        while len(received) < expected:
            chunk, source = sock.recvfrom(1024)
            received += chunk
        if decode is not None and decode(bytes(received)) is None:
            raise SystemExit('not an image: %d bytes' % len(received))
        sock.sendto(b'get message!!!', source)


def serve_lists(sock):
    while True:
        datagram, source = sock.recvfrom(1024)
        json.loads(datagram.decode('utf-8'))
        sock.sendto(b'get the msg', source)


def bound(port):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(('127.0.0.1', port))
    return sock


def main(argv):
    if len(argv) < 3:
        raise SystemExit(__doc__)
    images, lists = bound(int(argv[1])), bound(int(argv[2]))
    decode = None
    if '--no-decode' not in argv[3:]:
        # OpenCV takes about a second to load: before "ready", or the first image would
        # overflow the socket while it loads
        import cv2
        import numpy

        def decode(data):
            return cv2.imdecode(numpy.frombuffer(data, dtype=numpy.uint8), cv2.IMREAD_COLOR)
    for target, arguments in ((serve_images, (images, decode)), (serve_lists, (lists,))):
        threading.Thread(target=target, args=arguments, daemon=True).start()
    print('ready', flush=True)
    threading.Event().wait()


if __name__ == '__main__':
    main(sys.argv)
