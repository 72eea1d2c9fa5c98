"""Slow-client benchmark of the production setup (not a test): nginx (deploy/nginx/) in front of two gunicorn
instances (deploy/gunicorn.conf.py, threaded workers) on PostgreSQL.

    .venv/bin/python benchmarks/slow_clients.py [--duration 15] [--connections 8] [--slow 50]

1. a database of its own (``surveyapp_slow`` on 127.0.0.1:5432, dropped and recreated) with the benchmark
   questionnaire of load_bench.py;
2. two gunicorn instances, each ``gunicorn -c deploy/gunicorn.conf.py`` on a port of its own;
3. nginx (/usr/sbin/nginx, not as a daemon, in a temporary prefix) listening on a free high port, with an
   nginx.conf written here that includes the repository's surveyapp-http.conf and, in its only location,
   surveyapp-proxy.conf: the settings measured are the ones shipped;
4. respondents finished per second through nginx (wrk, the whole respondent's path as in load_bench.py),
   first unloaded, then while ``--slow`` clients each trickle a POST body at 1 byte per second;
   (``--direct``: the same against the first gunicorn instance without nginx, to see the difference);
5. prints both figures and their ratio (goal: at least 80 %), how many requests each gunicorn instance served
   (read from nginx's access log: both must serve), and what happened to the slow clients.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import load_bench
import own_database

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
NGINX = "/usr/sbin/nginx"
DATABASE = "surveyapp_slow"


def wait_for(url: str, process: subprocess.Popen[bytes], log: Path, what: str) -> None:
    deadline = time.monotonic() + 40
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as answer:  # noqa: S310 - http://127.0.0.1 built above
                if answer.status == 200:
                    return
        except (urllib.error.URLError, OSError):  # not listening yet, or too busy starting to answer in time
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"{what} did not start; see {log}:\n{log.read_text(errors='replace')[-3000:]}")
        time.sleep(0.2)


@contextlib.contextmanager
def running(command: list[str], env: dict[str, str], log: Path, url: str, what: str) -> Iterator[None]:
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_for(url, process, log, what)
        yield
    finally:
        load_bench.stop(process)


def gunicorn(url: str, secret: str, port: int, workers: int, log: Path) -> contextlib.AbstractContextManager[None]:
    # Every simulated respondent comes from 127.0.0.1: the per-address rate limits would measure themselves.
    env = dict(os.environ, DATABASE_URL=url, APP_ENV="production", SECRET_KEY=secret, RATELIMIT_ENABLED="0",
               GUNICORN_BIND=f"127.0.0.1:{port}", GUNICORN_WORKERS=str(workers))  # fmt: skip
    command = [str(Path(sys.executable).with_name("gunicorn")), "--config", str(DEPLOY / "gunicorn.conf.py")]
    return running(command, env, log, f"http://127.0.0.1:{port}{load_bench.CONSENT_PATH}", f"gunicorn :{port}")


NGINX_CONF = """\
daemon off;
master_process on;
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    client_body_temp_path {prefix}/client_body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    include {deploy}/nginx/surveyapp-http.conf;
    upstream surveyapp {{
{servers}
        keepalive 32;
    }}
    server {{
        listen 127.0.0.1:{port};
        access_log {prefix}/access.log surveyapp_private;
        location / {{
            include {deploy}/nginx/surveyapp-proxy.conf;
        }}
    }}
}}
"""


def nginx(port: int, upstreams: list[int], prefix: Path) -> contextlib.AbstractContextManager[None]:
    servers = "\n".join(f"        server 127.0.0.1:{p} max_fails=3 fail_timeout=10s;" for p in upstreams)
    conf = prefix / "nginx.conf"
    conf.write_text(NGINX_CONF.format(prefix=prefix, deploy=DEPLOY, servers=servers, port=port))
    command = [NGINX, "-p", str(prefix), "-c", str(conf), "-e", str(prefix / "error.log")]
    ready = f"http://127.0.0.1:{port}{load_bench.CONSENT_PATH}"
    return running(command, dict(os.environ), prefix / "nginx.out", ready, "nginx")


class SlowClients:
    """``count`` connections, each sending a POST whose body arrives at one byte per second."""

    def __init__(self, port: int, count: int, body_bytes: int = 10_000) -> None:
        self.port, self.count, self.body_bytes = port, count, body_bytes
        self.stop = threading.Event()
        self.bytes_sent = 0
        self.dropped = 0  # connections the server closed (a new one is opened in its place)
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _open(self) -> socket.socket:
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=5)
        head = (
            f"POST {load_bench.CONSENT_PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {self.body_bytes}\r\n\r\n"
        )
        sock.sendall(head.encode())
        return sock

    def _run(self) -> None:
        sockets = [self._open() for _ in range(self.count)]
        while not self.stop.wait(1.0):
            for i, sock in enumerate(sockets):
                try:
                    sock.sendall(b"a")
                    self.bytes_sent += 1
                except OSError:
                    self.dropped += 1
                    sock.close()
                    sockets[i] = self._open()
        for sock in sockets:
            sock.close()

    def __enter__(self) -> SlowClients:
        self.thread.start()
        time.sleep(2)  # every slow connection open and trickling before the measurement starts
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join(timeout=10)


def finished_per_second(port: int, seconds: int, connections: int) -> tuple[float, int, int]:
    run = load_bench.wrk(port, "submit", seconds, connections)
    return run.submissions / run.seconds, run.submissions, run.errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=15, help="seconds of each wrk run")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections (simulated respondents)")
    parser.add_argument("--slow", type=int, default=50, help="slow clients trickling a POST at 1 byte/s")
    parser.add_argument("--workers", type=int, default=1, help="gunicorn workers per instance (2 instances)")
    parser.add_argument("--direct", action="store_true",
                        help="drive the first gunicorn instance directly, without nginx (shows why nginx is there)")
    args = parser.parse_args()

    url = own_database.recreate(DATABASE)
    secret = secrets.token_hex(32)
    try:
        with tempfile.TemporaryDirectory(prefix="slow_clients_") as tmp:
            folder = Path(tmp)
            load_bench.prepare(url, folder, ROOT)
            ports = [load_bench.free_port() for _ in range(3)]
            prefix = folder / "nginx"
            prefix.mkdir()
            with (
                gunicorn(url, secret, ports[0], args.workers, folder / "gunicorn-a.log"),
                gunicorn(url, secret, ports[1], args.workers, folder / "gunicorn-b.log"),
                nginx(ports[2], ports[:2], prefix),
            ):
                target = ports[0] if args.direct else ports[2]
                load_bench.wrk(target, "submit", 3, args.connections)  # warm-up
                quiet, quiet_n, quiet_errors = finished_per_second(target, args.duration, args.connections)
                with SlowClients(target, args.slow) as slow:
                    loaded, loaded_n, loaded_errors = finished_per_second(target, args.duration, args.connections)
                served = Counter(
                    line.split("upstream=", 1)[1].split()[0]
                    for line in (prefix / "access.log").read_text().splitlines()
                    if "upstream=127.0.0.1" in line
                )
            ratio = loaded / quiet if quiet else 0.0
            print("WITHOUT nginx, wrk -> " if args.direct else "nginx (deploy/nginx) -> ", end="")
            print(f"2 x gunicorn (deploy/gunicorn.conf.py, gthread, {args.workers} worker(s) "
                  f"each) -> PostgreSQL; wrk {args.connections} connections, {args.duration} s per run")
            print(f"unloaded:              {quiet:7.1f} respondents finished/s "
                  f"({quiet_n} finished, {quiet_errors} errors)")
            print(f"with {args.slow} slow clients:  {loaded:7.1f} respondents finished/s ({loaded_n} finished, "
                  f"{loaded_errors} errors; slow clients sent {slow.bytes_sent} bytes, {slow.dropped} dropped)")
            print(f"ratio: {ratio:.0%} (goal >= 80%) -> {'OK' if ratio >= 0.8 else 'BELOW GOAL'}")
            for port in [] if args.direct else ports[:2]:
                print(f"gunicorn 127.0.0.1:{port} served {served.get(f'127.0.0.1:{port}', 0)} requests via nginx")
            both = args.direct or all(served.get(f"127.0.0.1:{p}", 0) > 0 for p in ports[:2])
            if not args.direct:
                print("both app servers served:", "yes" if both else "NO")
            return 0 if ratio >= 0.8 and both else 1
    finally:
        own_database.drop(DATABASE)


if __name__ == "__main__":
    raise SystemExit(main())
