"""Forms of the nomination pages, built from the kind's field table (nominations.kinds). They
only shape the input; every rule is checked by the services."""

from __future__ import annotations

from typing import Any

from django import forms

from learnweek.campaigns.models import Requirement
from learnweek.nominations.kinds import deeds_limit, spec_for
from learnweek.nominations.models import Gender

LONG_TEXT = {"deeds": 8, "story": 8, "resources": 4}


class NominationForm(forms.Form):
    def __init__(self, *args, requirement: Requirement, **kwargs):
        super().__init__(*args, **kwargs)
        spec = spec_for(requirement)
        for field in spec.fields:
            common: dict[str, Any] = {"label": field.label, "required": False, "help_text": field.hint}
            if field.name == "birth_date":
                self.fields[field.name] = forms.DateField(
                    widget=forms.DateInput(attrs={"type": "date"}), **common
                )
            elif field.name == "gender":
                self.fields[field.name] = forms.ChoiceField(choices=[("", "—"), *Gender.choices], **common)
            elif field.name in LONG_TEXT:
                attrs: dict[str, int | str] = {"rows": LONG_TEXT[field.name]}
                if field.name == "deeds":
                    # The live counter (static/js/char-counter.js) counts as the server does.
                    attrs["data-count-limit"] = str(deeds_limit(requirement))
                self.fields[field.name] = forms.CharField(widget=forms.Textarea(attrs=attrs), **common)
            else:
                self.fields[field.name] = forms.CharField(**common)
            if field.required:
                self.fields[field.name].label_suffix = " *"


class OpinionForm(forms.Form):
    opinion = forms.CharField(
        label="单位意见",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="留空则为“同意推荐”。",
    )


class PhotoForm(forms.Form):
    photo = forms.FileField(label="照片（JPEG 或 PNG）")
    caption = forms.CharField(
        label="照片说明", max_length=100, help_text="体现活动场景或内容，导出时作为文件名。"
    )


class ScanForm(forms.Form):
    scan = forms.FileField(label="盖章扫描件（PDF）")


class SheetForm(forms.Form):
    contact_name = forms.CharField(label="填表联系人", required=False, max_length=50)
    contact_phone = forms.CharField(label="联系电话", required=False, max_length=50)
    scan = forms.FileField(label="汇总表盖章扫描件（PDF）", required=False)
