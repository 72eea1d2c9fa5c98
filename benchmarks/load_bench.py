"""Load benchmark of the respondent's path (not a test): the app under gunicorn, driven by wrk.

    apt-get install -y wrk        # the load tool (Debian package)
    .venv/bin/python benchmarks/load_bench.py [--db postgres sqlite] [--duration 20] [--connections 8]
        [--workers 2] [--worker-class sync|gthread] [--threads 1] [--keep]

For each database the script
  1. creates a database of its own: PostgreSQL ``surveyapp_load`` on 127.0.0.1:5432 as user postgres
     (dropped and recreated every run; the ``test`` database is never touched), or a temporary SQLite file;
     tables by ``db.create_all()``;
  2. publishes a one-page questionnaire made for the benchmark (``LOAD_BENCH_YAML`` below: 7 questions,
     among them a 3-row matrix and a 20-region list) in a temporary questionnaires tree with ``_lists``;
  3. starts ``gunicorn wsgi:app`` (APP_ENV=production, a generated SECRET_KEY, bound to 127.0.0.1 only);
  4. runs wrk (benchmarks/load_bench.lua), every run bounded by --duration seconds and --connections:
     a short warm-up, then
     - "views": GET of the consent page only (page views);
     - "submit": the whole respondent's path, five requests per respondent as a browser makes them: GET
       consent, POST agree, GET the page, POST the page (the submission), GET /done;
     - "post": complete single-page submissions alone: the POST of the whole page with action=submit, each
       on a response of its own that was started beforehand (consent given and page viewed, through the
       app's own code in a separate process, so the run measures the submissions and nothing else);
  5. checks in the database that the submitted responses are exactly the submissions wrk saw accepted
     (302 to /done): none lost, none duplicated; a final POST still in flight when wrk stopped is reported
     apart (it may or may not have been stored, and the client never learnt which).

wrk runs on the same 2 cores as gunicorn and the database (one wrk thread per connection, LuaJIT): the
figures are for the whole machine, load generator included.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import math
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import own_database

ROOT = Path(__file__).resolve().parent.parent
LUA = Path(__file__).resolve().with_name("load_bench.lua")
INSTRUMENT, VERSION = "load_bench", "2025"
CONSENT_PATH = f"/q/{INSTRUMENT}/{VERSION}?lang=ru"

LOAD_BENCH_YAML = """\
instrument: load_bench
version: "2025"
title: {kk: "Жүктеме сынағы", ru: "Нагрузочный тест", en: "Load benchmark"}
description: {en: "Made by benchmarks/load_bench.py; published only in the benchmark's own database."}
population: adults
age_range: [18, null]
languages: [kk, ru]
estimated_minutes: 2
consent:
  mode: adult
  text:
    kk: "Сауалнама жасырын. Кез келген сұраққа жауап бермеуге болады."
    ru: "Опрос анонимный. На любой вопрос можно не отвечать."
design_variables:
  region: {source: item, item: region}
  settlement: {source: item, item: settlement}
  sex: {source: item, item: sex}
  age_group: {source: item, item: age, groups: [[18, 29], [30, 44], [45, 59], [60, null]]}
quality:
  min_seconds: 30
choice_lists:
  regions: {include: regions}
  settlement: {include: settlement}
  sex: {include: sex}
  safe4:
    - {code: very_safe, value: 4, label: {kk: "Толығымен қауіпсіз", ru: "Вполне безопасно"}}
    - {code: rather_safe, value: 3, label: {kk: "Көбінесе қауіпсіз", ru: "Скорее безопасно"}}
    - {code: rather_unsafe, value: 2, label: {kk: "Көбінесе қауіпті", ru: "Скорее небезопасно"}}
    - {code: very_unsafe, value: 1, label: {kk: "Мүлдем қауіпті", ru: "Совсем небезопасно"}}
    - {code: dont_know, special: dont_know, label: {kk: "Білмеймін", ru: "Затрудняюсь ответить"}}
  trust3:
    - {code: full, value: 3, label: {kk: "Толық сенемін", ru: "Полностью доверяю"}}
    - {code: partial, value: 2, label: {kk: "Ішінара сенемін", ru: "Частично доверяю"}}
    - {code: none, value: 1, label: {kk: "Сенбеймін", ru: "Не доверяю"}}
    - {code: dont_know, special: dont_know, label: {kk: "Білмеймін", ru: "Затрудняюсь ответить"}}
