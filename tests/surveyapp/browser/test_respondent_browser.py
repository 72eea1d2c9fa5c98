"""The respondent's path in a real browser, as respondents meet it:
a phone in Kazakh and Russian, the children's survey,
no JavaScript, the keyboard, and an accessibility sanity check of every page type.

Screenshots of each step go to test-artifacts/browser/.
"""

from __future__ import annotations

from typing import Any

import pytest

from surveyapp.questionnaire.messages import MESSAGES
from tests.surveyapp.browser.respondent import FOCUS_JS, KAZAKH_LETTERS, PHONE, Live, Respondent, response_by_token

pytestmark = pytest.mark.browser

ADULT = {"age": 35, "region": "astana", "district": "astana_yesil", "settlement": "urban", "sex": "female"}


def kazakh_letters_in(text: str) -> set[str]:
    return set(KAZAKH_LETTERS) & set(text.lower())


def test_public_safety_in_kazakh_on_a_phone_switch_leave_resume_submit(live: Live, browser: Any) -> None:
    domain = live.surveys["public_safety"]
    context = browser.new_context(**PHONE)
    r = Respondent(live, context, "1-public-safety", "public_safety")
    r.goto("/q/public_safety/2024?lang=kk")
    r.visit("kk", "consent")
    assert r.page.locator("h1").inner_text() == domain.title.get("kk")
    r.press("agree")
    token, section = r.where()
    assert section == "residence"
    r.visit("kk", "residence")
    assert r.page.locator(".flash").count() == 1  # the resume code is shown at once

    # A required question left empty: the message stands next to the field, in Kazakh.
    r.answer(r.form_for_page(ADULT, skip=("age",)))
    assert r.press("next") == 422
    r.visit("kk", "residence-error")
    error = r.page.locator("#item-age .error")
    assert error.inner_text() == MESSAGES["required"]["kk"]
    label, message, field = (r.page.locator(s).bounding_box() for s in ("label[for=f-age]", "#age-error", "#f-age"))
    assert label and message and field
    assert label["y"] < message["y"] < field["y"] and field["y"] - (message["y"] + message["height"]) < 40
    assert r.page.locator("#f-age").get_attribute("aria-invalid") == "true"
    assert "age-error" in (r.page.locator("#f-age").get_attribute("aria-describedby") or "")
    # The summary at the top names the question and links to it.
    summary = r.page.locator(".error-summary li").inner_text()
    assert summary == f"{domain.item('age').label.get('kk')} — {MESSAGES['required']['kk']}"
    assert r.page.locator(".error-summary a[href='#item-age']").count() == 1
    # What was answered on the page is still there.
    assert r.page.locator("#f-region").input_value() == "astana"
    assert r.page.locator("#f-district").input_value() == "astana_yesil"
    assert r.page.locator("input[name=settlement][value=urban]").is_checked()
    r.page.locator("#f-age").fill("35")
    assert r.press("next") == 200
    assert r.where()[1] == "feeling_safe"
    r.visit("kk", "feeling-safe")

    # Half the page answered in Kazakh, then the switch to Russian keeps those answers.
    form = r.form_for_page()
    r.answer({code: form[code] for code in ("safe_alone_area", "safe_dark")})
    assert r.press("lang:ru") == 200
    assert r.where() == (token, "feeling_safe")
    r.visit("ru", "feeling-safe-ru")
    assert r.page.locator("h1").inner_text() == domain.section("feeling_safe").title.get("ru")
    for code in ("safe_alone_area", "safe_dark"):
        assert r.page.locator(f"input[name={code}][value={form[code][0]}]").is_checked()
    r.complete_page("ru")
    assert r.where()[1] == "police"
    r.visit("ru", "police")
    r.complete_page("ru")
    assert r.where()[1] == "victimisation"
    r.visit("ru", "victimisation-then-leave")
    code = r.resume_code()
    kazakh_text = " ".join(r.seen_text[:4])
    r.page.close()
    context.close()

    # Another day, another browser: the code typed at /resume opens the answers where they were left.
    context = browser.new_context(**PHONE)
    r2 = Respondent(live, context, "1-public-safety", "public_safety")
    r2.step = r.step
    r2.goto("/resume?lang=ru")
    r2.visit("ru", "resume")
    r2.page.locator("#code").press_sequentially(code.lower())
    with r2.page.expect_navigation():
        r2.page.locator("form.form button[type=submit]").click()
    token, section = r2.where()
    assert section == "victimisation"
    r2.visit("ru", "resumed")
    while "/done" not in r2.page.url:
        r2.complete_page("ru", {**ADULT, "local_proposal": "Аулаға жарық керек: әғқңөұүһі"})
        if "/done" not in r2.page.url:
            r2.visit("ru", r2.where()[1])
    r2.visit("ru", "done")
    assert r2.page.locator("a[href='tel:102']").is_visible()
    context.close()

    response = response_by_token(live, token)
    assert response.status == "submitted" and response.submitted_at is not None
    assert response.language == "ru"
    assert response.page_languages["residence"] == "kk"
    assert response.page_languages["feeling_safe"] == "ru"
    assert set(response.page_languages.values()) == {"kk", "ru"}
    assert set(response.page_languages) == {s.code for s in domain.sections}
    answers = response.answers
    assert answers["age"] == 35 and answers["region"] == "astana" and answers["district"] == "astana_yesil"
    assert answers["safe_alone_area"] == form["safe_alone_area"][0] and answers["safe_dark"] == form["safe_dark"][0]
    assert answers["local_proposal"] == "Аулаға жарық керек: әғқңөұүһі"
    assert answers["sex"] == "female"
    assert response.design["region"] == "astana" and response.design["sex"] == "female"
    assert response.design["age_group"] == "30-44" and response.design["settlement"] == "urban"
    assert response.paradata["device"] == "phone" and response.paradata["resumes"] == 1
    assert kazakh_letters_in(kazakh_text) >= set(KAZAKH_LETTERS) - {"һ"}  # no һ in this questionnaire's text


