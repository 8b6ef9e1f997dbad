#!/usr/bin/env python3
"""Bounded traffic probes for the integration tests.

  netcheck.py serve PROTO ADDRESS PORT [SECONDS]
      Answer every TCP connection or UDP datagram on ADDRESS:PORT with
      "pong from PORT" for SECONDS (default 10), then exit.
  netcheck.py probe PROTO ADDRESS PORT [SECONDS]
      Send "ping" and wait SECONDS (default 2) for the answer. Exit 0 and
      print the answer when it came, exit 1 when it did not.

PROTO is tcp, udp or sctp. Every wait is bounded; nothing loops forever.
"""
import socket
import sys
import time


def family_of(address):
    return socket.AF_INET6 if ":" in address else socket.AF_INET


def kind_of(proto):
    if proto == "udp":
        return socket.SOCK_DGRAM, 0
    if proto == "sctp":
        return socket.SOCK_STREAM, socket.IPPROTO_SCTP
    return socket.SOCK_STREAM, 0


def serve(proto, address, port, seconds):
    kind, number = kind_of(proto)
    sock = socket.socket(family_of(address), kind, number)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((address, port))
    deadline = time.monotonic() + seconds
    reply = b"pong from %d" % port
    if kind == socket.SOCK_STREAM:
        sock.listen(16)
    while time.monotonic() < deadline:
        sock.settimeout(max(0.05, deadline - time.monotonic()))
        try:
            if kind == socket.SOCK_DGRAM:
                _, peer = sock.recvfrom(512)
                sock.sendto(reply, peer)
            else:
                conn, _ = sock.accept()
                conn.settimeout(1)
                try:
                    conn.recv(512)
                    conn.sendall(reply)
                finally:
                    conn.close()
        except (socket.timeout, OSError):
            continue
    return 0


def probe(proto, address, port, seconds):
    kind, number = kind_of(proto)
    sock = socket.socket(family_of(address), kind, number)
    sock.settimeout(seconds)
    try:
        if kind == socket.SOCK_DGRAM:
            sock.sendto(b"ping", (address, port))
            data, _ = sock.recvfrom(512)
        else:
            sock.connect((address, port))
            sock.sendall(b"ping")
            data = sock.recv(512)
    except (socket.timeout, OSError) as error:
        print("no answer: %s" % error, file=sys.stderr)
        return 1
    finally:
        sock.close()
    print(data.decode())
    return 0 if data else 1


def main(argv):
    if len(argv) < 5 or argv[1] not in ("serve", "probe"):
        print(__doc__, file=sys.stderr)
        return 2
    seconds = float(argv[5]) if len(argv) > 5 else (10.0 if argv[1] == "serve" else 2.0)
    handler = serve if argv[1] == "serve" else probe
    return handler(argv[2], argv[3], int(argv[4]), seconds)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
