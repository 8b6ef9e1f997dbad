#!/usr/bin/env python3
"""Bounded traffic probes for the integration tests.

  netcheck.py serve PROTO ADDRESS PORTS [SECONDS] [--peer] [--log FILE]
      Reply to every TCP or SCTP connection and UDP datagram on ADDRESS
      and each of PORTS (one port or a comma-separated list) with
      "pong from PORT" for SECONDS (default 10), then exit. Prints
      "listening" once every socket is bound. ADDRESS :: also accepts IPv4
      (as ::ffff:a.b.c.d, printed as a.b.c.d).
      --peer  append " peer ADDRESS" to the reply: the source address
              the server saw, after any NAT on the way.
      --log   append "PROTO PORT PEER" to FILE for every connection or
              datagram received.
  netcheck.py probe PROTO ADDRESS PORT [SECONDS] [--source ADDRESS]
      Send "ping" and wait SECONDS (default 2) for the reply.
      --source  bind to this local address before sending.
      Exit status: 0 and the reply printed when it came; 1 when nothing
      came back in time (a dropped packet); 3 on any other error, such as
      a refused connection or an unreachable network.

PROTO is tcp, udp or sctp. Every wait is bounded; nothing loops forever.
"""
import argparse
import selectors
import socket
import sys
import time

EXIT_REPLY = 0
EXIT_TIMEOUT = 1
EXIT_ERROR = 3
# Linux's value; Python 3.11's socket module does not define it.
IP_PKTINFO = getattr(socket, "IP_PKTINFO", 8)


def family_of(address):
    return socket.AF_INET6 if ":" in address else socket.AF_INET


def kind_of(proto):
    if proto == "udp":
        return socket.SOCK_DGRAM, 0
    if proto == "sctp":
        return socket.SOCK_STREAM, socket.IPPROTO_SCTP
    return socket.SOCK_STREAM, 0


def peer_text(peer):
    """Return the peer's address, with an IPv4-mapped IPv6 address as IPv4."""
    address = peer[0]
    if address.startswith("::ffff:") and "." in address:
        return address[len("::ffff:"):]
    return address


def open_listener(proto, address, port):
    kind, number = kind_of(proto)
    sock = socket.socket(family_of(address), kind, number)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if address == "::":
        sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    # A UDP reply must come from the address the datagram was sent to,
    # which is not always the one the kernel would pick as source.
    if kind == socket.SOCK_DGRAM and family_of(address) == socket.AF_INET6:
        sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_RECVPKTINFO, 1)
    elif kind == socket.SOCK_DGRAM:
        sock.setsockopt(socket.IPPROTO_IP, IP_PKTINFO, 1)
    sock.bind((address, port))
    if kind == socket.SOCK_STREAM:
        sock.listen(64)
    sock.setblocking(False)
    return sock


def reply_source(ancillary):
    """Return the ancillary data that sends a reply from the address
    that a datagram with ANCILLARY (from recvmsg) was sent to."""
    for level, kind, data in ancillary:
        if level == socket.IPPROTO_IPV6 and kind == socket.IPV6_PKTINFO:
            # struct in6_pktinfo: address, then interface index 0 (any).
            return [(level, kind, data[:16] + bytes(4))]
        if level == socket.IPPROTO_IP and kind == IP_PKTINFO:
            # struct in_pktinfo: interface index 0, source address, and
            # the header's destination address (ignored when sending).
            return [(level, kind, bytes(4) + data[8:12] + bytes(4))]
    return []


def reply_to(sock, proto, port, options, log):
    """Reply to one connection or datagram waiting on SOCK."""
    reply = "pong from %d" % port
    if proto == "udp":
        _, ancillary, _, peer = sock.recvmsg(512, socket.CMSG_SPACE(64))
        conn = None
    else:
        conn, peer = sock.accept()
    if log:
        log.write("%s %d %s\n" % (proto, port, peer_text(peer)))
        log.flush()
    if options.peer:
        reply += " peer " + peer_text(peer)
    if conn is None:
        sock.sendmsg([reply.encode()], reply_source(ancillary), 0, peer)
        return
    conn.settimeout(1)
    try:
        conn.recv(512)
        conn.sendall(reply.encode())
    finally:
        conn.close()


def serve(options):
    ports = [int(port) for port in options.ports.split(",")]
    selector = selectors.DefaultSelector()
    for port in ports:
        sock = open_listener(options.proto, options.address, port)
        selector.register(sock, selectors.EVENT_READ, port)
    log = open(options.log, "a") if options.log else None
    print("listening", flush=True)
    deadline = time.monotonic() + options.seconds
    while time.monotonic() < deadline:
        events = selector.select(timeout=max(0.05, deadline - time.monotonic()))
        for key, _ in events:
            try:
                reply_to(key.fileobj, options.proto, key.data, options, log)
            except OSError:
                continue
    return 0


def probe(options):
    kind, number = kind_of(options.proto)
    sock = socket.socket(family_of(options.address), kind, number)
    sock.settimeout(options.seconds)
    try:
        if options.source:
            sock.bind((options.source, 0))
        # A connected UDP socket reports ICMP errors, so a refused or
        # unreachable port is an error (exit 3) and not a timeout (exit 1).
        sock.connect((options.address, options.port))
        sock.sendall(b"ping")
        data = sock.recv(512)
    except socket.timeout as error:
        print("no reply: %s" % error, file=sys.stderr)
        return EXIT_TIMEOUT
    except OSError as error:
        print("error: %s" % error, file=sys.stderr)
        return EXIT_ERROR
    finally:
        sock.close()
    print(data.decode())
    return EXIT_REPLY if data else EXIT_ERROR


def parse_arguments(argv):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    serve_parser = commands.add_parser("serve")
    serve_parser.add_argument("proto", choices=("tcp", "udp", "sctp"))
    serve_parser.add_argument("address")
    serve_parser.add_argument("ports")
    serve_parser.add_argument("seconds", type=float, nargs="?", default=10.0)
    serve_parser.add_argument("--peer", action="store_true")
    serve_parser.add_argument("--log")
    probe_parser = commands.add_parser("probe")
    probe_parser.add_argument("proto", choices=("tcp", "udp", "sctp"))
    probe_parser.add_argument("address")
    probe_parser.add_argument("port", type=int)
    probe_parser.add_argument("seconds", type=float, nargs="?", default=2.0)
    probe_parser.add_argument("--source")
    return parser.parse_args(argv[1:])


def main(argv):
    options = parse_arguments(argv)
    if options.command == "serve":
        return serve(options)
    return probe(options)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
