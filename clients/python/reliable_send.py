#!/usr/bin/env python3
"""Send an image to udp-image-service in reliable mode (docs/reliable-protocol.md). Standard library only.

    python3 reliable_send.py FILE [HOST] [PORT] [--chunk 8192] [--window 256] [--deadline 30]

Survives loss, reordering, duplication and corruption: every chunk carries a sequence number and a checksum,
the receiver acknowledges with a cumulative count and a bitmap, and gaps are resent. Prints one line with
bytes, datagrams, retransmissions, seconds and MB/s; exits 1 if the transfer fails.

Speaks version 2 of the protocol: its checksums are CRC-32, which zlib computes natively, where version 1's
CRC32C would be computed in Python, a byte at a time.
"""
import argparse, random, socket, struct, sys, time, zlib

MAGIC = 0xB7525549
START, DATA, ACK, DONE, ABORT = 1, 2, 3, 4, 5
MIN_RTO, MAX_RTO = 0.050, 0.500


VERSION = 2  # CRC-32 checksums


def crc32(data):
    return zlib.crc32(data) & 0xFFFFFFFF


def encode(kind, transfer, body):
    head = struct.pack('>IBBHI', MAGIC, VERSION, kind, 0, transfer) + body
    return head + struct.pack('>I', crc32(head))


def decode(datagram):
    """(kind, transfer id, body) of a valid reliable datagram, or None."""
    if len(datagram) < 16 or struct.unpack_from('>I', datagram)[0] != MAGIC:
        return None
    _, version, kind, _, transfer = struct.unpack_from('>IBBHI', datagram)
    if version != VERSION or crc32(datagram[:-4]) != struct.unpack_from('>I', datagram, len(datagram) - 4)[0]:
        return None  # another version, or corrupt
    return kind, transfer, datagram[12:-4]


class Failed(Exception):
    pass


