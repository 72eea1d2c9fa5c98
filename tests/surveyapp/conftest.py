"""Fixtures shared by the app's test modules."""

from __future__ import annotations

import pytest
from flask import Flask

from tests.conftest import invoke


@pytest.fixture
def demo(app: Flask) -> Flask:
    """A small demo (500 adults, 200 pupils a year) in the test app's database."""
    assert invoke(app, "demo", "init", "--adults", "500", "--pupils", "200")[0] == 0
    app.config["REPORT_PREBUILD"] = ["kk.xlsx"]  # one quick report: the PDFs are timed by benchmarks/
    return app
