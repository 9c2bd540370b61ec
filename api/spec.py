"""The OpenAPI document as committed at openapi/v1.json (stable key order, trailing newline)."""

from __future__ import annotations

import json

from flask import Flask


def render_spec(app: Flask) -> str:
    api = app.extensions["flask-smorest"]["apis"][""]["ext_obj"]
    return json.dumps(api.document(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