def test_childrens_survey_with_assent_and_helplines(live: Live, browser: Any) -> None:
    domain = live.surveys["child_protection"]
    context = browser.new_context(**PHONE)
    r = Respondent(live, context, "2-child-protection", "child_protection")
    r.goto("/q/child_protection/2024?lang=kk")
    r.visit("kk", "assent")
    assert r.page.locator(".consent-text h2").inner_text() == "Бастамас бұрын"
    assert "Сәлем!" in r.page.locator(".consent-text").inner_text()
    assert r.page.locator(".consent-text .hint").count() == 1  # passive parental consent: the child decides
    r.press("agree")
    token, _section = r.where()
    r.visit("kk", "about-you")
    while "/done" not in r.page.url:
        r.complete_page("kk", {"age": 13, "region": "shymkent"})
        r.visit("kk", "done" if "/done" in r.page.url else r.where()[1])
    for phone in ("111", "150"):
        link = r.page.locator(f".helplines a[href='tel:{phone}']")
        assert link.is_visible() and link.inner_text() == phone
    closing_note = r.page.locator(".closing").inner_text()
    context.close()
    response = response_by_token(live, token)
    assert response.status == "submitted" and response.language == "kk"
    assert set(response.page_languages.values()) == {"kk"}
    assert response.design["age_group"] == "12-14" and response.design["region"] == "shymkent"
    assert response.paradata["device"] == "phone"
    assert kazakh_letters_in(" ".join(r.seen_text)) >= set(KAZAKH_LETTERS) - {"һ"}
    # Every page but the closing thank-you, which comes after sending, with its note on the done page.
    assert len(response.page_languages) == len(domain.sections) - 1
    assert closing_note.startswith("Сауалнамаға қатысқаның үшін")