sections:
  - code: all
    title: {kk: "Қауіпсіздік туралы", ru: "О безопасности"}
    items:
      - code: age
        type: integer
        label: {kk: "Сіз неше жастасыз?", ru: "Сколько вам полных лет?"}
        required: true
        min: 18
        max: 110
      - code: sex
        type: single_choice
        label: {kk: "Жынысыңыз", ru: "Ваш пол"}
        required: true
        choices: sex
      - code: region
        type: single_choice
        label: {kk: "Қай өңірде тұрасыз?", ru: "В каком регионе вы живёте?"}
        required: true
        choices: regions
      - code: settlement
        type: single_choice
        label: {kk: "Елді мекен түрі", ru: "Тип населённого пункта"}
        required: true
        choices: settlement
      - code: safe_dark
        type: scale
        label:
          kk: "Қараңғы түскен соң өз ауданыңызда жалғыз жүргенде өзіңізді қаншалықты қауіпсіз сезінесіз?"
          ru: "Насколько безопасно вы себя чувствуете, когда в тёмное время суток один (одна) идёте по своему району?"
        required: true
        choices: safe4
      - code: trust
        type: matrix
        label: {kk: "Қаншалықты сенесіз?", ru: "Насколько вы доверяете?"}
        required: true
        choices: trust3
        rows:
          - {code: police, label: {kk: "Полиция", ru: "Полиции"}}
          - {code: courts, label: {kk: "Соттар", ru: "Судам"}}
          - {code: akimat, label: {kk: "Әкімдік", ru: "Акимату"}}
      - code: comment
        type: text
        label: {kk: "Пікіріңіз", ru: "Ваш комментарий"}
        max_length: 200
"""

# The answers every simulated respondent sends (valid: the benchmark measures accepted submissions).
ANSWERS = {
    "age": "34",
    "sex": "female",
    "region": "astana",
    "settlement": "urban",
    "safe_dark": "rather_safe",
    "trust.police": "full",
    "trust.courts": "partial",
    "trust.akimat": "none",
    "comment": "Тест: әғқңөұүһі",
}


# --- the database -----------------------------------------------------------------------------------------


def prepare(url: str, folder: Path, app_dir: Path) -> None:
    """Tables and the published benchmark questionnaire, in a process of its own (the app reads its
    configuration from the environment)."""
    tree = folder / "questionnaires"
    shutil.copytree(ROOT / "questionnaires" / "_lists", tree / "_lists")
    (tree / INSTRUMENT).mkdir(parents=True)
    path = tree / INSTRUMENT / f"{VERSION}.yaml"
    path.write_text(LOAD_BENCH_YAML, encoding="utf-8")
    code = (
        "import sys\n"
        "from surveyapp import create_app\n"
        "from surveyapp.extensions import db\n"
        "from surveyapp.questionnaire import load_version\n"
        "from surveyapp.services.publish_versions import publish\n"
        "app = create_app()\n"
        "with app.app_context():\n"
        "    db.create_all()\n"
        "    publish(load_version(sys.argv[1]))\n"
        "    db.session.commit()\n"
    )
    env = dict(os.environ, DATABASE_URL=url, APP_ENV="development", QUESTIONNAIRES_DIR=str(tree))
    subprocess.run([sys.executable, "-c", code, str(path)], cwd=app_dir, env=env, check=True)


PREPARE_CODE = """\
import json, re, sys
from surveyapp import create_app
from surveyapp.extensions import db
from surveyapp.questionnaire import routing
from surveyapp.respond import flow
from surveyapp.services.versions import published_version
instrument, version_number, consent_path, count, out = sys.argv[1:6]
app = create_app()
# A session and its CSRF token, as the consent page hands them to a browser (the same secret as gunicorn's).
page = app.test_client().get(consent_path)
session = next(c.split(";")[0].split("=", 1)[1] for c in page.headers.getlist("Set-Cookie") if c.startswith("session="))
csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)
with app.app_context():
    version = published_version(instrument, version_number)
    section = version.domain.sections[0].code
    shown = " ".join(item.code for item in routing.relevant_items(version.domain, {}, section))
    tokens = []
    for i in range(int(count)):
        started = flow.start(version, "ru", "Mozilla/5.0 (load_bench)", {}, None)
        flow.note_page_view(started.response, section)
        tokens.append(started.token)
        if i % 1000 == 999:
            db.session.commit()
    db.session.commit()
