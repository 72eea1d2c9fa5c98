"""`flask margins import`: population totals for raking, checked cell by cell."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from openpyxl import Workbook

from surveyapp.demo.population import margin_cells
from surveyapp.extensions import db
from surveyapp.models import AuditEvent, MarginSet
from surveyapp.services.margins import raking_margins

HEADER = "region,sex,age_group,settlement,total\n"


def run(app: Flask, path: Path, *extra: str) -> tuple[int, str]:
    result = app.test_cli_runner().invoke(
        args=["margins", "import", str(path), "--year", "2025", "--population", "adults", *extra]
    )
    return result.exit_code, result.output


def write(path: Path, body: str) -> Path:
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_import_csv_and_derive_raking_margins(app: Flask, tmp_path: Path) -> None:
    path = write(
        tmp_path / "m.csv",
        "astana,female,18-29,urban,1000\nastana,male,18-29,urban,900\nturkistan,female,60+,rural,\u00a0500\n",
    )
    code, out = run(app, path)
    assert code == 0, out
    assert "3 cells, population 2,400" in out
    with app.app_context():
        margin_set = db.session.query(MarginSet).one()
        assert raking_margins(margin_set) == {
            "region": {"astana": 1900.0, "turkistan": 500.0},
            "sex": {"female": 1500.0, "male": 900.0},
            "age_group": {"18-29": 1900.0, "60+": 500.0},
            "settlement": {"urban": 1900.0, "rural": 500.0},
        }
        assert db.session.query(AuditEvent).filter_by(action="margins_import").count() == 1


def test_margins_may_cover_fewer_variables(app: Flask, tmp_path: Path) -> None:
    path = tmp_path / "staff.csv"
    path.write_text("region,sex,total\nastana,female,200\nastana,male,800\n", encoding="utf-8")
    code, out = run(app, path)
    assert code == 0, out
    with app.app_context():
        assert raking_margins(db.session.query(MarginSet).one()) == {
            "region": {"astana": 1000.0},
            "sex": {"female": 200.0, "male": 800.0},
        }


def test_import_xlsx(app: Flask, tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["region", "sex", "age_group", "settlement", "total"])
    for cell in margin_cells()[:10]:
        sheet.append([cell["region"], cell["sex"], cell["age_group"], cell["settlement"], cell["total"]])
    workbook.save(tmp_path / "m.xlsx")
    code, out = run(app, tmp_path / "m.xlsx")
    assert code == 0, out and "10 cells" in out


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("narnia,female,18-29,urban,10\n", "m.csv:2: unknown region 'narnia'"),
        ("astana,woman,18-29,urban,10\n", "m.csv:2: unknown sex 'woman'; use female, male"),
        ("astana,female,18-29,urban,-5\n", "m.csv:2: total '-5' is negative"),
        ("astana,female,18-29,urban,many\n", "m.csv:2: total 'many' is not a number"),
        ("astana,female,18-29,urban,1\nastana,female,18-29,urban,2\n", "m.csv:3: the same cell as line 2"),
        ("astana,female,,urban,1\n", "m.csv:2: age_group is empty"),
    ],
)
def test_bad_files_are_refused_with_the_line(app: Flask, tmp_path: Path, body: str, message: str) -> None:
    code, out = run(app, write(tmp_path / "m.csv", body))
    assert code != 0 and message in out and "Nothing was imported" in out and "Traceback" not in out
    with app.app_context():
        assert db.session.query(MarginSet).count() == 0


def test_missing_column_and_file(app: Flask, tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_text("oblast,total\nastana,1\n", encoding="utf-8")
    code, out = run(app, path)
    assert code != 0 and "no margin column; give one or more of region, sex, age_group, settlement" in out
    path.write_text("region,sex\nastana,female\n", encoding="utf-8")
    code, out = run(app, path)
    assert code != 0 and "column(s) total missing" in out
    code, out = run(app, tmp_path / "nope.csv")
    assert code != 0 and "no such file" in out


def test_reimport_needs_replace_and_keeps_the_old_set(app: Flask, tmp_path: Path) -> None:
    first = write(tmp_path / "a.csv", "astana,female,18-29,urban,1000\n")
    second = write(tmp_path / "b.csv", "astana,female,18-29,urban,2000\n")
    assert run(app, first)[0] == 0
    assert run(app, first)[0] == 0  # the same file again changes nothing
    code, out = run(app, second)
    assert code != 0 and "already imported (from a.csv)" in out and "--replace" in out
    with app.app_context():
        assert db.session.query(MarginSet).one().cells[0]["total"] == 1000
    assert run(app, second, "--replace")[0] == 0
    with app.app_context():
        assert db.session.query(MarginSet).one().cells[0]["total"] == 2000