def test_works_without_javascript_and_with_the_keyboard(live: Live, browser: Any) -> None:
    # Without JavaScript: the district list shows every region's districts, grouped under the region's name,
    # and the server accepts only a district of the region chosen.
    context = browser.new_context(**PHONE, java_script_enabled=False)
    r = Respondent(live, context, "3-no-js", "public_safety")
    r.goto("/q/public_safety/2024?lang=ru")
    r.visit("ru", "consent")
    r.press("agree")
    token, _ = r.where()
    r.visit("ru", "residence")
    groups = r.page.locator("#f-district optgroup")
    assert groups.count() == 20
    assert r.page.locator("#f-district optgroup[data-parent=almaty]").get_attribute("label") == "город Алматы"
    r.answer(r.form_for_page({**ADULT, "region": "almaty", "district": "astana_yesil"}))
    assert r.press("next") == 422
    r.visit("ru", "residence-wrong-district")
    assert r.page.locator("#item-district .error").inner_text() == MESSAGES["not_a_choice"]["ru"]
    r.page.locator("#f-district").select_option("almaty_auezov")
    assert r.press("next") == 200
    assert r.where() == (token, "feeling_safe")
    r.visit("ru", "feeling-safe")
    r.complete_page("ru")
    assert r.where()[1] == "police"
    context.close()
    answers = response_by_token(live, token).answers
    assert answers["region"] == "almaty" and answers["district"] == "almaty_auezov"
    assert answers["safe_alone_area"]

    # With JavaScript the same list narrows to the region chosen (progressive enhancement).
    context = browser.new_context(viewport={"width": 1024, "height": 768})
    k = Respondent(live, context, "3-keyboard", "public_safety", phone=False)
    k.goto("/q/public_safety/2024?lang=kk")
    k.press("agree")
    k.page.locator("#f-region").select_option("almaty")
    assert k.page.locator("#f-district optgroup:not([hidden])").count() == 1
    k.page.locator("#f-district").select_option("almaty_auezov")
    k.page.locator("#f-region").select_option("astana")
    assert k.page.locator("#f-district").input_value() == ""  # a district of another region is dropped
    k.page.locator("#f-region").select_option("")
    k.visit("kk", "residence-js")

    # The keyboard: Tab reaches the language switch, every question and the button, each visibly outlined.
    k.page.evaluate("() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); }")
    reached: list[dict[str, Any]] = []
    for _ in range(30):
        k.page.keyboard.press("Tab")
        focused = k.page.evaluate(FOCUS_JS)
        reached.append(focused)
        if focused["name"] == "settlement":
            k.page.keyboard.press("Space")  # a radio group is chosen from the keyboard
            k.shot("keyboard-focus-radio")
        if focused["tag"] == "button" and focused["value"] == "next":
            k.shot("keyboard-focus-next")
            break
    names = [(f["tag"], f["name"], f["value"] if f["tag"] == "button" else "") for f in reached]
    assert reached[0]["cls"] == "skip"
    for expected in [
        ("button", "action", "lang:ru"),
        ("input", "age", ""),
        ("select", "region", ""),
        ("select", "district", ""),
        ("input", "settlement", ""),
        ("button", "action", "next"),
    ]:
        assert expected in names, f"Tab never reaches {expected}: {names}"
    for f in reached:
        if f["tag"] in {"a", "button", "input", "select", "textarea"}:
            assert f["visible"] and f["outline"] != "none" and f["width"] >= 2, f"no visible focus on {f}"
            assert f["contrast"] >= 3, f"focus ring hard to see (WCAG 1.4.11): {f}"
    assert k.page.locator("input[name=settlement]:checked").count() == 1
    context.close()


