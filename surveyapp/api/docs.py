"""The API's documentation page: the OpenAPI document shown by a copy of Swagger UI served from this site
(no CDN: the page works offline and the content security policy keeps scripts to this site)."""

from __future__ import annotations

from flask import render_template, url_for
from flask.typing import ResponseReturnValue

from surveyapp.api.routes import bp

VIEWER = "vendor/swagger-ui-5.35.0"


@bp.get("/docs")
def docs() -> ResponseReturnValue:
    """This document, readable in a browser (no sign-in needed).
    ---
    get:
      tags: [service]
      security: []
      responses:
        200:
          description: an HTML page
          content:
            text/html: {schema: {type: string}}
    """
    return render_template(
        "api/docs.html",
        script=url_for("static", filename=f"{VIEWER}/swagger-ui-bundle.js"),
        style=url_for("static", filename=f"{VIEWER}/swagger-ui.css"),
        document=url_for("api.openapi"),
    )
