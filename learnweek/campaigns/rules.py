"""The rules of a requirement, checked wherever its kind of material is entered."""

from __future__ import annotations

from learnweek.campaigns.models import Requirement


def count_chars(text: str) -> int:
    """Characters as people count them: every character, after the spaces around the text."""
    return len(text.strip())


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
