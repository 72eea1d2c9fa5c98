"""The OpenAPI 3.1 document, built from the API's own routes: each view's docstring (after ``---``) gives its
operation, the marshmallow schemas in api/schemas.py its bodies, and the access decorator its roles and scope."""

from __future__ import annotations

import inspect
import re
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from apispec.yaml_utils import load_operations_from_docstring
from flask import Flask, current_app
from flask.typing import ResponseReturnValue
from marshmallow import Schema

from surveyapp.api import schemas
from surveyapp.api.routes import bp

RULE_ARGUMENT = re.compile(r"<(?:(?P<converter>\w+)(?:\([^)]*\))?:)?(?P<name>\w+)>")
CONVERTER_TYPES = {"int": "integer", "float": "number"}
PROBLEMS = {
    "BadRequest": "the request's parameters are not valid",
    "Unauthorized": "no token or session, or the token is unknown, revoked or expired",
    "Forbidden": "the account's role or the token's scope does not allow this",
    "NotFound": "no such resource, or none this caller may see",
    "Conflict": "the resource is not ready (a job still running, or failed)",
    "Gone": "the file was there and has been removed; ask for it again",
    "TooManyRequests": "over the rate limit; retry after Retry-After seconds",
}
_SPEC_KEY = "surveyapp.openapi"


def _path(rule: str) -> tuple[str, list[dict[str, Any]]]:
    parameters = [
        {
            "name": m["name"],
            "in": "path",
            "required": True,
            "schema": {"type": CONVERTER_TYPES.get(m["converter"] or "", "string")},
        }
        for m in RULE_ARGUMENT.finditer(rule)
    ]
    return RULE_ARGUMENT.sub(lambda m: "{" + m["name"] + "}", rule), parameters


def build_spec(app: Flask) -> dict[str, Any]:
    spec = APISpec(
        title="Survey and indicator monitoring API",
        version="1",
        openapi_version="3.1.0",
        plugins=[MarshmallowPlugin()],
        info={
            "description": (
                "Personal API tokens are made on the 'API tokens' page or with `flask users token create`. "
                "Errors are RFC 9457 problem details (application/problem+json) in the Accept-Language's language."
            )
        },
        security=[{"bearerToken": []}, {"sessionCookie": []}],
    )
    spec.components.security_scheme("bearerToken", {"type": "http", "scheme": "bearer"})
    spec.components.security_scheme(
        "sessionCookie",
        {"type": "apiKey", "in": "cookie", "name": app.config.get("SESSION_COOKIE_NAME", "session")},
    )
    for name, schema in inspect.getmembers(schemas, inspect.isclass):
        # A schema nested in one registered before it is in already, under the same name.
        own = issubclass(schema, Schema) and schema is not Schema and schema.__module__ == schemas.__name__
        if own and name not in spec.components.schemas:
            spec.components.schema(name, schema=schema)
    for name, description in PROBLEMS.items():
        spec.components.response(
            name, {"description": description, "content": {"application/problem+json": {"schema": "Problem"}}}
        )
    prefix = f"{bp.name}."
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.endpoint.startswith(prefix):
            continue
        view = app.view_functions[rule.endpoint]
        operations = load_operations_from_docstring(view.__doc__ or "")
        if not operations:
            continue
        summary = (view.__doc__ or "").split("---")[0].strip()
        roles = getattr(view, "api_roles", None)
        for method, operation in operations.items():
            operation.setdefault("summary", summary.splitlines()[0] if summary else rule.endpoint)
            operation.setdefault("description", summary)
            operation.setdefault("operationId", rule.endpoint.removeprefix(prefix))
            responses = operation.setdefault("responses", {})
            for code, response in list(responses.items()):
                if isinstance(response, dict) and "content" in response and "description" not in response:
                    response["description"] = "success" if str(code).startswith("2") else "error"
            responses.setdefault(429, {"$ref": "#/components/responses/TooManyRequests"})
            if roles is not None:
                operation["x-roles"] = roles
                operation["x-token-scope"] = getattr(view, "api_scope", "read")
                responses.setdefault(401, {"$ref": "#/components/responses/Unauthorized"})
                responses.setdefault(403, {"$ref": "#/components/responses/Forbidden"})
            operations[method] = operation
        path, parameters = _path(rule.rule)
        spec.path(path=path, operations=operations, parameters=parameters or None)
    return spec.to_dict()


@bp.get("/openapi.json")
def openapi() -> ResponseReturnValue:
    """This document (no sign-in needed).
    ---
    get:
      tags: [service]
      security: []
      responses:
        200:
          description: the OpenAPI 3.1 document
          content:
            application/json: {schema: {type: object}}
    """
    document = current_app.extensions.get(_SPEC_KEY)
    if document is None:
        document = current_app.extensions[_SPEC_KEY] = build_spec(current_app)
    return document
