"""The rules of a requirement, checked wherever its kind of material is entered."""

from __future__ import annotations

import regex

from learnweek.campaigns.kinds import kind_of
from learnweek.campaigns.models import Requirement, Submission

_GRAPHEME = regex.compile(r"\X")


def count_chars(text: str) -> int:
    """Characters as people count them (the 字数 of a 500-character limit): every character a
    reader sees counts once, a Chinese character, a letter, a digit or a mark of punctuation;
    spaces and line breaks do not count; an accented letter or an emoji made of several code
    points counts once (grapheme clusters, as the form's live counter counts with
    ``Intl.Segmenter``)."""
    return sum(1 for cluster in _GRAPHEME.findall(text) if not cluster.isspace())


def text_problems(requirement: Requirement, *, title: str, body: str) -> list[str]:
    problems = []
    title_len, body_len = count_chars(title), count_chars(body)
    if requirement.title_max_chars is not None and title_len > requirement.title_max_chars:
        problems.append(f"标题不能超过 {requirement.title_max_chars} 字（现有 {title_len} 字）")
    if requirement.body_min_chars is not None and body_len < requirement.body_min_chars:
        problems.append(f"正文不少于 {requirement.body_min_chars} 字（现有 {body_len} 字）")
    if requirement.body_max_chars is not None and body_len > requirement.body_max_chars:
        problems.append(f"正文不超过 {requirement.body_max_chars} 字（现有 {body_len} 字）")
    return problems


def submission_problems(submission: Submission) -> list[str]:
    """Everything that keeps ``submission`` from being handed in under its requirement's rules:
    its kind's own check where it registered one (campaigns.kinds), else the text rules."""
    requirement = submission.requirement
    check = kind_of(requirement).submit_check
    if check is not None:
        return check(requirement, submission)
    return text_problems(requirement, title=submission.title, body=submission.body)
