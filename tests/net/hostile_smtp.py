"""Hostile fake SMTP servers for hopscope's network tests. Listens on HOST (loopback only),
port chosen by the kernel, prints the port on stdout, and misbehaves as MODE says. Stopped by the
test that started it (SIGTERM to its pid)."""
import socket
import sys
import threading
import time

MODE, HOST = sys.argv[1], sys.argv[2]
assert HOST in ("127.0.0.1", "::1"), "loopback only"


def lines(conn):
    buf = b""
    while True:
        data = conn.recv(4096)
        if not data:
            return
        buf += data
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            yield line.strip().upper()


def polite_until_quit(conn):
    for line in lines(conn):
        if line.startswith(b"QUIT"):
            conn.sendall(b"221 bye\r\n")
            return
        conn.sendall(b"250 ok\r\n")


def serve(conn):
    try:
        if MODE == "silent":
            time.sleep(3600)
        elif MODE == "slow":
            for b in b"220 slow.hopscope.test ESMTP one byte a second\r\n":
                conn.sendall(bytes([b]))
                time.sleep(1)
        elif MODE == "endless":
            while True:
                conn.sendall(b"220-more and more\r\n" * 64)
        elif MODE == "longline":
            conn.sendall(b"220 " + b"A" * (1 << 20))
            time.sleep(3600)
        elif MODE == "close":
            pass
        elif MODE == "421":
            conn.sendall(b"421 4.3.2 Service not available, closing transmission channel\r\n")
        elif MODE == "554":
            conn.sendall(b"554 5.7.1 No SMTP service here\r\n")
            polite_until_quit(conn)
        elif MODE == "escape":
            conn.sendall(b"220 evil.hopscope.test \x1b[2J\x1b]0;owned\x07 ESMTP \xe2\x80\xae\r\n")
            polite_until_quit(conn)
    except OSError:
        pass
    finally:
        conn.close()


family = socket.AF_INET6 if ":" in HOST else socket.AF_INET
srv = socket.socket(family, socket.SOCK_STREAM)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind((HOST, 0))
srv.listen(16)
print(srv.getsockname()[1], flush=True)
while True:
    c, _ = srv.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
