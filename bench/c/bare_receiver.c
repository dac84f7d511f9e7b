/*
 * The benchmark's "what the wire allows here" column: the legacy protocol in a bare C loop, one thread per port,
 * no decoding, no storage, per-sender reassembly into one buffer. Like the Java BareReceiver, it has no stall
 * timeout: a lost datagram wedges the sender's transfer, as it does the Python reference. It waits for datagrams
 * up to 16 at a time with recvmmsg, as the service's image port does through Netty (a Java DatagramChannel
 * cannot), polling for 100 us after each like the service (udp.receive-spin), then sleeping in poll().
 *
 *   bare_receiver IMAGE_PORT LIST_PORT      binds both on 127.0.0.1, prints "ready", serves until killed
 */
#define _GNU_SOURCE /* recvmmsg */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_SENDERS 64

struct transfer {
    struct sockaddr_in from;
    char *bytes;
    uint64_t expected, received;
};

static int bind_port(int port) {
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    int size = 16 << 20; /* the service's udp.socket-receive-buffer, forced past rmem_max as its image port does */
    struct sockaddr_in at = { 0 };
    at.sin_family = AF_INET;
    at.sin_port = htons(port);
    at.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (s < 0 || (setsockopt(s, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) < 0 /* without CAP_NET_ADMIN */
                && setsockopt(s, SOL_SOCKET, SO_RCVBUF, &size, sizeof size) < 0)
            || bind(s, (struct sockaddr *) &at, sizeof at) < 0) {
        perror("bind");
        exit(2);
    }
    return s;
}

#define SPIN_NANOS 100000

static long long now_nanos(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

#define BATCH 16
#define SLOT 65536

/* the datagrams of one recvmmsg call, handed out one by one; one per thread */
struct batch {
    struct mmsghdr msgs[BATCH];
    struct iovec pieces[BATCH];
    struct sockaddr_in from[BATCH];
    char bytes[BATCH][SLOT];
    int count, next;
    long long last;
};

static __thread struct batch *batch;

/* the next datagram, read up to BATCH at a time with recvmmsg; polls for
   SPIN_NANOS after the last datagram before it sleeps until the next */
static ssize_t receive(int s, char *buffer, size_t size, struct sockaddr_in *from, socklen_t *length) {
    if (batch == NULL && (batch = calloc(1, sizeof *batch)) == NULL) {
        perror("calloc");
        exit(2);
    }
    struct batch *b = batch;
    while (b->next == b->count) {
        for (int i = 0; i < BATCH; i++) {
            b->pieces[i] = (struct iovec) { .iov_base = b->bytes[i], .iov_len = SLOT };
            b->msgs[i] = (struct mmsghdr) { .msg_hdr = { .msg_name = &b->from[i], .msg_namelen = sizeof b->from[i],
                    .msg_iov = &b->pieces[i], .msg_iovlen = 1 } };
        }
        int n = recvmmsg(s, b->msgs, BATCH, MSG_DONTWAIT, NULL);
        if (n > 0) {
            b->count = n;
            b->next = 0;
            b->last = now_nanos();
        }
        else if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
            return -1;
        }
        else if (now_nanos() - b->last >= SPIN_NANOS) {
            struct pollfd readable = { .fd = s, .events = POLLIN };
            poll(&readable, 1, -1);
        }
    }
    int i = b->next++;
    size_t n = b->msgs[i].msg_len < size ? b->msgs[i].msg_len : size;
    memcpy(buffer, b->bytes[i], n);
    *from = b->from[i];
    *length = b->msgs[i].msg_hdr.msg_namelen;
    return (ssize_t) n;
}

static void *serve_lists(void *arg) {
    int s = *(int *) arg;
    char buffer[65536];
    struct sockaddr_in from;
    socklen_t length;
    for (;;) {
        if (receive(s, buffer, sizeof buffer, &from, &length) >= 0) {
            sendto(s, "get the msg", 11, 0, (struct sockaddr *) &from, length);
        }
    }
    return NULL;
}

static struct transfer *find(struct transfer *pending, struct sockaddr_in *from) {
    for (int i = 0; i < MAX_SENDERS; i++) {
        if (pending[i].bytes != NULL && pending[i].from.sin_port == from->sin_port
                && pending[i].from.sin_addr.s_addr == from->sin_addr.s_addr) {
            return &pending[i];
        }
    }
    return NULL;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: %s IMAGE_PORT LIST_PORT\n", argv[0]);
        return 2;
    }
    int images = bind_port(atoi(argv[1]));
    int lists = bind_port(atoi(argv[2]));
    pthread_t thread;
    pthread_create(&thread, NULL, serve_lists, &lists);
    printf("ready\n");
    fflush(stdout);
    static struct transfer pending[MAX_SENDERS];
    static char buffer[65536];
    struct sockaddr_in from;
    socklen_t length;
    for (;;) {
        ssize_t n = receive(images, buffer, sizeof buffer, &from, &length);
        if (n < 0) {
            continue;
        }
        struct transfer *t = find(pending, &from);
        if (t == NULL) {
            if (n == 8) {
                uint64_t expected;
                memcpy(&expected, buffer, 8);
                for (int i = 0; i < MAX_SENDERS && t == NULL; i++) {
                    if (pending[i].bytes == NULL && (pending[i].bytes = malloc(expected + 1)) != NULL) {
                        t = &pending[i];
                        t->from = from;
                        t->expected = expected;
                        t->received = 0;
                    }
                }
            }
            else if (n > 0) { /* a whole image in one datagram */
                sendto(images, "get message!!!", 14, 0, (struct sockaddr *) &from, length);
            }
            continue;
        }
        uint64_t take = (uint64_t) n < t->expected - t->received ? (uint64_t) n : t->expected - t->received;
        memcpy(t->bytes + t->received, buffer, take);
        t->received += take;
        if (t->received == t->expected) {
            free(t->bytes);
            t->bytes = NULL;
            sendto(images, "get message!!!", 14, 0, (struct sockaddr *) &from, length);
        }
    }
}
