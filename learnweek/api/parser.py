"""The API's request parser: JSON bodies and query strings as django-ninja reads them, refusing
NUL characters (422) the way Django's form fields do — PostgreSQL text cannot hold them, and a
lookup with one would fail inside the database instead of answering."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from ninja.errors import ValidationError
from ninja.parser import Parser

NUL = "\x00"


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def _refuse(where: str) -> ValidationError:
    return ValidationError([{"loc": [where], "msg": "不能含有空字符（NUL）。", "type": "value_error"}])


class StrictParser(Parser):
    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data = super().parse_body(request)
        if _has_nul(data):
            raise _refuse("body")
        return data

    def parse_querydict(
        self, data: MultiValueDict, list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        parsed = super().parse_querydict(data, list_fields, request)
        if _has_nul(parsed):
            raise _refuse("query")
        return parsed