def test_accessibility_of_every_page_type(live: Live, browser: Any) -> None:
    context = browser.new_context(**PHONE)
    r = Respondent(live, context, "4-a11y", "example")
    r.goto("/q/example/2025?lang=ru")
    r.visit("ru", "consent-ru")
    r.goto("/q/example/2025?lang=kk")
    r.visit("kk", "consent-kk")
    assert r.missing_glyphs() == []  # every Kazakh letter, small and capital, is drawn by an installed font
    r.goto("/resume?lang=kk")
    r.visit("kk", "resume")
    r.page.locator("#code").fill("ZZZZ-ZZZZ")
    with r.page.expect_navigation():
        r.page.locator("form.form button[type=submit]").click()
    r.visit("kk", "resume-unknown-code")
    r.goto("/q/example/2025?lang=kk")
    r.press("agree")
    token, _ = r.where()
    assert r.press("next") == 422
    r.visit("kk", "page-errors")
    r.page.locator("#f-age").fill("40")
    r.page.locator("#f-region").select_option("almaty")
    # The district question depends on the region: it appears at once, marked and announced, without an error.
    assert r.page.locator("#item-district").is_visible() and r.where()[1] == "about_you"
    assert r.page.locator(".new-questions").count() == 1 and r.page.locator("#item-district .error").count() == 0
    r.visit("kk", "page-1-district-appeared")
    r.page.locator("#f-district").select_option("medeu")
    assert r.press("next") == 200 and r.where()[1] == "safety"
    r.visit("kk", "page-2")
    # Follow-up questions switched on by an answer appear on the same page as it is answered, with a notice;
    # typed Kazakh letters come back exactly, capital and small, after the round trip through the server.
    typed = "Әжемнің сөмкесін ұрлады: ҒҚҢӨҰҮҺІ ғқңөұүһі"
    r.answer(r.form_for_page({"victim_any": "yes", "victim_types": ["other"]}))
    assert r.page.locator(".new-questions").count() == 1 and r.page.locator(".error").count() == 0
    r.visit("kk", "page-2-followup-types")
    r.page.locator("[name=victim_other]").fill(typed)
    r.page.locator("[name=victims_count]").fill("1")
    assert r.page.locator("[name=victim_other]").input_value() == typed
    r.visit("kk", "page-2-followups")
    r.press("submit")
    assert "/done" in r.page.url
    r.visit("kk", "done")
    assert response_by_token(live, token).answers["victim_other"] == typed
    letters = kazakh_letters_in(" ".join(r.seen_text))
    assert letters >= set(KAZAKH_LETTERS) - {"һ"}, sorted(set(KAZAKH_LETTERS) - letters)

    r.goto("/q/example/2025?lang=kk")
    r.press("decline")
    r.visit("kk", "declined")
    r.goto("/q/example/2025?lang=ru")
    r.press("agree")
    r.press("lang:kk")
    r.visit("kk", "page-switched-to-kk")
    context.close()


def test_a_page_with_errors_keeps_every_tick_focuses_the_summary_and_reloads_without_posting(
    live: Live, browser: Any
) -> None:
    context = browser.new_context(**PHONE)
    r = Respondent(live, context, "9-typed-input", "public_safety")
    r.goto("/q/public_safety/2024?lang=ru")
    r.press("agree")
    r.complete_page("ru", ADULT)
    assert r.where()[1] == "feeling_safe"
    # One row of the matrix answered of three: the page comes back with the row still ticked.
    r.answer({"safe_alone_area": ["very_safe"], "safety_sense.personal": ["rather_safe"]})
    assert r.press("next") == 422
    r.visit("ru", "matrix-partly-answered")
    assert r.page.locator('[name="safety_sense.personal"][value="rather_safe"]').is_checked()
    assert r.page.locator('[name="safe_alone_area"][value="very_safe"]').is_checked()
    # Focus is on the error summary, so a screen reader reads it first; the unanswered rows are invalid.
    assert r.page.evaluate("document.activeElement.classList.contains('error-summary')")
    invalid = r.page.locator("#item-safety_sense fieldset.matrix-row[aria-invalid=true]")
    assert invalid.count() == 2
    assert r.page.locator("#item-safe_dark").get_attribute("aria-required") == "true"
    # The page with errors was reached by a redirect: reloading it is a GET, nothing is posted again.
    reloaded = r.page.reload()
    assert reloaded is not None and reloaded.request.method == "GET" and reloaded.status == 422
    assert r.page.locator('[name="safety_sense.personal"][value="rather_safe"]').is_checked()
    # The browser's Back walks the history by GETs only, never a "confirm resubmission" step: first the same
    # page as it was opened (its draft shown there too), then the page before it.
    for section in ("feeling_safe", "residence"):
        back = r.page.go_back()
        assert back is not None and back.request.method == "GET" and r.where()[1] == section
    context.close()
