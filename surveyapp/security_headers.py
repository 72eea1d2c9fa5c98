"""Response headers that tell browsers what this site allows: no framing, no foreign scripts, no sniffing.

No template carries an inline script or event handler (the respondent's script is a static file), so the
policy allows scripts from this site only. Styles may be inline: the dashboard's charts are matplotlib SVG
embedded in the page, which styles itself with ``style`` elements and attributes.
"""

from __future__ import annotations

from flask import Flask, Response
from werkzeug.middleware.proxy_fix import ProxyFix

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",  # staff pages (the publish button above all) must never sit in a frame
    ]
)


def headers(hsts_seconds: int) -> dict[str, str]:
    result = {
        "Content-Security-Policy": CONTENT_SECURITY_POLICY,
        "X-Frame-Options": "DENY",  # for browsers that predate frame-ancestors
        "X-Content-Type-Options": "nosniff",
        # Respondents' addresses carry their private link token: it must never travel to another site. Within
        # the site the referrer stays: over HTTPS the CSRF check requires a same-origin Referer on every POST.
        "Referrer-Policy": "same-origin",
        "Cross-Origin-Opener-Policy": "same-origin",
    }
    if hsts_seconds > 0:
        # Only when TLS is in front of every request: a browser that saw it refuses plain HTTP for that long.
        result["Strict-Transport-Security"] = f"max-age={hsts_seconds}; includeSubDomains"
    return result


def init_app(app: Flask) -> None:
    added = headers(int(app.config["HSTS_SECONDS"]))

    @app.after_request
    def add_security_headers(response: Response) -> Response:
        for name, value in added.items():
            response.headers.setdefault(name, value)
        return response

    proxies = int(app.config["TRUSTED_PROXIES"])
    if proxies > 0:
        # Behind that many reverse proxies, the client's address, scheme and host come from their X-Forwarded-*
        # headers (secure cookies and external URLs need the scheme); without one, those headers are ignored.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies
        )