json.dump({"session": session, "csrf": csrf, "shown": shown, "section": section, "tokens": tokens}, open(out, "w"))
"""


@dataclass
class Prepared:
    session: str
    csrf: str
    shown: str
    section: str
    tokens: list[str]


def prepare_started(url: str, secret: str, count: int, folder: Path, app_dir: Path) -> Prepared:
    """``count`` responses started as the consent POST and the page GET start them, for the "post" run."""
    import json

    out = folder / "prepared.json"
    env = dict(os.environ, DATABASE_URL=url, APP_ENV="production", SECRET_KEY=secret)
    args = [INSTRUMENT, VERSION, CONSENT_PATH, str(count), str(out)]
    subprocess.run([sys.executable, "-c", PREPARE_CODE, *args], cwd=app_dir, env=env, check=True)
    return Prepared(**json.loads(out.read_text()))


@dataclass
class Stored:
    max_id: int
    submitted: set[str] = field(default_factory=set)  # access_token_hash of submitted responses
    duplicates: int = 0
    total: int = 0


def stored_since(url: str, max_id: int) -> Stored:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            top = conn.execute(text("SELECT coalesce(max(id), 0) FROM response")).scalar_one()
            rows = conn.execute(
                text("SELECT access_token_hash, status FROM response WHERE id > :id"), {"id": max_id}
            ).all()
    finally:
        engine.dispose()
    hashes = [h for h, status in rows if status == "submitted"]
    return Stored(max_id=top, submitted=set(hashes), duplicates=len(hashes) - len(set(hashes)), total=len(rows))


# --- the server -------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def gunicorn(
    url: str, port: int, secret: str, args: argparse.Namespace, log: Path
) -> Iterator[subprocess.Popen[bytes]]:
    # Every simulated respondent comes from 127.0.0.1: the per-address rate limits would measure themselves.
    env = dict(os.environ, DATABASE_URL=url, APP_ENV="production", SECRET_KEY=secret, RATELIMIT_ENABLED="0")
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "--workers", str(args.workers),
        "--worker-class", args.worker_class,
        "--threads", str(args.threads),
        "--bind", f"127.0.0.1:{port}",
        "--backlog", "256",
        "wsgi:app",
    ]  # fmt: skip
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=args.app_dir, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}{CONSENT_PATH}", timeout=5) as answer:
                    if answer.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError):
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"gunicorn did not start; see {log}:\n{log.read_text(errors='replace')[-3000:]}")
            time.sleep(0.2)
        yield process
    finally:
        stop(process)


def stop(process: subprocess.Popen[Any]) -> None:
    """Stop a server the benchmark started: politely, then for good after 30 s."""
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# --- wrk --------------------------------------------------------------------------------------------------


@dataclass
class Run:
    mode: str
    connections: int
    requests: int = 0
    seconds: float = 0.0
    socket_errors: dict[str, int] = field(default_factory=dict)
    p50: float = 0.0
    p99: float = 0.0
    max: float = 0.0
    started: int = 0
    steps: dict[str, tuple[int, float, float, float, int]] = field(default_factory=dict)
    codes: dict[str, int] = field(default_factory=dict)
    accepted: list[str] = field(default_factory=list)
    in_flight: list[str] = field(default_factory=list)
    exhausted: int = 0  # threads that ran out of prepared responses ("post")

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def submissions(self) -> int:
        return len(self.accepted)

    @property
    def errors(self) -> int:
        return sum(step[4] for step in self.steps.values()) + sum(self.socket_errors.values())


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile of sorted ``values``."""
    if not values:
        return 0.0
    return values[max(0, min(len(values), math.ceil(len(values) * p / 100)) - 1)]


STEPS = ("consent", "agree", "page", "submit", "done", "flow")


