"""The draft page says the checker's most common messages in the interface language (kk, ru); the command
line prints the same problems in English, unchanged."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from surveyapp.questionnaire import validate_paths
from tests.conftest import AuthActions, invoke, make_user
from tests.surveyapp.test_workbench import upload, yaml_2026


def broken_yaml() -> bytes:
    text = yaml_2026().decode()
    typo = "relevant: \"selected(vict_theft, 'yes')\""
    assert typo in text and 'label: {kk: "Иә", ru: "Да", en: "Yes"}' in text
    text = text.replace(typo, typo.replace("vict_theft", "vict_thef"), 1)
    text = text.replace('label: {kk: "Иә", ru: "Да", en: "Yes"}', 'lable: {kk: "Иә", ru: "Да", en: "Yes"}', 1)
    return text.encode()


def rows(page: str) -> list[str]:
    body = re.search(r'<table class="data report[^"]*">(.*?)</table>', page, re.S)
    assert body, page
    return [
        html.unescape(re.sub(r"<[^>]+>", " ", row)) for row in re.findall(r"<tr class.*?</tr>", body.group(1), re.S)
    ]


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "kk",
            [
                "Белгісіз кілт: 'lable'.",
                "'label' деп жазғыңыз келді ме?",
                "label мәтіні жоқ.",
                "relevant белгісіз 'vict_thef' сұрағына сілтейді.",
                "'vict_theft' деп жазғыңыз келді ме?",
            ],
        ),
        (
            "ru",
            [
                "Неизвестный ключ 'lable'.",
                "Возможно, имелось в виду 'label'?",
                "Нет текста label.",
                "relevant ссылается на неизвестный вопрос 'vict_thef'.",
            ],
        ),
    ],
)
def test_report_in_the_interface_language(
    app: Flask, client: FlaskClient, auth: AuthActions, lang: str, expected: list[str]
) -> None:
    make_user(app, "saule", "researcher")
    auth.login("saule")
    draft_url = upload(client, "public_safety_2026.yaml", broken_yaml()).headers["Location"]
    report = " | ".join(rows(client.get(f"{draft_url}?lang={lang}").get_data(as_text=True)))
    for text in expected:
        assert text in report, report
    assert "unknown key" not in report and "refers to unknown item" not in report


def test_the_command_line_keeps_its_english(app: Flask, tmp_path: Path) -> None:
    folder = tmp_path / "public_safety"
    folder.mkdir()
    path = folder / "2026.yaml"
    path.write_bytes(broken_yaml())
    problems = [str(p) for p in validate_paths([path])]
    assert any("unknown key 'lable' in" in p and "(fix: did you mean 'label'?)" in p for p in problems), problems
    assert any("relevant refers to unknown item 'vict_thef' (fix: did you mean 'vict_theft'?)" in p for p in problems)
    code, output = invoke(app, "questionnaires", "validate", str(path))
    assert code != 0
    assert "unknown key 'lable' in" in output and not re.search("[а-яәғқңөұүһі]", output.split("2026.yaml")[-1])
