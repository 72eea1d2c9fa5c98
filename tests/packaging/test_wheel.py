"""The wheel runs on its own: migrate, publish the questionnaires and serve, from a virtualenv outside the checkout."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


def _source_copy(target: Path) -> Path:
    """The files a fresh clone would have (tracked and new, not ignored): no compiled catalogs, no build dirs."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT, check=True, capture_output=True,
    ).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def _run(args: list[str], cwd: Path, env: dict[str, str]) -> str:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"{args} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout + done.stderr


def test_wheel_migrates_publishes_and_serves_outside_the_checkout(tmp_path: Path) -> None:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("needs a git checkout to know which files a clone has")
    source = _source_copy(tmp_path / "src")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "FLASK", "DATABASE", "APP_ENV"))}
    env.pop("QUESTIONNAIRES_DIR", None)
    env.pop("SURVEYAPP_QUESTIONNAIRES", None)

    # The wheel is built the way a user builds it (isolated build environment from the package index).
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path / "dist"), str(source)],
         tmp_path, env)
    wheels = list((tmp_path / "dist").glob("surveyapp-*.whl"))
    assert len(wheels) == 1

    # A fresh venv; the dependencies come from this test's environment through a .pth line (appended after the
    # new venv's own site-packages, so the installed surveyapp wins over the editable one of the checkout).
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = Path(subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                               check=True, capture_output=True, text=True).stdout.strip())
    (site / "_project_deps.pth").write_text(sysconfig.get_path("purelib") + "\n")
    _run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index", "-q",
          str(wheels[0])], tmp_path, env)

    work = tmp_path / "elsewhere"
    work.mkdir()
    env["DATABASE_URL"] = f"sqlite:///{work / 'fresh.sqlite3'}"
    where = _run([str(python), "-c", "import surveyapp; print(surveyapp.__file__)"], work, env)
    assert where.strip().startswith(str(site)), where

    _run([str(python), "-m", "flask", "--app", "surveyapp", "db", "upgrade"], work, env)
    published = _run([str(venv / "bin" / "surveyapp"), "questionnaires", "publish"], work, env)
    assert "public_safety" in published and ": published" in published

    served = _run([str(python), "-c", (
        "from surveyapp.wsgi import app\n"
        "client = app.test_client()\n"
        "client.set_cookie('lang', 'kk')\n"
        "page = client.get('/auth/login')\n"
        "print(page.status_code)\n"
        "print(page.get_data(as_text=True))\n"
    )], work, env)
    status, html = served.split("\n", 1)
    assert status == "200"
    assert "Кіру" in html  # compiled Kazakh catalog inside the wheel