def wrk(port: int, mode: str, seconds: int, connections: int, prepared: Prepared | None = None) -> Run:
    with tempfile.TemporaryDirectory(prefix="wrk_") as logs:
        command = [
            "wrk", "--threads", str(connections), "--connections", str(connections), "--duration", f"{seconds}s",
            "--timeout", "10s", "--script", str(LUA), f"http://127.0.0.1:{port}",
            "--", mode, CONSENT_PATH, urlencode(ANSWERS), logs,
        ]  # fmt: skip
        if prepared is not None:
            for thread in range(connections):  # every thread its own responses, never shared
                tokens = prepared.tokens[thread::connections]
                Path(logs, f"tokens-{thread + 1}.txt").write_text("".join(t + "\n" for t in tokens))
            command += [prepared.session, prepared.csrf, prepared.shown, prepared.section, logs]
        output = subprocess.run(command, capture_output=True, text=True, check=True, timeout=seconds + 60).stdout
        lines = [line.split() for log in sorted(Path(logs).glob("thread-*.log")) for line in log.open()]
        lines = [line for line in lines if line]
    run = Run(mode, connections)
    for line in output.splitlines():
        key, _, rest = line.partition(" ")
        parts = rest.split()
        if key == "SUMMARY":
            run.requests, run.seconds = int(parts[0]), float(parts[1])
            names = ("connect", "read", "write", "status", "timeout")
            run.socket_errors = {n: int(v) for n, v in zip(names, parts[2:], strict=True) if int(v)}
            run.socket_errors.pop("status", None)  # non-2xx/3xx: counted per step below
        elif key == "WRK_LATENCY":
            run.p50, run.p99, run.max = map(float, parts)
    if not run.seconds:
        raise SystemExit(f"wrk printed nothing usable:\n{output}")
    times: dict[str, list[float]] = {name: [] for name in STEPS}
    errors: dict[str, int] = dict.fromkeys(STEPS, 0)
    sent: set[str] = set()
    answered: set[str] = set()
    for kind, *rest in lines:
        if kind == "T":
            times[rest[0]].append(float(rest[1]))
        elif kind == "E":
            errors[rest[0]] += 1
            run.codes[f"{rest[0]}:{rest[1]}"] = run.codes.get(f"{rest[0]}:{rest[1]}", 0) + 1
        elif kind == "G":
            run.started += 1
        elif kind == "S":
            sent.add(rest[0])
        elif kind == "R":
            answered.add(rest[0])
        elif kind == "A":
            run.accepted.append(rest[0])
        elif kind == "X":
            run.exhausted += 1
    run.in_flight = sorted(sent - answered)
    for name in STEPS:
        values = sorted(times[name])
        run.steps[name] = (len(values), percentile(values, 50), percentile(values, 99), max(values, default=0.0),
                           errors[name])  # fmt: skip
    return run


# --- the report -------------------------------------------------------------------------------------------


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def check(run: Run, before: Stored, after: Stored) -> dict[str, Any]:
    accepted = {digest(t) for t in run.accepted}
    in_flight = {digest(t) for t in run.in_flight}
    stored = after.submitted
    lost = accepted - stored
    unexplained = stored - accepted - in_flight
    return {
        "accepted": len(run.accepted),
        "accepted_repeated": len(run.accepted) - len(accepted),
        "stored": len(stored),
        "stored_in_flight": len(stored & in_flight),
        "in_flight": len(in_flight),
        "lost": len(lost),
        "unexplained": len(unexplained),
        "duplicates": after.duplicates,
        "created": after.total,
        "started": run.started,
        "ok": not lost and not unexplained and not after.duplicates and len(accepted) == len(run.accepted),
    }


MODES = {
    "views": "page views (GET consent page)",
    "submit": "respondent's whole path, 5 requests each",
    "post": "complete single-page submissions (POST)",
}


