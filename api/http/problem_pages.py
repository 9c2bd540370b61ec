"""The problem catalogue on the web: ``/problems`` lists every code, ``/problems/{code}`` (each problem's
``type`` URI) explains one: its status, when it happens, what to do and an example body. HTML for a person,
JSON for a program that asks for ``application/json``. Both from ``api.http.problems.PROBLEM_TYPES``."""

from __future__ import annotations

import json as jsonlib
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, render_template, request
from markupsafe import Markup, escape

from api.config import get_settings
from api.http.problems import PROBLEM_TYPES, ProblemType, problem_example

bp = Blueprint("problems", __name__, template_folder="../templates")


def _wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["text/html", "application/json"], default="text/html")
    return best == "application/json"


def _finish(response: Response) -> Response:
    """Public documentation: cacheable for an hour; no script, no framing."""
    response.headers["Cache-Control"] = "public, max-age=3600"
    response.headers["Vary"] = "Accept"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


def _summary(code: str, problem: ProblemType, issuer: str) -> dict[str, Any]:
    return {
        "code": code,
        "status": problem.status,
        "title": problem.title,
        "description": problem.doc,
        "href": f"{issuer}/problems/{code}",
    }


def inline_code(text: str) -> Markup:
    """The description's `code spans` as <code> elements, everything else escaped."""
    shown = Markup()
    for index, part in enumerate(text.split("`")):
        shown += Markup("<code>{}</code>").format(part) if index % 2 else escape(part)
    return shown


@bp.get("/problems")
def problem_index() -> Response:
    issuer = get_settings().issuer
    listed = [_summary(code, problem, issuer) for code, problem in sorted(PROBLEM_TYPES.items())]
    if _wants_json():
        return _finish(jsonify({"data": listed}))
    html = render_template("problems.html", problems=listed, inline_code=inline_code)
    return _finish(current_app.response_class(html, mimetype="text/html"))


@bp.get("/problems/<code>")
def problem_page(code: str) -> Response:
    problem = PROBLEM_TYPES.get(code)
    if problem is None:
        if _wants_json():
            response = jsonify({"code": code, "detail": f"No problem type '{code}' is documented."})
            response.status_code = 404
            return _finish(response)
        html = render_template(
            "message.html",
            heading="Unknown problem type",
            message=f"No problem type '{code}' is documented.",
            error=True,
        )
        return _finish(current_app.response_class(html, status=404, mimetype="text/html"))
    issuer = get_settings().issuer
    example = problem_example(code, issuer)
    if _wants_json():
        return _finish(
            jsonify({**_summary(code, problem, issuer), "what_to_do": problem.advice, "example": example})
        )
    html = render_template(
        "problem.html",
        code=code,
        problem=problem,
        description=inline_code(problem.doc),
        advice=inline_code(problem.advice),
        example=jsonlib.dumps(example, indent=2, ensure_ascii=False),
    )
    return _finish(current_app.response_class(html, mimetype="text/html"))
