"""A respondent in a real browser: answers pages from the questionnaire model, takes screenshots, and checks
each page for accessibility basics (labels, contrast, language, touch targets, no sideways scrolling)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask
from playwright.sync_api import BrowserContext, Page

from surveyapp.extensions import db
from surveyapp.models import SurveyResponse
from surveyapp.questionnaire.model import QuestionnaireVersion
from surveyapp.services.secrets import digest
from tests.surveyapp.respond_helpers import ROOT, fill, page_url, stored_answers

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ARTIFACTS = ROOT / "test-artifacts" / "browser"

PHONE_UA = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Mobile Safari/537.36"
)
PHONE = {
    "viewport": {"width": 360, "height": 740},
    "is_mobile": True,
    "has_touch": True,
    "user_agent": PHONE_UA,
    "device_scale_factor": 1,
}


@dataclass
class Live:
    """The app served on 127.0.0.1 and the questionnaires published in its database."""

    app: Flask
    url: str
    surveys: dict[str, QuestionnaireVersion]


KAZAKH_LETTERS = "әғқңөұүһі"
RESUME_CODE = re.compile(r"\b([A-Z0-9]{4}-[A-Z0-9]{4})\b")

# Runs in the page: everything the accessibility sanity check needs, in one round trip.
AUDIT_JS = r"""
() => {
  const problems = [];
  const shown = (el) => {
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== "hidden" && s.display !== "none";
  };
  const describe = (el) => el.tagName.toLowerCase() + (el.name ? `[name=${el.name}]` : "")
    + (el.value && el.type !== "text" ? `[value=${el.value}]` : "")
    + (el.className && typeof el.className === "string" ? "." + el.className.trim().replace(/\s+/g, ".") : "");

  // 1. Every form control has a label; choices also sit in a named group (fieldset/legend or role=group).
  for (const el of document.querySelectorAll("input:not([type=hidden]), select, textarea")) {
    const labels = Array.from(el.labels || []).filter((l) => l.textContent.trim());
    if (!labels.length && !el.getAttribute("aria-label") && !el.getAttribute("aria-labelledby")) {
      problems.push("no label: " + describe(el));
    }
    if (el.type === "radio" || (el.type === "checkbox" && document.getElementsByName(el.name).length > 1)) {
      const fieldset = el.closest("fieldset");
      const legend = fieldset && fieldset.querySelector(":scope > legend");
      if (!(legend && legend.textContent.trim()) && !el.closest("[role=group][aria-labelledby]")) {
        problems.push("choice outside a named group: " + describe(el));
      }
    }
  }
  for (const el of document.querySelectorAll("button, a[href]")) {
    if (!el.textContent.trim() && !el.getAttribute("aria-label")) problems.push("unnamed control: " + describe(el));
  }

  // 2. Contrast of text against the background it is drawn on (WCAG 2.1 AA: 4.5, large text 3).
  const parse = (c) => {
    const m = c.match(/rgba?\(([^)]+)\)/);
    if (!m) return null;
    const p = m[1].split(/[\s,\/]+/).filter(Boolean).map(Number);
    return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
  };
  const background = (el) => {
    for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
      const c = parse(getComputedStyle(node).backgroundColor);
      if (c && c.a > 0) return c;
    }
    return { r: 255, g: 255, b: 255, a: 1 };
  };
  const lum = (c) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
  };
  const contrasts = [];
  const selectors = ["body", "h1", "h2", "p", "label", "legend", ".survey-title", ".lead", ".hint", ".error",
    ".error-summary a", ".progress-text", ".resume-note", ".flash", ".site-footer p", ".button",
    ".button.secondary", "button.link", "a", ".choice span", ".choice.special span", ".required", ".phone",
    "option", "input", "select", "textarea"];
  for (const selector of selectors) {
    for (const el of Array.from(document.querySelectorAll(selector)).filter(shown).slice(0, 4)) {
      const s = getComputedStyle(el);
      const fg = parse(s.color);
      if (!fg) continue;
      const bg = background(el);
      const [hi, lo] = [lum(fg), lum(bg)].sort((a, b) => b - a);
      const ratio = (hi + 0.05) / (lo + 0.05);
      const size = parseFloat(s.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(s.fontWeight) >= 700);
      const need = large ? 3 : 4.5;
      contrasts.push({ selector, ratio: Math.round(ratio * 100) / 100, need });
      if (ratio < need) {
        problems.push(`contrast ${ratio.toFixed(2)} < ${need}: ${selector} (${s.color} on ${bg.r},${bg.g},${bg.b})`);
      }
    }
  }

  // 3. Touch targets: at least 44 px high for the main controls, 24 x 24 (WCAG 2.2 AA) for everything else.
  const small = [];
  const main = ".choice, .button, .item-input input, .item-input select, textarea, .form input";
  for (const el of document.querySelectorAll(main)) {
    const h = el.getBoundingClientRect().height;
    if (shown(el) && h < 43.5) small.push(describe(el) + " h=" + Math.round(h));
  }
  for (const el of document.querySelectorAll("button, .languages a")) {
    const r = el.getBoundingClientRect();
    if (shown(el) && (r.height < 24 || r.width < 24)) {
      small.push(describe(el) + ` ${Math.round(r.width)}x${Math.round(r.height)}`);
    }
  }

  return {
    problems,
    contrasts,
    small,
    lang: document.documentElement.lang,
    text: document.body.innerText,
    overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
  };
}
"""

# Each letter drawn on a canvas with the page's font, compared with a character no font has (a "tofu" box):
# a letter that renders like it is missing from every installed font.
GLYPHS_JS = r"""
(letters) => {
  const canvas = document.createElement("canvas");
  canvas.width = 48; canvas.height = 48;
  const ctx = canvas.getContext("2d", { willReadFrequently: true });
  ctx.font = "32px " + getComputedStyle(document.body).fontFamily;
  const pixels = () => ctx.getImageData(0, 0, 48, 48).data.join(",");
  const draw = (ch) => { ctx.clearRect(0, 0, 48, 48); ctx.fillText(ch, 4, 36); return pixels(); };
  const missing = draw("\u0378");
  ctx.clearRect(0, 0, 48, 48);
  const blank = pixels();
  return Array.from(letters).filter((ch) => { const d = draw(ch); return d === missing || d === blank; });
}
"""


# The focused element, its focus ring and how well the ring stands out from what is behind it.
FOCUS_JS = r"""
() => {
  const el = document.activeElement; const s = getComputedStyle(el);
  const lum = (c) => {
    const p = c.match(/[\d.]+/g).slice(0, 3).map(Number).map((v) => v / 255)
      .map((v) => (v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4)));
    return 0.2126 * p[0] + 0.7152 * p[1] + 0.0722 * p[2];
  };
  let bg = "rgb(255, 255, 255)";
  for (let n = el.parentElement; n; n = n.parentElement) {
    const c = getComputedStyle(n).backgroundColor;
    if (c !== "rgba(0, 0, 0, 0)" && c !== "transparent") { bg = c; break; }
  }
  const [hi, lo] = [lum(s.outlineColor), lum(bg)].sort((a, b) => b - a);
  return {tag: el.tagName.toLowerCase(), id: el.id, name: el.name || "", value: el.value || "",
          cls: el.className, outline: s.outlineStyle, width: parseFloat(s.outlineWidth),
          contrast: (hi + 0.05) / (lo + 0.05), visible: el.matches(":focus-visible")};
}
"""


class Respondent:
    """One browser tab of one respondent; screenshots are named <name>-<step>-<label>.png."""

    def __init__(self, live: Live, context: BrowserContext, name: str, survey: str, phone: bool = True) -> None:
        self.live = live
        self.context = context
        self.page: Page = context.new_page()
        self.name = name
        self.domain = live.surveys[survey]
        self.phone = phone
        self.step = 0
        self.seen_text: list[str] = []

    # Navigation -------------------------------------------------------------------------------------------
    def goto(self, path: str) -> None:
        response = self.page.goto(self.live.url + path)
        assert response is not None and response.ok, f"{path}: {response and response.status}"

    def press(self, action: str) -> int:
        """Click the submit button with this action and wait for the next page; returns its HTTP status."""
        with self.page.expect_navigation() as navigation:
            self.page.locator(f'button[name="action"][value="{action}"]').click()
        return navigation.value.status if navigation.value else 0

    def where(self) -> tuple[str, str]:
        """(token, section) of the page shown."""
        return page_url(self.page.url)

    def resume_code(self) -> str:
        match = RESUME_CODE.search(self.page.locator(".resume-note").inner_text())
        assert match, "no resume code on the page"
        return match.group(1)

    # Answers ----------------------------------------------------------------------------------------------
    def answer(self, form: dict[str, list[str]]) -> None:
        """Set the given form values the way a person would (click the choice, pick the option, type)."""
        for name, values in form.items():
            fields = self.page.locator(f'[name="{name}"]')
            if fields.count() == 0 or not fields.first.is_visible():
                continue  # a follow-up question shown once its condition is answered (hidden until then)
            first = fields.first
            tag = first.evaluate("e => e.tagName.toLowerCase()")
            kind = first.get_attribute("type")
            if tag == "select":
                first.select_option(values[0])
            elif kind in {"radio", "checkbox"}:
                for value in values:
                    self.page.locator(f'[name="{name}"][value="{value}"]').check()
            else:
                first.fill(values[0])

    def form_for_page(
        self, overrides: dict[str, Any] | None = None, skip: tuple[str, ...] = ()
    ) -> dict[str, list[str]]:
        token, section = self.where()
        form = fill(self.domain, section, stored_answers(self.live.app, token), overrides)
        return {name: values for name, values in form.items() if name.split(".")[0] not in skip}

    def complete_page(self, lang: str, overrides: dict[str, Any] | None = None) -> str:
        """Answer the page shown and go on; returns the new address. Follow-up questions that an answer
        switches on come back on the same page (with a notice, not an error) and are answered on the next try.
        Every state is checked and photographed."""
        _token, section = self.where()
        for attempt in range(4):
            self.answer(self.form_for_page(overrides))
            last = self.page.locator('button[name="action"][value="submit"]').count() > 0
            status = self.press("submit" if last else "next")
            if status != 422 and ("/done" in self.page.url or self.where()[1] != section):
                return self.page.url
            self.audit(lang)
            self.shot(f"{section}-followup{attempt + 1}")
        raise AssertionError(f"{section} was never accepted: {self.page.locator('.error').all_inner_texts()}")

    # Checks -----------------------------------------------------------------------------------------------
    def shot(self, label: str) -> None:
        self.step += 1
        self.page.screenshot(path=ARTIFACTS / f"{self.name}-{self.step:02d}-{label}.png", full_page=True)

    def audit(self, lang: str) -> dict[str, Any]:
        result = self.page.evaluate(AUDIT_JS)
        where = self.page.url.replace(self.live.url, "")
        assert result["lang"] == lang, f"{where}: html lang={result['lang']}, expected {lang}"
        assert not result["problems"], f"{where}: {result['problems']}"
        assert not result["small"], f"{where}: targets too small: {result['small']}"
        if self.phone:
            assert result["overflow"] <= 0, f"{where}: the page scrolls sideways by {result['overflow']} px"
        self.seen_text.append(result["text"])
        return result

    def visit(self, lang: str, label: str) -> dict[str, Any]:
        """Save the page's screenshot (first, so a failing page is photographed too) and check it."""
        self.shot(label)
        return self.audit(lang)

    def missing_glyphs(self) -> list[str]:
        return self.page.evaluate(GLYPHS_JS, KAZAKH_LETTERS + KAZAKH_LETTERS.upper())


def response_by_token(live: Live, token: str) -> SurveyResponse:
    with live.app.app_context():
        response = db.session.query(SurveyResponse).filter_by(access_token_hash=digest(token)).one()
        db.session.expunge(response)
        return response
