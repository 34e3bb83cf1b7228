"""The demo's sample trust as bot/demo/sample_trust.yml writes it down: two schools, thirty
people, the workspace's channels, and the words and STAR projects its history is drawn
from (bot.demo.trust). The file is read when the sample is first asked for."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from storage.models import LeaderScope, Role

DATA = "sample_trust.yml"


@dataclass(frozen=True)
class Person:
    key: str  # first name, lower case: unique in the trust, and the person's Slack handle
    name: str
    school: str
    role: Role
    grade: str
    appraiser: str | None  # key
    leader: LeaderScope | None
    job: str  # what the person does, as their Slack profile's title says
    email: str

    @property
    def slack_user_id(self) -> str:
        return "U" + self.key.upper()

    @property
    def first_name(self) -> str:
        return self.name.split(" ")[0]


@dataclass(frozen=True)
class Channel:
    id: str
    name: str
    members: tuple[str, ...] | None  # people's keys; None: everyone
    school: str | None = None  # the school whose staff it is for


@dataclass(frozen=True)
class Project:
    owner: str  # key
    title: str
    question: str
    kpi: str
    unit: str
    higher_is_better: bool
    method: str
    stage: int
    measures: tuple[float, ...]  # a baseline, then interim measurements
    beneficiaries: str


@dataclass(frozen=True)
class SampleTrust:
    schools: tuple[str, ...]
    people: tuple[Person, ...]
    channels: tuple[Channel, ...]
    praise: tuple[str, ...]
    strengths: tuple[str, ...]
    development: tuple[str, ...]
    next_steps: tuple[str, ...]
    meetings: tuple[str, ...]
    duties: tuple[str, ...]
    star_note: str
    projects: tuple[Project, ...]

    def person(self, key: str) -> Person:
        return next(p for p in self.people if p.key == key)

    def staff_channel(self, school: str) -> str:
        return next(c.id for c in self.channels if c.school == school)


@cache
def sample() -> SampleTrust:
    text = (resources.files("bot.demo") / DATA).read_text(encoding="utf-8")
    return _parse(yaml.safe_load(text))


def _parse(data: dict[str, Any]) -> SampleTrust:
    schools = {key: (str(s["name"]), str(s["domain"])) for key, s in data["schools"].items()}
    people = tuple(_person(p, *schools[p["school"]]) for p in data["people"])
    channels = []
    for channel in data["channels"]:
        school = schools[channel["school"]][0] if "school" in channel else None
        members = channel.get("members")
        if school is not None:
            members = [p.key for p in people if p.school == school]
        channels.append(
            Channel(
                id=str(channel["id"]),
                name=str(channel["name"]),
                members=None if members is None else tuple(str(m) for m in members),
                school=school,
            )
        )
    return SampleTrust(
        schools=tuple(name for name, _domain in schools.values()),
        people=people,
        channels=tuple(channels),
        projects=tuple(_project(p) for p in data["projects"]),
        star_note=str(data["star_note"]),
        **{
            words: tuple(str(w) for w in data[words])
            for words in ("praise", "strengths", "development", "next_steps", "meetings", "duties")
        },
    )


def _person(entry: dict[str, Any], school: str, domain: str) -> Person:
    name = str(entry["name"])
    return Person(
        key=name.split(" ")[0].lower(),
        name=name,
        school=school,
        role=Role(entry["role"]),
        grade=str(entry["grade"]),
        appraiser=entry.get("appraiser"),
        leader=LeaderScope(entry["leader"]) if entry.get("leader") else None,
        job=str(entry["job"]),
        email=f"{name.lower().replace(' ', '.')}@{domain}",
    )


def _project(entry: dict[str, Any]) -> Project:
    return Project(
        owner=str(entry["owner"]),
        title=str(entry["title"]),
        question=str(entry["question"]),
        kpi=str(entry["kpi"]),
        unit=str(entry["unit"]),
        higher_is_better=bool(entry["higher_is_better"]),
        method=str(entry["method"]),
        stage=int(entry["stage"]),
        measures=tuple(float(m) for m in entry["measures"]),
        beneficiaries=str(entry["beneficiaries"]),
    )
