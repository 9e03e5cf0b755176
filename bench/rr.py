"""Request/response latency over TCP: one byte out, one byte back, a fresh request only after the
answer. Run inside namespaces by bench/dataplane.py:

    python rr.py serve ADDRESS PORT          (answers until the client closes)
    python rr.py ask ADDRESS PORT COUNT      (prints p50 and p99 in microseconds, as JSON)
"""
import json
import socket
import sys
import time


def serve(address, port):
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as listener:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((address, port))
        listener.listen(1)
        print("ready", flush=True)
        connection, _peer = listener.accept()
        with connection:
            connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            while True:
                data = connection.recv(1)
                if not data:
                    return
                connection.sendall(data)


def ask(address, port, count):
    with socket.create_connection((address, port), timeout=10) as connection:
        connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        rtts = []
        for _request in range(count + count // 10):  # the first tenth warms up and is not counted
            started = time.perf_counter()
            connection.sendall(b"x")
            if connection.recv(1) != b"x":
                sys.exit("no answer")
            rtts.append((time.perf_counter() - started) * 1e6)
    rtts = sorted(rtts[count // 10:])
    print(json.dumps({"p50": rtts[len(rtts) // 2], "p99": rtts[min(len(rtts) - 1, int(len(rtts) * 0.99))]}))


if __name__ == "__main__":
    if sys.argv[1] == "serve":
        serve(sys.argv[2], int(sys.argv[3]))
    else:
        ask(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
