"""The files in deploy/ are accepted by the programs that read them."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
NGINX = "/usr/sbin/nginx"


def test_gunicorn_config_runs_threaded_workers_of_the_packaged_app() -> None:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    printed = subprocess.run([str(gunicorn), "--config", str(DEPLOY / "gunicorn.conf.py"), "--print-config"],
                             capture_output=True, text=True, check=True).stdout  # fmt: skip
    settings = dict(line.split("=", 1) for line in printed.splitlines() if "=" in line)
    settings = {key.strip(): value.strip() for key, value in settings.items()}
    assert settings["worker_class"] == "gthread"
    assert settings["wsgi_app"] == "surveyapp.wsgi:app"
    assert settings["bind"] == "['127.0.0.1:8000']"
    assert settings["accesslog"] == "None"  # request paths hold private tokens
    assert 0 < int(settings["timeout"]) <= 120


@pytest.mark.skipif(not Path(NGINX).exists() or shutil.which("openssl") is None, reason="needs nginx and openssl")
def test_nginx_site_passes_nginx_t(tmp_path: Path) -> None:
    """The shipped site, with its /etc paths pointed here and a throw-away certificate."""
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=survey.example.kz",
         "-keyout", str(tmp_path / "privkey.pem"), "-out", str(tmp_path / "fullchain.pem")],
        check=True, capture_output=True,
    )  # fmt: skip
    site = (DEPLOY / "nginx" / "surveyapp.conf").read_text()
    for installed, here in (("/etc/nginx/surveyapp/", f"{DEPLOY}/nginx/"), ("/etc/ssl/surveyapp/", f"{tmp_path}/"),
                            ("/var/log/nginx/", f"{tmp_path}/")):  # fmt: skip
        assert installed in site
        site = site.replace(installed, here)
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n  client_body_temp_path {tmp_path}/body;\n  proxy_temp_path {tmp_path}/proxy;\n"
        f"  include {tmp_path}/site.conf;\n}}\n"
    )
    checked = subprocess.run([NGINX, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"),
                              "-e", str(tmp_path / "error.log")], capture_output=True, text=True)  # fmt: skip
    assert checked.returncode == 0, checked.stderr
    assert "syntax is ok" in checked.stderr


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="needs systemd-analyze")
def test_systemd_units_parse(tmp_path: Path) -> None:
    units = sorted((DEPLOY / "systemd").iterdir())
    checked = subprocess.run(["systemd-analyze", "verify", "--man=no", *map(str, units)],
                             capture_output=True, text=True)  # fmt: skip
    # Missing binaries and users of a machine without the app installed are expected; syntax errors are not.
    marks = ("Unknown", "Invalid", "Failed to parse")
    problems = [line for line in checked.stderr.splitlines() if any(mark in line for mark in marks)]
    assert not problems, checked.stderr
