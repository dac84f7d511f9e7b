/*
 * The benchmark's native legacy sender: exactly the Python client's datagrams (an 8-byte little-endian length,
 * then 1024-byte chunks back to back with no pacing, the last one short or empty), then it blocks on the reply.
 * Native so that the receiver, not the sender, is what is measured: on a 2-core machine a Java sender's own
 * per-datagram cost halved what even a bare receive loop could show. It hands the kernel up to BATCH datagrams
 * per sendmmsg call: on this kind of VM one send() per datagram cost 2.6-3.4 us, which capped 1.8 MB images
 * at about 300 MB/s whatever received them (a bare C loop moved 271-294 MB/s; with sendmmsg, about 500).
 * The datagrams on the wire are the same, one after another.
 *
 *   legacy_sender image PORT COUNT TIMEOUT_MS FILE    sends the image COUNT times, stop-and-wait
 *   legacy_sender list  PORT COUNT TIMEOUT_MS         sends COUNT small JSON lists, stop-and-wait
 *
 * Prints "start <ns>", then "ok <latency ns>" per reply or "lost" per timeout, then "end <ns>" (CLOCK_MONOTONIC,
 * the clock of Java's System.nanoTime on Linux). After a timeout the socket is replaced, so the next image comes
 * from a new source port, as a restarted client would; after 3 timeouts in a row it gives up. Targets 127.0.0.1.
 */
#define _GNU_SOURCE /* sendmmsg */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static int open_socket(int port, int timeout_ms) {
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in to = { 0 };
    to.sin_family = AF_INET;
    to.sin_port = htons(port);
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    struct timeval tv = { timeout_ms / 1000, (timeout_ms % 1000) * 1000 };
    int sndbuf = 1 << 20;
    if (s < 0 || setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) < 0
            || setsockopt(s, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf) < 0
            || connect(s, (struct sockaddr *) &to, sizeof to) < 0) {
        perror("socket");
        exit(2);
    }
    return s;
}

#define BATCH 32

static struct mmsghdr batch[BATCH];
static struct iovec pieces[BATCH];

/* sends the queued datagrams, in order, with as few sendmmsg calls as the kernel takes them in */
static void flush(int s, int *queued) {
    for (int sent = 0; sent < *queued;) {
        int n = sendmmsg(s, batch + sent, *queued - sent, 0);
        if (n < 0) {
            perror("sendmmsg");
            break; /* (like a lost datagram: the reply times out) */
        }
        sent += n;
    }
    *queued = 0;
}

static void queue(int s, int *queued, void *bytes, size_t length) {
    pieces[*queued] = (struct iovec) { .iov_base = bytes, .iov_len = length };
    batch[*queued] = (struct mmsghdr) { .msg_hdr = { .msg_iov = &pieces[*queued], .msg_iovlen = 1 } };
    if (++*queued == BATCH) {
        flush(s, queued);
    }
}

static char *read_file(const char *path, long *length) {
    FILE *f = fopen(path, "rb");
    if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (*length = ftell(f)) <= 0 || fseek(f, 0, SEEK_SET) != 0) {
        perror(path);
        exit(2);
    }
    char *bytes = malloc(*length);
    if (bytes == NULL || fread(bytes, 1, *length, f) != (size_t) *length) {
        perror(path);
        exit(2);
    }
    fclose(f);
    return bytes;
}

int main(int argc, char **argv) {
    if (argc < 5 || (strcmp(argv[1], "image") != 0 && strcmp(argv[1], "list") != 0)
            || (strcmp(argv[1], "image") == 0 && argc < 6)) {
        fprintf(stderr, "usage: %s image|list PORT COUNT TIMEOUT_MS [FILE]\n", argv[0]);
        return 2;
    }
    int image_mode = strcmp(argv[1], "image") == 0;
    int port = atoi(argv[2]);
    long count = atol(argv[3]);
    int timeout_ms = atoi(argv[4]);
    long length = 0;
    char *image = image_mode ? read_file(argv[5], &length) : NULL;
    int s = open_socket(port, timeout_ms);
    char reply[2048];
    char list[64];
    int lost_in_a_row = 0;
    printf("start %lld\n", now_ns());
    for (long i = 0; i < count && lost_in_a_row < 3; i++) {
        long long t0 = now_ns();
        if (image_mode) {
            uint64_t header = (uint64_t) length; /* struct 'l' on x86-64: 8 bytes, little-endian */
            int queued = 0;
            queue(s, &queued, &header, sizeof header);
            for (long offset = 0; offset <= length; offset += 1024) { /* len/1024 + 1 chunks, like the client */
                long n = length - offset < 1024 ? length - offset : 1024;
                queue(s, &queued, image + offset, n);
            }
            flush(s, &queued);
        }
        else {
            int n = snprintf(list, sizeof list, "[0, 0, 0, %ld]", i);
            send(s, list, n, 0);
        }
        ssize_t got = recv(s, reply, sizeof reply, 0);
        const char *expected = image_mode ? "get message!!!" : "get the msg";
        if (got == (ssize_t) strlen(expected) && memcmp(reply, expected, got) == 0) {
            printf("ok %lld\n", now_ns() - t0);
            lost_in_a_row = 0;
        }
        else {
            printf("lost\n");
            lost_in_a_row++;
            close(s);
            s = open_socket(port, timeout_ms);
        }
    }
    printf("end %lld\n", now_ns());
    return 0;
}
