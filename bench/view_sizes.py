"""How close the largest ladder and feedback views come to Slack's limits, for each
built-in framework: bytes of the view (limit 250 KB), blocks (100 a view, 50 a message),
the longest section text (3,000) and private_metadata (3,000).

Method: render each view at its largest: a ladder level form with seven levels already
answered and a previous sheet of eight carried (the longest metadata), every level's form;
the finish form with every statement a blank; the saved sheet's DM with the longest
level's fifteen blanks as next points and every checkpoint filled; the feedback form's
last step with the four standards of each set that say the most.

    .venv/bin/python bench/view_sizes.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.core.framework import Framework, load_framework
from bot.feedback.form import standard_groups
from bot.ladder.grid import Grid, GridRow, beyond_the_sheet, statements
from bot.ladder.rules import Sheet
from messages import render


def measure(view: dict[str, Any]) -> tuple[int, int, int, int]:
    sections = [
        len(b["text"]["text"])
        for b in view.get("blocks", [])
        if b["type"] == "section" and "text" in b
    ]
    return (
        len(json.dumps(view).encode()),
        len(view.get("blocks", [])),
        max(sections, default=0),
        len(view.get("private_metadata", "")),
    )


def ladder_views(framework: Framework) -> dict[str, tuple[int, int, int, int]]:
    counts = [len(level.statements) for level in framework.sheet]
    names = {level.level: level.name for level in framework.ladder}
    metadata = json.dumps(
        {
            "cp": "sep",
            "year": "2026-27",
            "answers": ["1" * n for n in counts[:7]],
            "higher": True,
            "prev": ["1" * n for n in counts],
        }
    )
    level_forms = [
        measure(
            render(
                "ladder_level_modal",
                metadata=metadata,
                level=level,
                last_level=8,
                offer_higher=level.level == 5,
                previous=[True] * len(level.statements),
                checkpoint="September",
                year="2026-27",
            )
        )
        for level in framework.sheet
    ]
    blanks = Sheet.of([[False] * n for n in counts], counts)
    finish = render(
        "ladder_finish_modal",
        metadata=metadata,
        preview=_preview(framework, blanks),
        colours=blanks.colours(),
        ask_target=True,
        level_names=names,
        beyond=beyond_the_sheet(framework),
    )
    longest = max(framework.sheet, key=lambda level: sum(map(len, level.statements)))
    checkpoints = [(c.key, c.heading, c.name) for c in framework.checkpoints]
    grid = Grid(
        person="<@U0123456789>",
        year="2026-27",
        checkpoints=checkpoints,
        rows=[
            GridRow(
                level.level,
                level.name,
                level.title,
                {key: blanks.colours()[level.level - 1] for key, _, _ in checkpoints},
            )
            for level in framework.sheet
        ],
        reached={key: 0 for key, _, _ in checkpoints},
        target=3,
        expected=8,
        band="red",
        latest="July",
        next_points=statements(
            framework, [p for p in blanks.development_points if p.level == longest.level]
        ),
        other_points=60,
        beyond=beyond_the_sheet(framework),
    )
    saved = render("ladder_saved", grid=grid, checkpoint="July", reached=0, level_names=names)
    return {
        "ladder level form (largest)": max(level_forms),
        "ladder finish form": measure(finish),
        "ladder sheet DM": measure(saved),
    }


def _preview(framework: Framework, sheet: Sheet) -> Any:
    from bot.ladder.sheets import preview

    class Person:
        grade = "Head"

    return preview(framework=framework, person=Person(), sheet=sheet)  # type: ignore[arg-type]


def feedback_views(framework: Framework) -> dict[str, tuple[int, int, int, int]]:
    subject = {"name": "N" * 200, "context": "other", "detail": "d" * 200, "observed_on": None}
    sizes = {}
    for key, standard_set in framework.standard_sets.items():
        chosen = sorted(
            standard_set.standards,
            key=lambda s: len(s.outstanding + s.below + "".join(s.guidance)),
        )[-4:]
        subject["observed_on"] = __import__("datetime").date(2026, 11, 23)
        sizes[f"feedback step 3, {key}"] = measure(
            render(
                "feedback_write_modal",
                metadata="{}",
                subject=subject,
                standards=chosen,
                standard_set=standard_set,
                ratings=framework.ratings,
                rating_scale=framework.rating_scale,
                max_text=3000,
            )
        )
        sizes[f"feedback step 2, {key}"] = measure(
            render(
                "feedback_standards_modal",
                metadata="{}",
                subject=subject,
                standard_set=standard_set,
                max_standards=4,
                groups=standard_groups(standard_set),
            )
        )
    return sizes


def main() -> None:
    print("| framework | view | bytes | blocks | longest section | private_metadata |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name in ("smart", "share"):
        framework = load_framework(name)
        views = {
            **(ladder_views(framework) if framework.has_ladder else {}),
            **feedback_views(framework),
        }
        for view, (size, blocks, section, metadata) in views.items():
            print(f"| {name} | {view} | {size:,} | {blocks} | {section:,} | {metadata:,} |")


if __name__ == "__main__":
    main()
