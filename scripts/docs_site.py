"""MkDocs hooks of the partner docs site (mkdocs.yml ``hooks:``; ``make docs``): what is made at build time.

- ``problems.md``: every problem code, from the one declaration in code (``api.http.problems.PROBLEM_TYPES``),
  each with its status, when it happens, what to do and an example problem+json body;
- ``api-reference/``: the committed OpenAPI document (``openapi/v1.json``) rendered by Swagger UI, whose
  files come from the pinned ``flask-swagger-ui`` package the server's ``/v1/docs`` uses: the site works
  offline, nothing is fetched from a CDN;
- links that leave the docs for a repository file: to the site's copy where it has one (the spec, linked
  from the SDK READMEs), else the file's name stands, marked as in the repository (``deployment.md`` names
  ``docker-compose.yml``). A link to a file that exists nowhere stays, and fails the strict build.
"""

from __future__ import annotations

import json
import os
import posixpath
import re
from pathlib import Path
from typing import Any

import flask_swagger_ui
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from api.http.problems import PROBLEM_TYPES, problem_example

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "openapi" / "v1.json"
SWAGGER_UI_DIST = Path(flask_swagger_ui.__file__).parent / "dist"
REFERENCE = "api-reference"
# The example problems' ``type`` URIs name the issuer of the demo server (make run); yours names your server.
EXAMPLE_ISSUER = "https://api.telemedical.example"
# Repository files that the site carries a copy of, by their path in the repository -> in the site.
PUBLISHED = {"openapi/v1.json": f"{REFERENCE}/openapi.json"}
LINK = re.compile(r"\[(?P<text>[^\]]*)\]\((?P<target>[^)#\s]+)(?P<rest>[^)]*)\)")

# Swagger UI over the site's own copy of the spec. "Try it out" is off: a static site has no server to try;
# the server's own /v1/docs has it. No validator badge (it would call out to a public validator).
SWAGGER_PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Telemedical API v1 reference</title>
  <link rel="stylesheet" href="swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="swagger-ui-bundle.js"></script>
  <script>
    window.ui = SwaggerUIBundle({
      url: "openapi.json", dom_id: "#swagger-ui", validatorUrl: null, supportedSubmitMethods: [],
      deepLinking: true, defaultModelsExpandDepth: 0
    });
  </script>
</body>
</html>
"""


def problems_markdown() -> str:
    """The problem catalogue as one page: an index table, then a section per code."""
    lines = [
        "# Problems",
        "",
        "Every error of `/v1` is an `application/problem+json` document ([RFC "
        "9457](https://www.rfc-editor.org/rfc/rfc9457)) with a stable snake_case `code`; its `type` is "
        "the URL of the code's page on the server, `/problems/{code}` (`/problems` lists them all, as "
        "HTML or, asked for `application/json`, as JSON). Branch on `code`, never on `title` or "
        "`detail`: titles may name the resource and details are written for people. New codes may be "
        "added within v1. [HTTP conventions](conventions.md) explains `errors` (field errors, each with "
        "a JSON pointer) and `request_id`.",
        "",
        "This page is generated from the declaration the server renders its problems and pages from "
        "(`api/http/problems.py`).",
        "",
        "| code | status | title |",
        "|---|---|---|",
    ]
    for code, problem in sorted(PROBLEM_TYPES.items()):
        lines.append(f"| [`{code}`](#{code}) | {problem.status} | {problem.title} |")
    for code, problem in sorted(PROBLEM_TYPES.items()):
        example = json.dumps(problem_example(code, EXAMPLE_ISSUER), indent=2, ensure_ascii=False)
        lines += [
            "",
            f"## `{code}` {{#{code}}}",
            "",
            f"**{problem.status} {problem.title}.** {problem.doc}",
            "",
            f"**What to do:** {problem.advice}",
            "",
            "```json",
            example,
            "```",
        ]
    return "\n".join(lines) + "\n"


def on_files(files: Files, config: MkDocsConfig) -> Files:
    files.append(File.generated(config, "problems.md", content=problems_markdown()))
    files.append(File.generated(config, f"{REFERENCE}/index.html", content=SWAGGER_PAGE))
    files.append(File.generated(config, f"{REFERENCE}/openapi.json", abs_src_path=str(SPEC)))
    for asset in ("swagger-ui.css", "swagger-ui-bundle.js"):
        source = str(SWAGGER_UI_DIST / asset)
        files.append(File.generated(config, f"{REFERENCE}/{asset}", abs_src_path=source))
    return files


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, **_: Any) -> str:
    """A link that leaves the docs for a repository file goes to the site's copy, or names the file."""
    docs = Path(config.docs_dir)
    page_dir = posixpath.dirname(page.file.src_uri)

    def relink(match: re.Match[str]) -> str:
        target = match.group("target")
        if "://" in target or target.startswith(("/", "mailto:")):
            return match.group(0)
        in_repo = os.path.relpath(os.path.normpath(docs / page_dir / target), ROOT).replace(os.sep, "/")
        copy = PUBLISHED.get(in_repo)
        if copy is not None:
            return f"[{match.group('text')}]({posixpath.relpath(copy, page_dir or '.')}{match.group('rest')})"
        if not in_repo.startswith(("docs/", "../")) and (ROOT / in_repo).is_file():
            return f"{match.group('text')} (in the repository)"
        return match.group(0)

    return LINK.sub(relink, markdown)
