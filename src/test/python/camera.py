#!/usr/bin/python3
"""A camera for the cluster tests: distinct JPEG frames (OpenCV) at a fixed rate over the tutorial's protocol
(8-byte length header, 1024-byte chunks, then wait for the reply), from one socket throughout, as the tutorial's
client sends. A frame not answered within the timeout is lost, as a live camera's is: no retry, the next frame
follows on schedule. The picture is still (each frame's number is in a JPEG comment, not in its pixels), but for
a box crossing it between MOVE_FROM and MOVE_TO seconds, if given: one motion event.

  camera.py HOST PORT FPS SECONDS SEED [TIMEOUT [MOVE_FROM MOVE_TO]]

Prints one line per frame, flushed: "ack SEQ SHA256 T" or "lost SEQ SHA256 T" (T: seconds since the start, when
it was sent), then "done sent=N acked=M".
"""
import hashlib
import socket
import struct
import sys
import time

import cv2
import numpy as np


def main():
    host, port, fps, seconds, seed = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
    timeout = float(sys.argv[6]) if len(sys.argv) > 6 else 1.0
    move = (float(sys.argv[7]), float(sys.argv[8])) if len(sys.argv) > 8 else None
    rng = np.random.default_rng(seed)
    base = cv2.GaussianBlur((rng.random((240, 320, 3)) * 255).astype(np.uint8), (0, 0), 3)
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.settimeout(timeout)
    target = (host, port)
    start = time.monotonic()
    sent = acked = 0
    seq = 0
    while True:
        due = start + seq / fps
        now = time.monotonic()
        if due - start >= seconds:
            break
        if now < due:
            time.sleep(due - now)
        elif now - due > 1 / fps:
            # behind schedule (a reply was late): the camera skips the frames it could not send
            seq += int((now - due) * fps)
            continue
        frame = base.copy()
        at = seq / fps
        if move and move[0] <= at < move[1]:
            x = int(10 + (300 - 60) * (at - move[0]) / (move[1] - move[0]))
            cv2.rectangle(frame, (x, 90), (x + 50, 180), (20, 20, 20), -1)
        ok, encoded = cv2.imencode('.jpg', frame, [cv2.IMWRITE_JPEG_QUALITY, 80])
        comment = f"{seed} {seq}".encode()
        # distinct frames with the same pixels: the number in a COM segment after SOI
        data = encoded.tobytes()
        data = data[:2] + b'\xff\xfe' + struct.pack('>H', len(comment) + 2) + comment + data[2:]
        sha = hashlib.sha256(data).hexdigest()
        t = time.monotonic() - start
        sock.sendto(struct.pack('l', len(data)), target)
        for i in range(len(data) // 1024 + 1):
            sock.sendto(data[i * 1024:(i + 1) * 1024], target)
        sent += 1
        try:
            reply = sock.recv(1024)
            answered = reply == b'get message!!!'
        except socket.timeout:
            answered = False
        if answered:
            acked += 1
        else:
            # whatever the lost transfer's datagrams still draw is stale
            sock.settimeout(0.1)
            try:
                while True:
                    sock.recv(1024)
            except socket.timeout:
                pass
            sock.settimeout(timeout)
        print(f"{'ack' if answered else 'lost'} {seq} {sha} {t:.3f}", flush=True)
        seq += 1
    print(f"done sent={sent} acked={acked}", flush=True)


if __name__ == '__main__':
    main()