def print_run(database: str, run: Run, verdict: dict[str, Any] | None) -> None:
    print(f"\n== {database}: {run.mode}: {MODES[run.mode]}; {run.connections} connections, {run.seconds:.1f} s ==")
    print(f"requests {run.requests}, {run.rps:.0f} requests/s, all requests p50 {run.p50:.1f} ms, "
          f"p99 {run.p99:.1f} ms, max {run.max:.1f} ms")  # fmt: skip
    if run.mode == "submit":
        print(f"respondents through the whole path {run.submissions}, {run.submissions / run.seconds:.1f} per second")
    if run.mode == "post":
        print(f"complete submissions {run.submissions}, {run.submissions / run.seconds:.1f} submissions/s")
    if run.exhausted:
        print(f"WARNING: {run.exhausted} thread(s) ran out of prepared responses before the end: raise --prepare")
    print(f"{'step':<26}{'count':>8}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}{'errors':>8}")
    labels = {
        "consent": "GET consent page",
        "agree": "POST agree",
        "page": "GET question page",
        "submit": "POST page (submit)",
        "done": "GET done",
        "flow": "whole path (5 req)",
    }
    for name, (count, p50, p99, top, errors) in run.steps.items():
        if count or errors:
            print(f"{labels[name]:<26}{count:>8}{p50:>9.1f}{p99:>9.1f}{top:>9.1f}{errors:>8}")
    if run.codes or run.socket_errors:
        print("errors: " + ", ".join(f"{k} x{v}" for k, v in {**run.codes, **run.socket_errors}.items()))
    if verdict is not None:
        print(
            f"stored submitted {verdict['stored']} vs accepted {verdict['accepted']}"
            f" (+ {verdict['stored_in_flight']} of {verdict['in_flight']} final POSTs in flight at stop were stored):"
            f" lost {verdict['lost']}, unexplained {verdict['unexplained']}, duplicated {verdict['duplicates']}"
            f" -> {'OK' if verdict['ok'] else 'MISMATCH'}"
        )
        if run.mode == "submit":
            print(f"responses created {verdict['created']} (agree answered 302: {verdict['started']})")
        else:
            print(f"responses started beforehand {verdict['created']}, of them submitted {verdict['stored']}")


def bench(database: str, args: argparse.Namespace, folder: Path) -> list[tuple[Run, dict[str, Any] | None]]:
    sqlite = f"sqlite:///{folder / 'load.sqlite3'}"
    url = own_database.recreate(args.database) if database == "postgres" else sqlite
    prepare(url, folder / database, args.app_dir)
    results: list[tuple[Run, dict[str, Any] | None]] = []
    port = free_port()
    secret = secrets.token_hex(32)
    try:
        with gunicorn(url, port, secret, args, folder / f"gunicorn-{database}.log"):
            wrk(port, "submit", args.warmup, args.connections)  # warm-up: imports, caches, connection pools
            time.sleep(1)
            for mode in args.modes:
                if mode == "views":
                    run = wrk(port, "views", args.duration, args.connections)
                    print_run(database, run, None)
                    results.append((run, None))
                    continue
                before = stored_since(url, 0)
                prepared = None
                if mode == "post":
                    prepared = prepare_started(url, secret, args.prepare, folder / database, args.app_dir)
                    time.sleep(1)
                run = wrk(port, mode, args.duration, args.connections, prepared)
                time.sleep(2)  # let a final POST still in flight when wrk stopped finish on the server
                after = stored_since(url, before.max_id)
                verdict = check(run, before, after)
                print_run(database, run, verdict)
                results.append((run, verdict))
    finally:
        if database == "postgres" and not args.keep:
            own_database.drop(args.database)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", nargs="+", choices=["postgres", "sqlite"], default=["postgres", "sqlite"])
    parser.add_argument("--modes", nargs="+", choices=list(MODES), default=list(MODES), help="runs, in this order")
    parser.add_argument("--duration", type=int, default=20, help="seconds per measured run")
    parser.add_argument(
        "--prepare", type=int, default=30000, help="responses started beforehand for the post run (1,500/s for 20 s)"
    )
    parser.add_argument("--warmup", type=int, default=3, help="seconds of warm-up (not reported)")
    parser.add_argument("--connections", type=int, default=8, help="concurrent wrk connections (= threads)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--worker-class", default="sync")
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker (gthread)")
    parser.add_argument("--database", default="surveyapp_load", help="PostgreSQL database of its own")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database afterwards")
    parser.add_argument(
        "--app-dir", type=Path, default=ROOT, help="checkout whose app is served (e.g. a `git worktree` of another "
        "commit, for a before/after comparison on the same machine)"
    )  # fmt: skip
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install -y wrk")
    print(
        f"gunicorn {args.workers} workers, --worker-class {args.worker_class} --threads {args.threads}; "
        f"wrk {args.connections} connections; {args.duration} s per run; {os.cpu_count()} CPUs; app {args.app_dir}"
    )
    ok = True
    with tempfile.TemporaryDirectory(prefix="load_bench_") as tmp:
        for database in args.db:
            for _run, verdict in bench(database, args, Path(tmp)):
                ok = ok and (verdict is None or bool(verdict["ok"]))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
