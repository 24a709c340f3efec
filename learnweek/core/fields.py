"""Text fields that store only text fit for every document: the one place text is cleaned as it
comes in, whatever door it came through (a page, the API, an import, the command line).

``LineField`` is a ``CharField`` whose value is one line; ``TextBlockField`` a ``TextField`` of
running text (``core.text``). They are Django's own fields in the migrations, since the column
does not change."""

from __future__ import annotations

from typing import Any

from django.db import models

from learnweek.core.text import clean_line, clean_text


class LineField(models.CharField):
    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        return clean_line(value) if isinstance(value, str) else value

    def deconstruct(self) -> Any:
        name, _, args, kwargs = super().deconstruct()
        return name, "django.db.models.CharField", args, kwargs


class TextBlockField(models.TextField):
    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        return clean_text(value) if isinstance(value, str) else value

    def deconstruct(self) -> Any:
        name, _, args, kwargs = super().deconstruct()
        return name, "django.db.models.TextField", args, kwargs
