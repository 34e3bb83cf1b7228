"""The code stays in rooms a reader can hold in their head (issue #10): no module over 400 lines,
no function in handlers/ over 40 lines."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "handlers", "storage", "messages")
MIGRATIONS = ROOT / "storage" / "migrations" / "versions"  # written once, never reshaped
MODULE_LINES = 400
LISTENER_LINES = 40


def _modules() -> list[Path]:
    return sorted(
        path
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if MIGRATIONS not in path.parents
    )


def _name(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def test_every_package_has_modules():
    found = {_name(path).split("/")[0] for path in _modules()}
    assert found == set(PACKAGES)


def test_no_module_is_over_400_lines():
    too_long = {
        _name(path): lines
        for path in _modules()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MODULE_LINES
    }
    assert too_long == {}


def test_no_function_in_handlers_is_over_40_lines():
    too_long = {}
    for path in _modules():
        if not _name(path).startswith("handlers/"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                assert node.end_lineno is not None
                first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
                lines = node.end_lineno - first + 1
                if lines > LISTENER_LINES:
                    too_long[f"{_name(path)}:{node.lineno} {node.name}"] = lines
    assert too_long == {}


# Design notes and the trusts' source files live outside this repository: code, its
# templates and frameworks name the trusts' documents by title instead (issue #16).
OUTSIDE = re.compile(
    r"PRODUCT(?:\.md| §)|ARCHITECTURE\.md|STYLE\.md|SLACK\.md|\.\./shared|seed 00\d"
)


def test_nothing_points_at_documents_outside_the_repository():
    files = [
        path
        for package in PACKAGES
        for path in (ROOT / package).rglob("*")
        if path.suffix in {".py", ".j2", ".yml", ".yaml", ".js", ".html", ".css"}
    ]
    files += [ROOT / "README.md", *(ROOT / "docs").glob("*.md"), *(ROOT / "deploy").iterdir()]
    found = [
        f"{_name(path)}:{number}"
        for path in files
        if path.is_file()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if OUTSIDE.search(line)
    ]
    assert found == []
