#!/usr/bin/env python3
"""Send camera frames in the tutorial's protocol: each frame a JPEG, an 8-byte header and 1024-byte chunks, then
wait for b"get message!!!" before the next. From a webcam (cv2.VideoCapture), or, with none, a moving test
pattern with a frame counter. Prints the fps it achieved.

Usage: camera_send.py HOST PORT [--fps 25] [--size 640x480] [--seconds 10] [--camera 0] [--pattern]
        [--quality 80] [--timeout 2] [--source ADDRESS]
Needs OpenCV (Debian: python3-opencv, python3-numpy). Exit code 0 when every frame was answered.
"""
import argparse
import socket
import struct
import sys
import time

import cv2
import numpy as np


def pattern(width, height, n):
    """A test pattern that moves: colour bars sliding sideways, a box bouncing, the frame counter."""
    x = (np.arange(width)[None, :] + 4 * n) % width
    bars = np.zeros((height, width, 3), np.uint8)
    bars[:, :, 0] = (x * 255 // width).astype(np.uint8)
    bars[:, :, 1] = ((width - x) * 255 // width).astype(np.uint8)
    bars[:, :, 2] = 128
    size = min(width, height) // 5
    px = (7 * n) % (2 * (width - size))
    py = (5 * n) % (2 * (height - size))
    px, py = (px if px < width - size else 2 * (width - size) - px), (py if py < height - size else 2 * (height - size) - py)
    cv2.rectangle(bars, (px, py), (px + size, py + size), (255, 255, 255), -1)
    cv2.putText(bars, 'frame %d' % n, (10, height - 20), cv2.FONT_HERSHEY_SIMPLEX, 1.2, (0, 0, 0), 3)
    return bars


def send(sock, address, data, timeout):
    sock.sendto(struct.pack('l', len(data)), address)
    for i in range(len(data) // 1024 + 1):
        sock.sendto(data[1024 * i:1024 * (i + 1)], address)
    sock.settimeout(timeout)
    try:
        reply, _ = sock.recvfrom(1024)
        return reply
    except socket.timeout:
        return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('host')
    parser.add_argument('port', type=int)
    parser.add_argument('--fps', type=float, default=25.0)
    parser.add_argument('--size', default='640x480')
    parser.add_argument('--seconds', type=float, default=10.0)
    parser.add_argument('--camera', type=int, default=0)
    parser.add_argument('--pattern', action='store_true', help='the test pattern even if a camera is there')
    parser.add_argument('--quality', type=int, default=80)
    parser.add_argument('--timeout', type=float, default=2.0)
    parser.add_argument('--source', help='the local address to send from (one camera per address)')
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.split('x'))
    camera = None
    if not args.pattern:
        camera = cv2.VideoCapture(args.camera)
        if not camera.isOpened():
            camera = None
    print('source: %s' % ('camera %d' % args.camera if camera else 'test pattern'), flush=True)
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    if args.source:
        sock.bind((args.source, 0))
    address = (args.host, args.port)
    period = 1.0 / args.fps
    started = time.monotonic()
    sent = answered = 0
    while time.monotonic() - started < args.seconds:
        due = started + sent * period
        wait = due - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        if camera:
            ok, frame = camera.read()
            if not ok:
                break
            frame = cv2.resize(frame, (width, height))
        else:
            frame = pattern(width, height, sent)
        ok, jpeg = cv2.imencode('.jpg', frame, [cv2.IMWRITE_JPEG_QUALITY, args.quality])
        reply = send(sock, address, jpeg.tobytes(), args.timeout)
        sent += 1
        if reply == b'get message!!!':
            answered += 1
        else:
            print('frame %d: %s' % (sent, reply or 'no reply'), file=sys.stderr)
    seconds = time.monotonic() - started
    print('frames=%d answered=%d seconds=%.2f fps=%.1f' % (sent, answered, seconds, answered / seconds), flush=True)
    return 0 if answered == sent else 1


if __name__ == '__main__':
    sys.exit(main())
