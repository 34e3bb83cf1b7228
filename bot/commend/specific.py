"""Whether praise says something specific (SMART's Expected Standards, level 6 iv:
"the demotivation of poorly evidenced praise ... praise is earned and accurate"). Pure.

Praise that is very short, or only generic thanks ("Thanks so much for all your hard
work!"), gets a gentle prompt in the form to say what the person did and what
difference it made; the author may send it as it is.
"""

from __future__ import annotations

import re

MIN_WORDS = 6
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")
GENERIC = frozenset(
    [
        "a",
        "again",
        "all",
        "always",
        "amazing",
        "an",
        "and",
        "appreciate",
        "appreciated",
        "are",
        "as",
        "at",
        "awesome",
        "being",
        "brilliant",
        "cheers",
        "day",
        "done",
        "everything",
        "fab",
        "fantastic",
        "for",
        "good",
        "great",
        "hard",
        "help",
        "helping",
        "is",
        "it",
        "job",
        "just",
        "kind",
        "kindness",
        "legend",
        "lot",
        "lots",
        "lovely",
        "many",
        "me",
        "much",
        "my",
        "nice",
        "of",
        "our",
        "really",
        "so",
        "star",
        "super",
        "superb",
        "superstar",
        "support",
        "supportive",
        "ta",
        "thank",
        "thanks",
        "thankyou",
        "that",
        "the",
        "this",
        "to",
        "today",
        "too",
        "tremendous",
        "us",
        "very",
        "week",
        "well",
        "were",
        "what",
        "wonderful",
        "work",
        "working",
        "you",
        "you're",
        "your",
        "yours",
    ]
)


def says_something_specific(message: str) -> bool:
    """At least MIN_WORDS words, and at least one that is not generic thanks."""
    words = _WORD.findall(message.lower())
    return len(words) >= MIN_WORDS and any(word not in GENERIC for word in words)
