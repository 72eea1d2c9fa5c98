"""A general choice_filter on the respondent's pages: narrowed by the server when it reads earlier pages, all
options (for the script to narrow) when it reads this page, and a choice not on offer refused on submit."""

from __future__ import annotations

import re
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from tests.surveyapp.questionnaire.choice_filter_fixture import filtered_tree
from tests.surveyapp.respond_helpers import come_back, page_url, post_page, publish_file, start


def _options(html: str, code: str) -> list[str]:
    return re.findall(rf'name="{code}" value="([^"]+)"', html)


def test_filters_on_the_respondent_path(app: Flask, client: FlaskClient, tmp_path: Path) -> None:
    path = filtered_tree(tmp_path, "filters", same_page=False)
    publish_file(app, path)
    first = start(client, "/q/filters/2025?lang=ru", lang="ru")
    moved = post_page(client, first, {"age": ["20"], "region": ["shymkent"], "shown": ["age region"]})
    assert moved.status_code == 302 and page_url(moved.location)[1] == "services"
    html = client.get(moved.location).get_data(as_text=True)
    # The filter reads `kind`, asked on this page: every option is drawn, the script narrows them.
    assert _options(html, "used") == ["police", "court", "ngo", "lawyer"]
    assert "choice_filter" in html  # in the page's data-logic
    # Without the script, a choice the filter rules out is refused, and what was ticked comes back.
    posted = post_page(client, moved.location, {"kind": ["state"], "used": ["court"], "shown": ["kind used"]})
    refused = come_back(client, posted)
    text = refused.get_data(as_text=True)
    assert 'class="error"' in text or "has-error" in text
    assert re.search(r'value="court" checked', text)
    moved = post_page(client, moved.location, {"kind": ["state"], "used": ["police"], "shown": ["kind used"]})
    assert moved.status_code == 302 and page_url(moved.location)[1] == "best_one", moved.location
    # `best` reads `used` from the page before: the server offers only what was used.
    html = client.get(moved.location).get_data(as_text=True)
    assert _options(html, "best") == ["police"]
