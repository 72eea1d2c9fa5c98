"""Fault benchmark of the production setup (not a test): what respondents lose when things break under load.

    .venv/bin/python benchmarks/fault_bench.py [--respondents 6] [--phase 12] [--slow 20] [--races 30]
        [--pg-fault restart|terminate] [--no-nginx]

1. a database of its own (``surveyapp_fault`` on 127.0.0.1:5432, dropped and recreated) with the benchmark
   questionnaire of load_bench.py (one page, seven questions);
2. gunicorn with the shipped settings (``gunicorn -c deploy/gunicorn.conf.py``, 2 workers) and, in front of
   it, nginx with the shipped proxy settings as slow_clients.py runs it (``--no-nginx``: gunicorn alone);
3. ``--respondents`` simulated respondents, each a thread going through the whole path as a browser does
   (GET consent, POST agree, GET the page, POST the page to submit) and, like a person pressing reload,
   repeating a request that failed (no answer, 5xx) for up to 30 s. Every respondent's answers carry a
   marker of its own in the text question, so each stored response can be traced to who sent it;
4. phases of ``--phase`` seconds under that load: no fault; ``kill -9`` of one gunicorn worker; PostgreSQL
   restarted (``pg_ctlcluster --skip-systemctl-redirect 15 main restart``; ``--pg-fault terminate`` only
   ends this database's connections, leaving the shared server alone); ``--slow`` clients trickling a POST at
   1 byte/s; then ``--races`` respondents who double-click the final submit (two POSTs at once) and as many
   whose language switch races their final submit, the switch carrying other answers;
5. reads back every response and reports, per phase and in total: respondents told "done" whose response is
   not stored as submitted (**lost**), respondents with more than one submitted response (**duplicated**),
   submitted responses whose answers are not the ones the confirmed submit sent (**overwritten**) — the goal
   for all three is 0 — as well as requests that failed (and were repeated), responses left in progress, and
   recovery time: from the fault until ``/api/v1/health`` answers 200 again for good, and until the last
   request of a respondent that failed (and was repeated).

PostgreSQL is always running again at the end (started with the command in the machine notes if not).
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import load_bench
import own_database
import slow_clients

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
DATABASE = "surveyapp_fault"
PG_CLUSTER = ("15", "main")
PG_CTL = ["pg_ctlcluster", "--skip-systemctl-redirect"]
RETRY_SECONDS = 30.0
HEALTH_PATH = "/api/v1/health"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_TOKEN = re.compile(r"/s/([^/]+)/p/([^/?]+)")


# --- a respondent -----------------------------------------------------------------------------------------


class Failed(Exception):
    """A request that kept failing for RETRY_SECONDS: the respondent gives up."""


@dataclass
class Answer:
    status: int
    location: str
    body: str
    cookie: str | None


def request(port: int, method: str, path: str, cookie: str, form: dict[str, str] | None = None) -> Answer:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        headers = {"Cookie": f"session={cookie}"} if cookie else {}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        answer = connection.getresponse()
        text = answer.read().decode("utf-8", errors="replace")
        set_cookie = [v for k, v in answer.getheaders() if k.lower() == "set-cookie" and v.startswith("session=")]
        new = set_cookie[0].split(";", 1)[0].split("=", 1)[1] if set_cookie else None
        return Answer(answer.status, answer.getheader("Location") or "", text, new)
    finally:
        connection.close()


@dataclass
class Respondent:
    port: int
    marker: str
    errors: Callable[[], None]
    cookie: str = ""

    def _send(self, method: str, path: str, form: dict[str, str] | None = None) -> Answer:
        """Repeat a request that got no answer or a 5xx, as a person pressing reload would."""
        deadline = time.monotonic() + RETRY_SECONDS
        while True:
            try:
                answer = request(self.port, method, path, self.cookie, form)
                if answer.status < 500:
                    if answer.cookie:
                        self.cookie = answer.cookie
                    return answer
            except (OSError, http.client.HTTPException):
                pass
            self.errors()
            if time.monotonic() > deadline:
                raise Failed(f"{method} {path}")
            time.sleep(0.25)

    def answers(self, comment: str | None = None) -> dict[str, str]:
        return load_bench.ANSWERS | {"comment": comment or self.marker}

    def start(self) -> tuple[str, str, str]:
        """Consent given, the page opened: (page path, its CSRF token, the shown items)."""
        page = self._send("GET", load_bench.CONSENT_PATH)
        csrf = _CSRF.search(page.body)
        assert csrf, page.body[:500]
        form = {"action": "agree", "lang": "ru", "csrf_token": csrf[1]}
        agreed = self._send("POST", load_bench.CONSENT_PATH, form)
        match = _TOKEN.search(agreed.location)
        assert agreed.status == 302 and match, (agreed.status, agreed.body[:500])
        path = f"/s/{match[1]}/p/{match[2]}"
        opened = self._send("GET", path)
        csrf = _CSRF.search(opened.body)
        shown = re.search(r'name="shown" value="([^"]*)"', opened.body)
        assert csrf, opened.body[:500]
        return path, csrf[1], shown[1] if shown else ""

    def submit(self, path: str, csrf: str, shown: str) -> bool:
        form = {"action": "submit", "csrf_token": csrf, "shown": shown} | self.answers()
        sent = self._send("POST", path, form)
        return sent.status == 302 and sent.location.endswith("/done")

    def switch_language(self, path: str, csrf: str, shown: str) -> None:
        form = {"action": "lang:kk", "csrf_token": csrf, "shown": shown} | self.answers(f"{self.marker} switched")
        self._send("POST", path, form)


# --- what was sent and what was stored --------------------------------------------------------------------


@dataclass
class Phase:
    name: str
    confirmed: set[str] = field(default_factory=set)  # markers of respondents shown the done page
    gave_up: int = 0
    failed_requests: int = 0
    fault_at: float | None = None
    last_error_after: float | None = None  # seconds from the fault to the last request that failed
    health_back_after: float | None = None
    note: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def error(self) -> None:
        with self.lock:
            self.failed_requests += 1
            if self.fault_at is not None:
                self.last_error_after = time.monotonic() - self.fault_at

    def done(self, marker: str) -> None:
        with self.lock:
            self.confirmed.add(marker)


def load(port: int, phase: Phase, seconds: float, threads: int, fault: Callable[[], None] | None) -> None:
    """``threads`` respondents one after the other each, for ``seconds``; ``fault`` strikes a third in."""
    stop = time.monotonic() + seconds

    def respondent_loop(worker: int) -> None:
        n = 0
        while time.monotonic() < stop:
            n += 1
            person = Respondent(port, f"fb-{phase.name}-{worker}-{n}", phase.error)
            try:
                if person.submit(*person.start()):
                    phase.done(person.marker)
            except Failed:
                phase.gave_up += 1

    workers = [threading.Thread(target=respondent_loop, args=(i,), daemon=True) for i in range(threads)]
    for worker in workers:
        worker.start()
    if fault is not None:
        time.sleep(seconds / 3)
        fault()
    for worker in workers:
        worker.join(timeout=seconds + 2 * RETRY_SECONDS)


def race(port: int, phase: Phase, count: int, kind: str) -> None:
    """Respondents whose final submit races a second request of their own: the same submit (a double click)
    or a language switch carrying other answers."""

    def one(i: int) -> None:
        person = Respondent(port, f"fb-{phase.name}-{i}", phase.error)
        try:
            page = person.start()
            results: list[bool] = []
            second = (
                (lambda: results.append(person.submit(*page)))
                if kind == "double"
                else (lambda: person.switch_language(*page))
            )
            first = threading.Thread(target=lambda: results.append(person.submit(*page)))
            threads = [first, threading.Thread(target=second)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            if any(results):
                phase.done(person.marker)
        except Failed:
            phase.gave_up += 1

    batch = [threading.Thread(target=one, args=(i,)) for i in range(count)]
    for thread in batch:
        thread.start()
    for thread in batch:
        thread.join()


@dataclass
class Verdict:
    lost: int
    duplicated: int
    overwritten: int
    unconfirmed_stored: int  # submitted, but the respondent never saw the done page (gave up, or mid-fault)
    unfinished: int  # responses not submitted (respondents who gave up, "start" replies lost)


def verdict(url: str, phases: list[Phase]) -> dict[str, Verdict]:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT status, answers FROM response")).all()
    finally:
        engine.dispose()
    by_marker: dict[str, list[dict[str, object]]] = {}
    unfinished = 0
    for status, answers in rows:
        answers = json.loads(answers) if isinstance(answers, str) else answers
        if status == "submitted":
            by_marker.setdefault(str(answers.get("comment", "")).removesuffix(" switched"), []).append(answers)
        else:
            unfinished += 1
    # Every respondent sends the same answers but for the marker: the first one stored is the reference.
    reference = next(({k: v for k, v in a.items() if k != "comment"} for a, *_ in by_marker.values()), {})
    result = {}
    for phase in phases:
        mine = {m: a for m, a in by_marker.items() if m.startswith(f"fb-{phase.name}-")}
        lost = sum(1 for m in phase.confirmed if m not in mine)
        duplicated = sum(1 for a in mine.values() if len(a) > 1)
        # The confirmed submit's answers, and only those: not the racing language switch's ("... switched").
        overwritten = sum(1 for m, stored in mine.items() for a in stored if a != reference | {"comment": m})
        unconfirmed = sum(1 for m in mine if m not in phase.confirmed)
        result[phase.name] = Verdict(lost, duplicated, overwritten, unconfirmed, 0)
    result["unfinished"] = Verdict(0, 0, 0, 0, unfinished)
    return result


# --- the servers and the faults ---------------------------------------------------------------------------


@contextlib.contextmanager
def gunicorn(url: str, secret: str, port: int, workers: int, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    env = dict(os.environ, DATABASE_URL=url, APP_ENV="production", SECRET_KEY=secret, RATELIMIT_ENABLED="0",
               GUNICORN_BIND=f"127.0.0.1:{port}", GUNICORN_WORKERS=str(workers))  # fmt: skip
    command = [str(Path(sys.executable).with_name("gunicorn")), "--config", str(DEPLOY / "gunicorn.conf.py")]
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        slow_clients.wait_for(f"http://127.0.0.1:{port}{load_bench.CONSENT_PATH}", process, log, "gunicorn")
        yield process
    finally:
        load_bench.stop(process)


def workers_of(master: int) -> list[int]:
    listed = subprocess.run(["ps", "-o", "pid=", "--ppid", str(master)], capture_output=True, text=True, check=False)
    return [int(pid) for pid in listed.stdout.split()]


def watch_health(port: int, phase: Phase, stop: threading.Event) -> threading.Thread:
    """Poll the health endpoint; the recovery time is when it last turned from failing to 200."""

    def poll() -> None:
        failing_since_fault = False
        while not stop.is_set():
            try:
                ok = request(port, "GET", HEALTH_PATH, "").status == 200
            except (OSError, http.client.HTTPException):
                ok = False
            if phase.fault_at is not None:
                if not ok:
                    failing_since_fault = True
                    phase.health_back_after = None
                elif phase.health_back_after is None:
                    phase.health_back_after = time.monotonic() - phase.fault_at if failing_since_fault else 0.0
            time.sleep(0.05)

    thread = threading.Thread(target=poll, daemon=True)
    thread.start()
    return thread


def pg_is_up() -> bool:
    return subprocess.run(["pg_isready", "-h", "127.0.0.1", "-p", "5432", "-q"], check=False).returncode == 0


def ensure_pg_up() -> None:
    if not pg_is_up():
        subprocess.run([*PG_CTL, *PG_CLUSTER, "start"], check=False)
    deadline = time.monotonic() + 30
    while not pg_is_up():
        if time.monotonic() > deadline:
            raise SystemExit(
                "PostgreSQL did not come back: start it with pg_ctlcluster --skip-systemctl-redirect 15 main start"
            )
        time.sleep(0.2)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--respondents", type=int, default=6, help="simulated respondents at a time")
    parser.add_argument("--phase", type=float, default=12, help="seconds of each loaded phase")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--slow", type=int, default=20, help="slow clients trickling a POST at 1 byte/s")
    parser.add_argument("--races", type=int, default=30, help="respondents in each race phase")
    parser.add_argument("--pg-fault", choices=("restart", "terminate"), default="restart")
    parser.add_argument("--no-nginx", action="store_true", help="respondents talk to gunicorn directly")
    args = parser.parse_args()
    began = time.monotonic()

    url = own_database.recreate(DATABASE)
    secret = secrets.token_hex(32)
    phases: list[Phase] = []
    try:
        with tempfile.TemporaryDirectory(prefix="fault_bench_") as tmp:
            folder = Path(tmp)
            load_bench.prepare(url, folder, ROOT)
            app_port, proxy_port = load_bench.free_port(), load_bench.free_port()
            prefix = folder / "nginx"
            prefix.mkdir()
            with contextlib.ExitStack() as stack:
                master = stack.enter_context(gunicorn(url, secret, app_port, args.workers, folder / "gunicorn.log"))
                port = app_port
                if not args.no_nginx:
                    stack.enter_context(slow_clients.nginx(proxy_port, [app_port], prefix))
                    port = proxy_port

                def run(name: str, fault: Callable[[Phase], None] | None = None,
                        around: contextlib.AbstractContextManager[object] | None = None) -> Phase:  # fmt: skip
                    phase = Phase(name)
                    phases.append(phase)
                    stop = threading.Event()
                    watcher = watch_health(port, phase, stop)

                    def strike() -> None:
                        phase.fault_at = time.monotonic()
                        if fault is not None:
                            fault(phase)

                    with around or contextlib.nullcontext():
                        load(port, phase, args.phase, args.respondents, strike)
                    time.sleep(0.3)
                    stop.set()
                    watcher.join()
                    return phase

                def kill_worker(phase: Phase) -> None:
                    victims = workers_of(master.pid)
                    os.kill(victims[0], signal.SIGKILL)
                    deadline = time.monotonic() + 30
                    while len([p for p in workers_of(master.pid) if p != victims[0]]) < args.workers:
                        if time.monotonic() > deadline:
                            break
                        time.sleep(0.05)
                    phase.note = f"new worker forked after {time.monotonic() - (phase.fault_at or 0):.2f} s"

                def pg_fault(phase: Phase) -> None:
                    if args.pg_fault == "restart":
                        started = time.monotonic()
                        subprocess.run([*PG_CTL, *PG_CLUSTER, "restart"], check=True, capture_output=True)
                        phase.note = f"pg_ctlcluster restart took {time.monotonic() - started:.2f} s"
                    else:
                        import psycopg

                        with psycopg.connect(f"{own_database.SERVER}/postgres", autocommit=True) as conn:
                            conn.execute(
                                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                                " WHERE datname = %s AND pid <> pg_backend_pid()",
                                (DATABASE,),
                            )
                        phase.note = "this database's connections terminated"

                run("baseline")
                run("kill", kill_worker)
                try:
                    run("postgres", pg_fault)
                finally:
                    ensure_pg_up()
                run("slow", around=slow_clients.SlowClients(port, args.slow))
                double = Phase("double")
                phases.append(double)
                race(port, double, args.races, "double")
                switch = Phase("switch")
                phases.append(switch)
                race(port, switch, args.races, "switch")
        verdicts = verdict(url, phases)
    finally:
        ensure_pg_up()
        own_database.drop(DATABASE)

    proxy = "" if args.no_nginx else " behind nginx"
    print(f"fault benchmark: gunicorn ({args.workers} workers, deploy/gunicorn.conf.py){proxy} on PostgreSQL, "
          f"{args.respondents} respondents at a time")  # fmt: skip
    header = f"{'phase':<9}{'done':>6}{'done/s':>8}{'lost':>6}{'dup':>5}{'overw':>7}{'unconf':>8}{'failed req':>12}"
    print(header + f"{'gave up':>9}  recovery")
    total = Verdict(0, 0, 0, 0, 0)
    for phase in phases:
        v = verdicts[phase.name]
        total = Verdict(total.lost + v.lost, total.duplicated + v.duplicated, total.overwritten + v.overwritten,
                        total.unconfirmed_stored + v.unconfirmed_stored, 0)  # fmt: skip
        recovery = ""
        if phase.name in {"kill", "postgres"}:
            health = "—" if phase.health_back_after is None else f"{phase.health_back_after:.2f} s"
            last = (
                "none failed" if phase.last_error_after is None else f"the last failed {phase.last_error_after:.2f} s"
            )
            recovery = f"health 200 again after {health}, respondents' requests: {last} after the fault; {phase.note}"
        rate = f"{len(phase.confirmed) / args.phase:.1f}" if phase.name not in {"double", "switch"} else "—"
        print(f"{phase.name:<9}{len(phase.confirmed):>6}{rate:>8}{v.lost:>6}{v.duplicated:>5}{v.overwritten:>7}"
              f"{v.unconfirmed_stored:>8}{phase.failed_requests:>12}{phase.gave_up:>9}  {recovery}")  # fmt: skip
    print(f"total: lost {total.lost}, duplicated {total.duplicated}, overwritten {total.overwritten} (goal 0 each); "
          f"{total.unconfirmed_stored} stored without the respondent seeing the done page, "
          f"{verdicts['unfinished'].unfinished} left "
          f"unfinished; {time.monotonic() - began:.0f} s")  # fmt: skip
    print("PostgreSQL is up." if pg_is_up() else "PostgreSQL is DOWN.")
    return 1 if total.lost or total.duplicated or total.overwritten else 0


if __name__ == "__main__":
    sys.exit(main())
