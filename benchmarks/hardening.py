"""Benchmark what an attacker can do to everyone else: a flood of bad logins, a huge post.

Run: .venv/bin/python -m benchmarks.hardening   (SQLite; a real uvicorn server on a free port)

Measured over real HTTP against one uvicorn worker, with the production Argon2 cost and the
default one-second wait after a failed login:
  (a) the latency of creating a case through the API while 25 clients send bad logins without
      pause (a mix of unknown usernames and real ones), against the same creations with no flood
      just before and just after; target: the median at most 3 times the quiet one, no 5xx
      answer, every creation made;
  (b) the server's memory (VmRSS, and its peak VmHWM) before and after a 400 MiB form post to
      /login, sent once with Content-Length and once chunked; target: the peak grows by less
      than 50 MiB.

Exits with status 1 when a target is missed.
"""

import http.client
import json
import os
import select
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

FLOOD_CLIENTS = 25
CREATIONS = 20
POST_MIB = 400
CREATE = {
    "kind": "complaint",
    "channel": "letter",
    "subject": "Délai de traitement d'une demande",
    "description": "Texte de la plainte.",
    "received_at": "2026-11-20T10:00:00-05:00",
    "requester": {"name": "Marie Tremblay", "email": "marie@example.org"},
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare(folder: Path) -> tuple[dict[str, str], str]:
    """Migrate a database, add accounts and an officer's API key; return the environment."""
    from casework import migrate
    from casework.config import DatabaseSettings, Settings
    from casework.context import Actor, AppContext
    from casework.db import make_engine
    from casework.services import apikeys, users

    url = f"sqlite:///{folder / 'casework.db'}"
    env = {
        **os.environ,
        "CASEWORK_DATABASE__URL": url,
        "CASEWORK_DATA_DIR": str(folder / "var"),
        "CASEWORK_SECURITY__SECRET_KEY": "benchmark-secret-key-0123456789",
        "CASEWORK_LOGGING__LEVEL": "WARNING",
    }
    engine = make_engine(DatabaseSettings(url=url))
    migrate.upgrade(engine)
    ctx = AppContext(settings=Settings(database=DatabaseSettings(url=url)), engine=engine)
    actor = Actor(label="benchmark", role="admin")
    for n in range(5):
        users.add(
            ctx,
            actor=actor,
            username=f"agent{n}",
            full_name=f"Agent {n}",
            role="agent",
            password="un mot de passe assez long",
        )
    key = apikeys.create(ctx, actor=actor, name="benchmark", role="officer")[1]
    engine.dispose()
    return env, key


def start_server(env: dict[str, str], port: int, log: Path) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "casework.app:app_from_environment",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log.open("wb"),
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("the server did not start")


def memory_kib(pid: int) -> dict[str, int]:
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, rest = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            values[name] = int(rest.split()[0])
    return values


def create_cases(port: int, key: str, count: int) -> tuple[list[float], list[int]]:
    """Create cases one after the other; return each one's latency and any non-201 status."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    latencies, failures = [], []
    body = json.dumps(CREATE)
    headers = {"X-API-Key": key, "Content-Type": "application/json"}
    for _ in range(count):
        started = time.perf_counter()
        try:
            connection.request("POST", "/api/cases", body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException):
            status = 0  # the connection was reset
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        latencies.append(time.perf_counter() - started)
        if status != 201:
            failures.append(status)
    connection.close()
    return latencies, failures


def flood(port: int, stop: threading.Event, statuses: list[int], n: int) -> None:
    """Send bad logins without pause until told to stop."""
    usernames = [f"agent{n % 5}", f"inconnu{n}"]
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    i = 0
    while not stop.is_set():
        body = json.dumps({"username": usernames[i % 2], "password": f"mauvais {i}"})
        try:
            connection.request(
                "POST",
                "/api/session",
                body=body,
                # Each client from its own address (uvicorn trusts this header from 127.0.0.1).
                headers={"Content-Type": "application/json", "X-Forwarded-For": f"198.51.100.{n}"},
            )
            response = connection.getresponse()
            response.read()
            statuses.append(response.status)
        except (OSError, http.client.HTTPException):
            statuses.append(0)
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        i += 1
    connection.close()


def login_flood(port: int, key: str) -> bool:
    create_cases(port, key, 3)  # warm up
    quiet, quiet_failures = create_cases(port, key, CREATIONS)
    stop = threading.Event()
    statuses: list[int] = []
    threads = [
        threading.Thread(target=flood, args=(port, stop, statuses, n), daemon=True)
        for n in range(FLOOD_CLIENTS)
    ]
    for thread in threads:
        thread.start()
    time.sleep(2)  # let the flood build up
    busy, busy_failures = create_cases(port, key, CREATIONS)
    stop.set()
    for thread in threads:
        thread.join()
    # The machine's other load changes over time: the quiet baseline is measured before and
    # after the flood.
    quiet_after, after_failures = create_cases(port, key, CREATIONS)
    quiet, quiet_failures = quiet + quiet_after, quiet_failures + after_failures
    ratio = statistics.median(busy) / statistics.median(quiet)
    server_errors = sum(1 for s in [*statuses, *busy_failures] if s >= 500 or s == 0)
    by_status: dict[int, int] = {}
    for status in statuses:
        by_status[status] = by_status.get(status, 0) + 1
    print(f"\n(a) case creation during a flood of bad logins ({FLOOD_CLIENTS} clients)")
    print(
        f"  quiet:   median {statistics.median(quiet) * 1000:8.1f} ms   "
        f"max {max(quiet) * 1000:8.1f} ms   non-201: {quiet_failures or 'none'}"
    )
    print(
        f"  flooded: median {statistics.median(busy) * 1000:8.1f} ms   "
        f"max {max(busy) * 1000:8.1f} ms   non-201: {busy_failures or 'none'}"
    )
    print(f"  ratio {ratio:.2f}x; login answers by status: {dict(sorted(by_status.items()))}")
    ok = ratio <= 3 and server_errors == 0 and not busy_failures
    print(f"  {'PASS' if ok else 'FAIL'}  median <= 3x quiet, no 5xx, every creation 201")
    return ok


def big_post(port: int, *, chunked: bool) -> str:
    """Post POST_MIB MiB of form data to /login, stopping when the server answers; return the
    answer's status line and how much was sent before it."""
    chunk = b"a" * (1024 * 1024)
    head = b"POST /login HTTP/1.1\r\nHost: casework\r\n"
    head += b"Content-Type: application/x-www-form-urlencoded\r\n"
    if chunked:
        head += b"Transfer-Encoding: chunked\r\n\r\n"
        chunk = b"%x\r\n%s\r\n" % (len(chunk), chunk)
    else:
        head += b"Content-Length: %d\r\n\r\n" % (POST_MIB * len(chunk))
    sent = 0
    with socket.create_connection(("127.0.0.1", port), timeout=300) as connection:
        connection.sendall(head)
        for _ in range(POST_MIB):
            readable, _, _ = select.select([connection], [], [], 0)
            if readable:
                break
            try:
                connection.sendall(chunk)
            except OSError:
                break
            sent += 1
        try:
            answer = connection.recv(4096).split(b"\r\n", 1)[0].decode()
        except OSError as exc:
            answer = f"connection closed ({exc.__class__.__name__})"
    return f"{answer or 'connection closed'} after {sent} MiB sent"


def memory_after_big_posts(port: int, pid: int) -> bool:
    before = memory_kib(pid)
    print(f"\n(b) server memory and a {POST_MIB} MiB post to /login")
    rss, peak = before["VmRSS"] / 1024, before["VmHWM"] / 1024
    print(f"  before:  VmRSS {rss:7.1f} MiB   VmHWM {peak:7.1f}")
    for chunked in (False, True):
        answer = big_post(port, chunked=chunked)
        after = memory_kib(pid)
        how = "chunked" if chunked else "Content-Length"
        print(
            f"  {how:14s} answer {answer}; VmRSS {after['VmRSS'] / 1024:7.1f} MiB   "
            f"VmHWM {after['VmHWM'] / 1024:7.1f}"
        )
    growth = (memory_kib(pid)["VmHWM"] - before["VmHWM"]) / 1024
    ok = growth < 50
    print(f"  {'PASS' if ok else 'FAIL'}  peak grew by {growth:.1f} MiB (< 50)")
    return ok


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="casework-bench-") as folder:
        env, key = prepare(Path(folder))
        port = free_port()
        log = Path(folder) / "server.log"
        server = start_server(env, port, log)
        try:
            ok_a = login_flood(port, key)
            ok_b = memory_after_big_posts(port, server.pid)
        finally:
            server.terminate()
            server.wait(timeout=30)
        crashes = log.read_text(errors="replace").count("Exception in ASGI application")
        print(f"\nunhandled exceptions in the server's log: {crashes}")
    return 0 if ok_a and ok_b else 1


if __name__ == "__main__":
    sys.exit(main())
