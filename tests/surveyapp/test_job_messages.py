"""A job's progress is stored in English and read in the reader's language."""

from __future__ import annotations

import pytest
from flask import Flask
from flask_babel import force_locale

from surveyapp.services.job_messages import EXPORT_PACKING, EXPORT_ROWS, LOADED, TEMPLATES, say, shown


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_every_template_reads_back_in_the_interface_language(app: Flask, lang: str) -> None:
    params = {"instrument": "public_safety", "year": 2025, "format": "sav", "done": 40, "total": 4280}
    params |= {"programme": "ps", "run": 7, "results": 31, "file": "kk.pdf", "population": "adults", "n": 9409}
    with app.test_request_context(), force_locale(lang):
        for template in TEMPLATES:
            names = [name for name in params if f"%({name})s" in template]
            stored = say(template, **{name: params[name] for name in names})
            read = shown(stored)
            assert read != stored, f"{template!r} is not translated into {lang}"
            for name in names:
                assert str(params[name]) in read, (template, name, read)


def test_the_reader_gets_numbers_in_place_and_unknown_text_as_it_is(app: Flask) -> None:
    with app.test_request_context(), force_locale("ru"):
        assert shown(say(EXPORT_ROWS, done=12, total=4280)) == "12 из 4280 ответов"
        assert shown(EXPORT_PACKING) == "упаковка CSV и его кодовой книги"
        assert shown(say(LOADED, population="adults", n=5)) == "adults: загружено ответов: 5"
        warning = "adults: WARNING no population margins for 2031, design weights only"
        assert shown(warning) == warning
    with app.test_request_context(), force_locale("en"):
        assert shown(say(EXPORT_ROWS, done=1, total=2)) == "1 of 2 responses"

