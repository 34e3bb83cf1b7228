"""The Staff Appraisal Report as HTML (a Jinja2 template, autoescaped) and as a PDF
(WeasyPrint: A4, printable). Rendering only: what the report holds is bot.report."""

from __future__ import annotations

from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from messages.render import long_date, number, signed


@cache
def html_environment() -> Environment:
    env = Environment(
        loader=PackageLoader("messages", "templates"),
        undefined=StrictUndefined,
        autoescape=select_autoescape(enabled_extensions=("html", "html.j2"), default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["long_date"] = long_date
    env.filters["number"] = number
    env.filters["signed"] = signed
    return env


def report_html(**context: Any) -> str:
    return html_environment().get_template("report.html.j2").render(**context)


def report_pdf(**context: Any) -> bytes:
    """The report as a PDF. WeasyPrint is imported here: it loads Pango, which only
    the report needs."""
    from weasyprint import HTML

    pdf: bytes = HTML(string=report_html(**context)).write_pdf()
    return pdf
