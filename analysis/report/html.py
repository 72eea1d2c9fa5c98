"""The yearly report as one self-contained, printable HTML file.

Charts are inline SVG drawn by the same functions as the PDF (text kept as text, so it is searchable and
Kazakh letters come from the reader's fonts); the stylesheet is inline, with print rules (A4, a page per
indicator); nothing is fetched from a network. Jinja2 is imported directly: the renderer does not need Flask.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from jinja2 import Environment, StrictUndefined
from matplotlib.figure import Figure

from analysis.programme import Source
from analysis.report import fmt
from analysis.report.charts import region_chart, style, trend_chart
from analysis.report.data import STATUSES, IndicatorReport, ReportData
from analysis.report.texts import TEXTS, tr

Progress = Callable[[int, int, str], None]

CSS = """
:root { --blue: @blue@; --rule: #cccccc; --head: @head@; --red: @red@; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", "Noto Sans", "PT Sans", Arial, sans-serif; font-size: 10pt; color: #111;
       max-width: 60rem; margin: 0 auto; padding: 1rem 1.5rem 3rem; line-height: 1.4; }
h1 { font-size: 1.7rem; margin: .2rem 0; } h2 { font-size: 1.3rem; margin: 1.6rem 0 .4rem; }
h3 { font-size: 1.05rem; margin: 1rem 0 .3rem; }
.banner { background: var(--red); color: #fff; font-weight: bold; padding: .5rem 1rem; text-align: center; }
.subtitle { color: var(--blue); font-size: 1.25rem; margin: 0 0 1rem; }
.muted { color: #555; } .small { font-size: .85em; } .note { font-style: italic; color: #444; }
table { border-collapse: collapse; width: 100%; margin: .3rem 0 .8rem; font-size: .88em; }
th { background: var(--head); text-align: left; vertical-align: bottom; }
th, td { padding: .22rem .4rem; border-bottom: 1px solid var(--rule); vertical-align: top; }
td.num, th.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
tbody tr:nth-child(even) { background: #f7f7f7; }
.status { font-weight: bold; white-space: nowrap; padding: .1rem .4rem; border-radius: .2rem; display: inline-block; }
@status_css@
.suppressed { font-style: italic; color: #666; }
.code { background: var(--blue); color: #fff; font-weight: bold; padding: .1rem .45rem; margin-right: .4rem; }
.keys { display: grid; grid-template-columns: repeat(4, 1fr); gap: .5rem; margin: .6rem 0; }
.key { background: #f2f5f8; padding: .4rem .6rem; } .key b { display: block; font-size: 1.25rem; }
.key.status-box { color: #fff; } .key span { font-size: .8em; }
.charts { display: grid; grid-template-columns: 1fr 1.1fr; gap: 1rem; align-items: start; }
.charts svg { width: 100%; height: auto; }
.tables { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; align-items: start; }
.legend li { list-style: none; margin: .2rem 0; } .legend { padding-left: 0; }
.hash { font-family: "DejaVu Sans Mono", monospace; font-size: .8em; word-break: break-all; }
nav ol { columns: 2; font-size: .9em; }
footer.print-footer { display: none; }
@media print {
  @page { size: A4; margin: 16mm 15mm 18mm; }
  body { max-width: none; padding: 0; font-size: 9pt; }
  .no-print { display: none; }
  section.indicator, section.annex, section.scorecard { break-before: page; }
  tr, .keys, .charts > div { break-inside: avoid; }
  footer.print-footer { display: block; position: fixed; bottom: 0; left: 0; right: 0; font-size: 7.5pt;
                        color: var(--red); font-weight: bold; text-align: center; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""

TEMPLATE = """<!DOCTYPE html>
<html lang="{{ lang }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }}</title>
<style>{{ css | safe }}</style>
</head>
<body>
{% if marks %}<footer class="print-footer">{{ marks }}</footer>{% endif %}
{% for text in banners %}<div class="banner">{{ text }}</div>{% endfor %}
<header>
<h1>{{ t['report.title'] }}</h1>
<p class="subtitle">{{ subtitle }}</p>
<p><strong>{{ programme }}</strong></p>
{% for line in details %}<p class="muted small">{{ line }}</p>{% endfor %}
<p class="no-print"><button onclick="window.print()">{{ t['html.print'] }}</button></p>
</header>
<h3>{{ t['report.summary'] }}</h3>
<ul class="legend">{% for s in summary %}
<li><span class="status st-{{ s.status }}">{{ s.label }}</span> {{ s.count }}</li>
{% endfor %}</ul>
<p class="note">{{ t['report.diagnostic'] }}</p>
<p class="muted small">{{ generated }}</p>
<nav><h3>{{ t['report.contents'] }}</h3><ol>
<li><a href="#scorecard">{{ t['scorecard.title'] }}</a></li>
{% for ind in indicators %}<li><a href="#ind-{{ ind.code }}">{{ ind.code }}. {{ ind.name }}</a></li>{% endfor %}
<li><a href="#annex">{{ t['meth.title'] }}</a></li></ol></nav>

<section class="scorecard" id="scorecard">
<h2>{{ t['scorecard.title'] }}</h2>
<p class="muted">{{ scorecard_intro }}</p>
<table><thead><tr><th>{{ t['col.code'] }}</th><th>{{ t['col.indicator'] }}</th><th>{{ t['col.unit'] }}</th>
<th class="num">{{ t['col.value'] }}</th><th class="num">{{ ci_header }}</th><th>{{ t['col.target'] }}</th>
<th>{{ t['col.status'] }}</th></tr></thead><tbody>
{% for ind in indicators %}<tr><td><b>{{ ind.code }}</b></td><td><a href="#ind-{{ ind.code }}">{{ ind.name }}</a></td>
<td>{{ ind.unit }}</td><td class="num"><b>{{ ind.value }}</b></td><td class="num">{{ ind.ci }}</td>
<td>{{ ind.target }}</td><td><span class="status st-{{ ind.status }}">{{ ind.status_label }}</span></td></tr>
{% endfor %}</tbody></table>
<h3>{{ t['legend.title'] }}</h3>
<ul class="legend">{% for s in legend %}
<li><span class="status st-{{ s.status }}">{{ s.label }}</span> – {{ s.rule }}</li>
{% endfor %}</ul>
<p class="muted small">{{ ci_legend }}</p>
</section>

{% for ind in indicators %}
<section class="indicator" id="ind-{{ ind.code }}">
<h2><span class="code">{{ ind.code }}</span>{{ ind.name }}</h2>
<p class="muted small">{{ ind.facts }}</p>
<div class="keys">
<div class="key"><span>{{ ind.value_label }}</span><b>{{ ind.value_full }}</b></div>
<div class="key"><span>{{ ci_header }}</span><b>{{ ind.ci }}</b></div>
<div class="key"><span>{{ ind.target_label }}</span><b>{{ ind.target }}</b></div>
<div class="key status-box st-{{ ind.status }}"><span>{{ t['col.status'] }}</span><b>{{ ind.status_label }}</b>
<span>{{ ind.trajectory }}</span></div>
</div>
{% for line in ind.lines %}<p class="small muted">{{ line }}</p>{% endfor %}
<div class="charts">
<div><h3>{{ t['ind.trend'] }}</h3>{{ ind.trend_svg | safe }}</div>
<div><h3>{{ t['ind.regions'] }}</h3>{{ ind.region_svg | safe }}</div>
</div>
<h3>{{ t['ind.breakdowns'] }}</h3>
{% if ind.breakdowns %}<div class="tables">
{% for b in ind.breakdowns %}<div><table><thead><tr><th>{{ b.title }}</th><th class="num">{{ t['col.value'] }}</th>
{% if ind.survey %}<th class="num">{{ ci_header }}</th><th class="num">{{ t['col.n'] }}</th>{% endif %}
</tr></thead><tbody>
{% for r in b.rows %}<tr><td>{{ r.label }}</td>{% if r.hidden %}<td class="num suppressed">{{ suppressed }}</td>
{% if ind.survey %}<td class="num suppressed">–</td><td class="num suppressed">–</td>{% endif %}
{% else %}<td class="num">{{ r.value }}</td>
{% if ind.survey %}<td class="num">{{ r.ci }}</td><td class="num">{{ r.n }}</td>{% endif %}
{% endif %}</tr>
{% endfor %}</tbody></table></div>
{% endfor %}</div>
{% if ind.footnote %}<p class="small muted">{{ ind.footnote }}</p>{% endif %}
{% else %}<p class="muted">{{ t['ind.no_breakdowns'] }}</p>{% endif %}
</section>
{% endfor %}

<section class="annex" id="annex">
<h2>{{ t['meth.title'] }}</h2>
<h3>{{ t['meth.interpretation'] }}</h3>
<p>{{ t['report.diagnostic'] }}</p><p>{{ t['report.source_note'] }}</p>
<h3>{{ t['meth.samples'] }}</h3>
{% if samples %}<table><thead><tr><th>{{ t['col.instrument'] }}</th><th>{{ t['col.version'] }}</th>
<th>{{ t['col.population'] }}</th><th>{{ t['col.fieldwork'] }}</th><th class="num">{{ t['col.respondents'] }}</th>
<th>{{ t['col.sha256'] }}</th></tr></thead><tbody>
{% for s in samples %}<tr><td>{{ s.instrument }}</td><td>{{ s.version }}</td><td>{{ s.population }}</td>
<td>{{ s.fieldwork }}</td><td class="num">{{ s.respondents }}</td><td class="hash">{{ s.sha256 }}</td></tr>
{% endfor %}</tbody></table>{% else %}<p>{{ t['meth.samples_none'] }}</p>{% endif %}
<h3>{{ t['meth.weighting'] }}</h3>
{% for line in weighting %}<p>{{ line }}</p>{% endfor %}
<p>{{ variance }}</p>
{% if precision %}<h3>{{ t['meth.precision'] }}</h3>
<table><thead><tr><th>{{ t['col.code'] }}</th><th>{{ t['col.indicator'] }}</th><th class="num">{{ t['col.n'] }}</th>
<th class="num">{{ t['col.n_eff'] }}</th><th class="num">{{ t['col.deff'] }}</th><th class="num">{{ t['col.moe'] }}</th>
</tr></thead><tbody>
{% for p in precision %}<tr><td><b>{{ p.code }}</b></td><td>{{ p.name }}</td><td class="num">{{ p.n }}</td>
<td class="num">{{ p.n_eff }}</td><td class="num">{{ p.deff }}</td><td class="num">{{ p.moe }}</td></tr>
{% endfor %}</tbody></table>
<p class="small muted">{{ precision_note }}</p>{% endif %}
<h3>{{ t['meth.status_rules'] }}</h3>
{% if status_rules %}<p>{{ status_rules }}</p>{% else %}<ul class="legend">
{% for s in legend %}<li><span class="status st-{{ s.status }}">{{ s.label }}</span> – {{ s.rule }}</li>{% endfor %}
</ul>{% endif %}
{% if trajectory_rule %}<p>{{ trajectory_rule }}</p>{% endif %}
<h3>{{ t['meth.suppression'] }}</h3>
<p>{{ suppression_rule }}</p>
{% if admin_sources %}<h3>{{ t['meth.admin_sources'] }}</h3>
<table><thead><tr><th>{{ t['col.code'] }}</th><th>{{ t['col.source'] }}</th><th>{{ t['col.file'] }}</th>
<th>{{ t['col.sha256'] }}</th></tr></thead><tbody>
{% for a in admin_sources %}<tr><td><b>{{ a.indicator }}</b></td><td>{{ a.source }}</td><td>{{ a.file or '–' }}</td>
<td class="hash">{{ a.sha256 or '–' }}</td></tr>{% endfor %}</tbody></table>{% endif %}
{% if notes %}<h3>{{ t['meth.notes'] }}</h3>{% for note in notes %}<p>{{ note }}</p>{% endfor %}{% endif %}
</section>
{% for text in banners %}<div class="banner">{{ text }}</div>{% endfor %}
</body>
</html>
"""

_ENV = Environment(autoescape=True, undefined=StrictUndefined, keep_trailing_newline=True)
_TEMPLATE = _ENV.from_string(TEMPLATE)
_SVG_START = re.compile(r"^.*?(?=<svg)", re.DOTALL)


def render_html(report: ReportData, path: Path, progress: Progress | None = None) -> None:
    path.write_text(html_text(report, progress), encoding="utf-8")


def html_text(report: ReportData, progress: Progress | None = None) -> str:
    lang = report.language
    total = len(report.indicators) + 2
    done = 0

    def step(what: str) -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, total, what)

    meth = report.methodology
    level = fmt.level_text(meth.ci_level, lang)
    status_css = "\n".join(
        f".st-{status}, .key.st-{status} {{ background: {s.color}; color: {s.text_color}; }}"
        for status, s in fmt.STATUS_STYLES.items()
    )
    css = (CSS.replace("@blue@", fmt.ESTIMATE_COLOR).replace("@head@", fmt.HEADER_FILL)
           .replace("@red@", fmt.SYNTHETIC_COLOR).replace("@status_css@", status_css))
    banners = ([tr("synthetic.banner", lang)] if report.synthetic else []) + \
              ([tr("draft.banner", lang)] if report.draft else [])
    marks = " · ".join(([tr("synthetic.short", lang)] if report.synthetic else [])
                       + ([tr("draft.short", lang)] if report.draft else []))
    details = []
    if report.period:
        details.append(tr("report.period", lang, first=report.period[0], last=report.period[1]))
    if report.coordinator:
        details.append(tr("report.coordinator", lang, name=report.coordinator))
    generated = tr("report.generated", lang, date=fmt.date_text(report.generated_at, lang))
    if report.run_id is not None:
        generated += " · " + tr("report.run", lang, run=report.run_id)
    counts = report.status_counts()
    step("scorecard")
    indicators = []
    with style():
        for ind in report.indicators:
            indicators.append(_indicator(report, ind))
            step(ind.code)
    legend = [{"status": s, "label": fmt.status_label(s, lang), "rule": tr(f"status_rule.{s}", lang)}
              for s in STATUSES]
    context: dict[str, Any] = {
        "lang": lang,
        "t": {key: tr(key, lang) for key in TEXTS if "{" not in tr(key, lang)},
        "css": css,
        "title": f"{tr('report.title', lang)}: {report.programme_title}, {report.year}",
        "banners": banners,
        "marks": marks,
        "subtitle": tr("report.subtitle", lang, year=report.year),
        "programme": report.programme_title,
        "details": details,
        "generated": generated,
        "summary": [{"status": s, "label": fmt.status_label(s, lang), "count": counts[s]} for s in STATUSES],
        "scorecard_intro": tr("scorecard.intro", lang, year=report.year, level=level),
        "ci_header": tr("col.ci", lang, level=level),
        "ci_legend": f"{tr('col.ci', lang, level=level)} – {tr('chart.ci', lang, level=level)}. "
                     f"{tr('report.source_note', lang)}",
        "legend": legend,
        "indicators": indicators,
        "suppressed": tr("suppressed.cell", lang),
        "samples": [{"instrument": s.instrument, "version": s.version, "population": s.population or fmt.DASH,
                     "fieldwork": f"{fmt.date_text(s.fieldwork_start, lang)} – {fmt.date_text(s.fieldwork_end, lang)}",
                     "respondents": fmt.integer(s.respondents, lang), "sha256": s.sha256} for s in meth.samples],
        "weighting": [f"{w.instrument}: {w.method or tr('meth.weighting_default', lang)} {tr('col.margins', lang)}: "
                      f"{'; '.join(w.margins)}. {tr('col.source', lang)}: {w.source}." for w in meth.weighting]
        or [tr("meth.weighting_default", lang)],
        "variance": tr("meth.variance", lang, level=level, method=meth.ci_method),
        "precision": [{"code": ind.code, "name": fmt.indicator_name(ind, lang), "n": fmt.integer(ind.national.n, lang),
                       "n_eff": fmt.integer(ind.national.n_eff, lang), "deff": fmt.number(ind.national.deff, lang, 2),
                       "moe": fmt.number(ind.national.margin_of_error, lang, fmt.decimals(ind.unit, 0.5))}
                      for ind in report.indicators if ind.is_survey],
        "precision_note": tr("meth.precision_note", lang, level=level),
        "status_rules": meth.status_rules,
        "trajectory_rule": tr("meth.trajectory_rule", lang) if any(i.status.trajectory for i in report.indicators)
        else None,
        "suppression_rule": tr("meth.suppression_rule", lang, min_n=meth.min_cell_n, cell=tr("suppressed.cell", lang)),
        "admin_sources": meth.admin_sources,
        "notes": meth.notes,
    }
    text = _TEMPLATE.render(context)
    step("write")
    return text


def _indicator(report: ReportData, ind: IndicatorReport) -> dict[str, Any]:
    lang = report.language
    min_n = report.methodology.min_cell_n
    lines = []
    if ind.is_survey:
        n = ind.national
        lines.append(tr("ind.precision_line", lang, n=fmt.integer(n.n, lang), n_eff=fmt.integer(n.n_eff, lang),
                        deff=fmt.number(n.deff, lang, 2)))
    elif ind.source is Source.ADMINISTRATIVE and not ind.national.has_ci:
        lines.append(tr("ind.admin_no_ci", lang))
    lines += [note for note in (ind.status.note, ind.note) if note]
    breakdowns = []
    reasons: set[str] = set()
    for name, rows in ind.ordered_breakdowns():
        items = []
        for row in rows:
            reason = row.hidden_reason(min_n)
            if reason is not None:
                reasons.add(reason)
                items.append({"label": row.label, "hidden": True})  # no number of any kind reaches the page
                continue
            items.append({"label": row.label, "hidden": False,
                          "value": fmt.value_text(row.value.estimate, ind.unit, lang, with_unit=False),
                          "ci": fmt.ci_text(row.value, ind.unit, lang),
                          "n": fmt.integer(row.value.n, lang) if row.value.n is not None else fmt.DASH})
        title = fmt.breakdown_title(name, lang)
        breakdowns.append({"title": title, "rows": items})
    footnote = ""
    if reasons:
        footnote = tr("suppressed.footnote", lang, cell=tr("suppressed.cell", lang),
                      reasons="; ".join(fmt.suppression_reason(r, lang, min_n) for r in sorted(reasons)))
    facts = [fmt.unit_text(ind.unit, lang), fmt.source_text(ind.source, lang), tr(f"direction.{ind.direction.value}",
                                                                                   lang)]
    regions = len(ind.breakdowns.get("region", ()))
    return {
        "code": ind.code,
        "name": fmt.indicator_name(ind, lang),
        "unit": fmt.unit_text(ind.unit, lang),
        "facts": " · ".join(facts),
        "survey": ind.is_survey,
        "value": fmt.value_text(ind.national.estimate, ind.unit, lang, with_unit=False),
        "value_full": fmt.value_text(ind.national.estimate, ind.unit, lang),
        "value_label": tr("ind.value_year", lang, year=report.year),
        "ci": fmt.ci_text(ind.national, ind.unit, lang),
        "target": fmt.full_target_text(ind, lang),
        "target_label": tr("ind.target_year", lang, year=report.year),
        "status": ind.status.status,
        "status_label": fmt.status_label(ind.status.status, lang),
        "trajectory": fmt.trajectory_text(ind.status.trajectory, lang),
        "lines": lines,
        "trend_svg": _svg(lambda ax: trend_chart(ax, report, ind), (4.2, 3.0), (0.16, 0.25, 0.96, 0.97)),
        "region_svg": _svg(lambda ax: region_chart(ax, report, ind), (4.6, 1.5 + 0.22 * max(regions, 3)),
                           (0.42, 0.72 / (1.5 + 0.22 * max(regions, 3)) + 0.08, 0.97,
                            1 - 0.55 / (1.5 + 0.22 * max(regions, 3)))),
        "breakdowns": breakdowns,
        "footnote": footnote,
    }


def _svg(draw: Callable[[Any], None], size: tuple[float, float], box: tuple[float, float, float, float]) -> str:
    """One chart as an inline <svg> element (the XML prolog and DOCTYPE are dropped)."""
    figure = Figure(figsize=size)
    left, bottom, right, top = box
    ax = figure.add_axes((left, bottom, right - left, top - bottom))
    draw(ax)
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    return _SVG_START.sub("", buffer.getvalue(), count=1)
