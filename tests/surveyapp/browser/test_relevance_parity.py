"""The browser shows the same follow-up questions as the server would, for every shipped questionnaire.

The interpreter (static/js/relevance.js) is run in one page over many seeded random answer sets and compared
with routing.relevant_items; one real respondent then answers a cascade of follow-ups on a phone.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from surveyapp.questionnaire import routing
from surveyapp.questionnaire.loader import load_version
from surveyapp.questionnaire.model import Item, QuestionnaireVersion
from surveyapp.questionnaire.question_types import question_type
from surveyapp.respond.client_logic import page_logic
from tests.surveyapp.browser.respondent import PHONE, Live, Respondent
from tests.surveyapp.respond_helpers import QUESTIONNAIRES, ROOT, readme_example

SCRIPT = ROOT / "surveyapp" / "static" / "js" / "relevance.js"
SHIPPED = sorted(p for p in QUESTIONNAIRES.glob("*/*.yaml") if p.parent.name != "_lists")
ANSWER_SETS = 60  # per page


def _random_answer(item: Item, rng: random.Random) -> Any:
    """Any value the item could hold, including none and (for numbers) out-of-range ones: relevance is decided
    on what was typed, before the bounds are checked."""
    kind = question_type(item).value_kind
    if not question_type(item).has_answer or kind == "any" or rng.random() < 0.2:
        return None
    codes = list(item.choices.codes) if item.choices is not None else []
    if kind == "code":
        return rng.choice(codes)
    if kind == "codes":
        return rng.sample(codes, rng.randint(1, min(3, len(codes))))
    if kind == "rows":
        return {row.code: rng.choice(codes) for row in item.rows if rng.random() < 0.8} or None
    if kind == "number":
        low = item.min if isinstance(item.min, int | float) else 0
        high = item.max if isinstance(item.max, int | float) else 100
        value = rng.randint(int(low) - 3, int(high) + 3)
        return value if item.type == "integer" else value + rng.choice((0, 0.5))
    if kind == "date":
        return f"20{rng.randint(10, 25)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"
    return rng.choice(("да", "иә", "x"))


def _cases(version: QuestionnaireVersion, seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)  # noqa: S311  (seeded test data, not a secret)
    cases = []
    for section in version.sections:
        page = {item.code for item in section.items}
        for _ in range(ANSWER_SETS):
            answers = {item.code: _random_answer(item, rng) for item in version.items}
            answers = {code: value for code, value in answers.items() if value is not None}
            expected = [item.code for item in routing.relevant_items(version, answers, section.code)]
            cases.append(
                {
                    "where": f"{version.instrument}/{version.version}:{section.code}",
                    "logic": page_logic(version, section, answers, "kk"),
                    "values": {code: value for code, value in answers.items() if code in page},
                    "expected": expected,
                    "answers": answers,
                }
            )
    return cases


VISIBLE_JS = """
(cases) => cases.map((c) => window.surveyLogic.visibleCodes(c.logic, c.values))
"""


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_browser_and_server_show_the_same_items(browser: Any, path: Path) -> None:
    version = load_version(path)
    # Seeded by the questionnaire's name, not its absolute path, so every checkout draws the same answer sets.
    cases = _cases(version, seed=sum(map(ord, f"{path.parent.name}/{path.stem}")))
    context = browser.new_context()
    page = context.new_page()
    page.set_content("<!doctype html><html><body></body></html>")
    page.add_script_tag(path=str(SCRIPT))
    results = page.evaluate(VISIBLE_JS, [{"logic": c["logic"], "values": c["values"]} for c in cases])
    context.close()
    wrong = [(c["where"], c["answers"], c["expected"], got) for c, got in zip(cases, results, strict=True)]
    wrong = [w for w in wrong if w[2] != w[3]]
    assert not wrong, f"{len(wrong)} of {len(cases)} answer sets differ, first: {wrong[0]}"
    # The answer sets reach both sides of the follow-ups: some are shown and some hidden.
    followups = {item.code for item in version.items if item.relevant is not None}
    shown = {code for c in cases for code in c["expected"]} & followups
    assert shown == followups or not followups


SEMANTICS_JS = """
(trees) => trees.map(([tree, answers, current]) => window.surveyLogic.evaluate(tree, answers, current))
"""


def test_expression_semantics_match_python(browser: Any) -> None:
    """Edge cases of the language beyond the shipped rules: missing values, mixed types, rows, arithmetic."""
    from surveyapp.questionnaire.expression import Expression
    from surveyapp.questionnaire.expression_json import expression_json

    answers = {"n": 3, "x": 2.5, "s": "a", "m": ["a", "b"], "grid": {"r1": "yes", "r2": ""}, "empty": [], "t": "",
               "__choice_names__": {"s": {"a": "Әліппе", "b": ""}}}  # fmt: skip
    texts = [
        "n > 2", "n = 3.0", "s = 'a'", "s < 'b'", "n = 'a'", "missing = missing", "missing != 1", "not missing",
        "n / 0", "n / 2", "-s", "-n + x", "n * missing", "selected(m, 'b')", "selected(s, 'a')",
        "selected(missing, 'a')", "count_selected(m)", "count_selected(grid)", "count_selected(missing)",
        "count_selected(s)", "answered(empty)", "answered(t)", "answered(grid)", "grid.r1 = 'yes'",
        "answered(grid.r2)", "true = true", "true = 1", "true < false", "s or missing", "empty or n",
        "(n - 3) or false", ". >= 2", "answered(.)", "count_selected(.) > 1", "m = m", "x >= 2.5 and x <= 2.5",
        "choice_name(s, s)", "choice_name(m, s)", "choice_name(selected_at(m, 1), s)", "choice_name(., s)",
        "choice_name(n, s)", "choice_name(s, t) = 'Әліппе'",
    ]  # fmt: skip
    currents = [None, 3, ["a", "b", "c"], ""]
    trees, expected = [], []
    for text in texts:
        expression = Expression.parse(text)
        for current in currents:
            trees.append([expression_json(expression), answers, current])
            expected.append(expression.evaluate(answers, current))
    context = browser.new_context()
    page = context.new_page()
    page.set_content("<!doctype html><html><body></body></html>")
    page.add_script_tag(path=str(SCRIPT))
    got = page.evaluate(SEMANTICS_JS, trees)
    context.close()
    differ = [(tree, want, have) for tree, want, have in zip(trees, expected, got, strict=True) if want != have]
    assert not differ, differ[:3]


WALK_JS = """
(cases) => cases.map((c) => {
  const state = window.surveyLogic.walk(c.logic, c.values);
  return [window.surveyLogic.visibleCodes(c.logic, c.values), state.kept.region_name || null];
})
"""


def test_choice_name_gives_the_labels_of_the_page_language(browser: Any, tmp_path: Path) -> None:
    """jr:choice-name in the browser: the label of the page's language, for a calculation on the same page and
    for a later page's rule, as the server gives it in the respondent's language."""
    from tests.surveyapp.questionnaire.choice_name_fixture import choice_name_yaml

    path = readme_example(tmp_path)
    path.write_text(choice_name_yaml(), encoding="utf-8")
    version = load_version(path)
    cases, expected = [], []
    for language in ("kk", "ru"):
        for region in ("astana", "almaty"):
            answers = {"age": 40, "region": region, "district": "esil" if region == "astana" else "medeu"}
            for page in ("about_you", "safety"):
                section = version.section(page)
                values = {item.code: answers[item.code] for item in section.items if item.code in answers}
                cases.append({"logic": page_logic(version, section, answers, language), "values": values})
                shown = [item.code for item in routing.relevant_items(version, answers, page, language)]
                name = routing.prune_hidden(version, answers, language)["region_name"] if page == "about_you" else None
                expected.append([shown, name])
    context = browser.new_context()
    tab = context.new_page()
    tab.set_content("<!doctype html><html><body></body></html>")
    tab.add_script_tag(path=str(SCRIPT))
    got = tab.evaluate(WALK_JS, cases)
    context.close()
    assert got == expected
    assert [expected[4][1], expected[0][1]] == ["город Астана", "Астана қаласы"]
    assert "capital_why" in expected[5][0] and "capital_why" not in expected[1][0]


def test_cascading_follow_ups_appear_while_answering_on_a_phone(live: Live, browser: Any) -> None:
    context = browser.new_context(**PHONE)
    r = Respondent(live, context, "relevance-phone", "example")
    domain = live.surveys["example"]
    r.goto(f"/q/{domain.instrument}/{domain.version}?lang=ru")
    r.press("agree")
    r.answer({"age": ["40"], "region": ["shymkent"]})
    assert r.press("next") == 200
    page = r.page
    assert r.where()[1] == "safety"
    assert not page.locator("#item-victim_types").is_visible()
    # Answering opens the follow-up at once, marked and announced, with no round trip.
    page.locator('[name="victim_any"][value="yes"]').check()
    types = page.locator('[data-item="victim_types"]')
    assert types.is_visible()
    assert "is-new" in (types.get_attribute("class") or "")
    assert page.locator("#relevance-notice").inner_text().strip()
    # A follow-up of the follow-up: two more questions, still on the same page.
    page.locator('[name="victim_types"][value="other"]').check()
    assert page.locator("#item-victim_other").is_visible() and page.locator("#item-victims_count").is_visible()
    # The designer's constraint message shows as soon as the number is left.
    page.locator('[name="victim_types"][value="theft"]').check()
    page.locator("#f-victims_count").fill("1")
    page.locator("#f-victim_other").click()
    check = page.locator("#victims_count-check")
    assert check.inner_text().startswith("Число не может")
    assert page.locator("#f-victims_count").get_attribute("aria-invalid") == "true"
    assert "victims_count-check" in (page.locator("#f-victims_count").get_attribute("aria-describedby") or "")
    page.locator("#f-victims_count").fill("2")
    page.locator("#f-victim_other").click()
    assert check.count() == 0 and page.locator("#f-victims_count").get_attribute("aria-invalid") is None
    page.locator("#f-victim_other").fill("угон велосипеда")
    r.shot("cascade-shown")
    # Taking the first answer back hides the whole cascade again, and its inputs are not posted.
    page.locator('[name="safe_dark"][value="rather_safe"]').check()
    page.locator('[name="victim_any"][value="no"]').check()
    assert not page.locator("#item-victim_types").is_visible()
    assert page.locator("#f-victim_other").is_disabled()
    page.locator('[name="victim_any"][value="yes"]').check()
    assert page.locator("#f-victim_other").input_value() == "угон велосипеда"  # nothing typed is lost
    assert r.press("submit") in {200, 303}
    assert "/done" in page.url, page.locator(".error").all_inner_texts()
    context.close()


def test_after_a_round_trip_new_questions_are_marked_and_focused(live: Live, browser: Any) -> None:
    """When the server finds questions the respondent has not seen (the script ran late, or the page was
    answered elsewhere), the page comes back with them marked and the first one focused."""
    context = browser.new_context(**PHONE)
    r = Respondent(live, context, "relevance-round-trip", "example")
    domain = live.surveys["example"]
    r.goto(f"/q/{domain.instrument}/{domain.version}?lang=kk")
    r.press("agree")
    r.page.locator("#f-age").fill("40")
    r.page.locator("#f-region").select_option("almaty")
    r.page.locator("h1").click()  # leaves the fields, so no change event comes after the line below
    # As if the district had never been shown in this browser.
    r.page.evaluate("() => { document.querySelector('input[name=shown]').value = 'age region'; }")
    assert r.press("next") == 200 and r.where()[1] == "about_you"
    district = r.page.locator('[data-item="district"]')
    assert "is-new" in (district.get_attribute("class") or "")
    assert r.page.evaluate("() => document.activeElement.id") == "f-district"
    assert r.page.locator('[data-item="age"].is-new').count() == 0
    r.shot("round-trip-new-question-focused")
    context.close()