def send(image, host, port, chunk=8192, window=256, deadline=30.0):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4 << 20)
    sock.connect((host, port))
    transfer = random.randint(1, 2**31 - 1)
    chunks = (len(image) + chunk - 1) // chunk
    started = time.monotonic()
    stop_at = started + deadline
    sent_at, sends, acked = [0.0] * chunks, [0] * chunks, [False] * chunks
    state = {'datagrams': 0, 'retransmissions': 0, 'srtt': None, 'rttvar': 0.0, 'rto': 0.1}

    def check_deadline():
        if time.monotonic() > stop_at:
            sock.send(encode(ABORT, transfer, bytes([1])))
            raise Failed('not finished within %.1f s' % deadline)

    def sample(rtt):
        if state['srtt'] is None:
            state['srtt'], state['rttvar'] = rtt, rtt / 2
        else:
            state['rttvar'] = 0.75 * state['rttvar'] + 0.25 * abs(state['srtt'] - rtt)
            state['srtt'] = 0.875 * state['srtt'] + 0.125 * rtt
        state['rto'] = min(MAX_RTO, max(MIN_RTO, state['srtt'] + 4 * state['rttvar']))

    def receive(timeout):
        """The next message of this transfer, or None on timeout."""
        until = time.monotonic() + timeout
        while True:
            left = until - time.monotonic()
            if left <= 0:
                return None
            sock.settimeout(left)
            try:
                message = decode(sock.recv(65535))
            except socket.timeout:
                return None
            except ConnectionRefusedError:
                raise Failed('nothing listens on %s:%d' % (host, port))
            if message is None or message[1] != transfer:
                continue
            if message[0] == ABORT:
                raise Failed('the receiver aborted the transfer (reason %d)' % message[2][0])
            return message

    def send_chunk(seq):
        sock.send(encode(DATA, transfer, struct.pack('>I', seq) + image[seq * chunk:(seq + 1) * chunk]))
        state['datagrams'] += 1
        if sends[seq]:
            state['retransmissions'] += 1
        sends[seq] += 1
        sent_at[seq] = time.monotonic()

    start = encode(START, transfer, struct.pack('>QHII', len(image), chunk, chunks, crc32(image)))
    while True:  # handshake
        t0 = time.monotonic()
        sock.send(start)
        state['datagrams'] += 1
        reply = receive(state['rto'])
        if reply and reply[0] == ACK:
            sample(time.monotonic() - t0)
            break
        if reply is None:
            state['rto'] = min(MAX_RTO, state['rto'] * 2)
        check_deadline()

    cumulative, nxt, last_progress = 0, 0, time.monotonic()
    done = None
    while cumulative < chunks:
        while nxt < chunks and nxt < cumulative + window:
            send_chunk(nxt)
            nxt += 1
        reply = receive(max(0.001, last_progress + state['rto'] - time.monotonic()))
        now = time.monotonic()
        if reply and reply[0] == ACK:
            cum, length = struct.unpack_from('>IH', reply[2])
            bitmap = reply[2][6:6 + length]
            newest = -1
            for seq in range(cumulative, min(cum, chunks)):
                if not acked[seq]:
                    acked[seq] = True
                    newest = max(newest, seq) if sends[seq] == 1 else newest
            for i in range(length * 8):
                seq = cum + 1 + i
                if seq < chunks and bitmap[i // 8] & (0x80 >> (i % 8)) and not acked[seq]:
                    acked[seq] = True
                    newest = max(newest, seq) if sends[seq] == 1 else newest
            before = cumulative
            while cumulative < chunks and acked[cumulative]:
                cumulative += 1
            if newest >= 0:
                sample(now - sent_at[newest])
            if cumulative > before or newest >= 0:
                last_progress = now
                if state['srtt'] is not None:  # progress ends a backoff
                    state['rto'] = min(MAX_RTO, max(MIN_RTO, state['srtt'] + 4 * state['rttvar']))
            highest = max((s for s in range(cumulative, min(chunks, cum + 1 + length * 8)) if acked[s]), default=-1)
            for seq in range(cumulative, highest):  # NAK: resend gaps once a round trip
                if not acked[seq] and sent_at[seq] and now - sent_at[seq] > max(state['srtt'] or 0, MIN_RTO):
                    send_chunk(seq)
        elif reply and reply[0] == DONE:
            done = reply
            break
        elif now - last_progress >= state['rto']:  # timer: resend what is unacknowledged and old enough
            for seq in range(cumulative, nxt):
                if not acked[seq] and now - sent_at[seq] >= state['rto']:
                    send_chunk(seq)
            state['rto'] = min(MAX_RTO, state['rto'] * 2)
            last_progress = now
        check_deadline()

    while done is None:  # everything acknowledged: wait for DONE
        reply = receive(state['rto'])
        if reply and reply[0] == DONE:
            done = reply
        elif reply is None:
            send_chunk(chunks - 1)
            state['rto'] = min(MAX_RTO, state['rto'] * 2)
        check_deadline()
    if done[2][0] != 0:
        raise Failed('the receiver refused the image (status %d)' % done[2][0])
    elapsed = time.monotonic() - started
    return {'bytes': len(image), 'datagrams': state['datagrams'], 'retransmissions': state['retransmissions'],
            'seconds': elapsed}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('file')
    parser.add_argument('host', nargs='?', default='127.0.0.1')
    parser.add_argument('port', nargs='?', type=int, default=9999)
    parser.add_argument('--chunk', type=int, default=8192)
    parser.add_argument('--window', type=int, default=256)
    parser.add_argument('--deadline', type=float, default=30.0)
    args = parser.parse_args()
    with open(args.file, 'rb') as f:
        image = f.read()
    try:
        r = send(image, args.host, args.port, args.chunk, args.window, args.deadline)
    except Failed as e:
        print('failed: %s' % e, file=sys.stderr)
        sys.exit(1)
    print('done: stored bytes=%d datagrams=%d retransmissions=%d seconds=%.3f MB_per_s=%.1f' % (
        r['bytes'], r['datagrams'], r['retransmissions'], r['seconds'], r['bytes'] / r['seconds'] / 1e6))


if __name__ == '__main__':
    main()
