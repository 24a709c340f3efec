"""The form of a material, shaped by its requirement: counters for the title and text limits,
the details its kind carries, and publicity items one per line. The rules are the services'."""

from __future__ import annotations

from django import forms

from learnweek.campaigns.models import Requirement
from learnweek.materials.rules import DETAILS, PUBLICITY_TYPES, body_label, lists_items

ITEM_FIELDS = ("type", "title", "url", "date", "medium")


class MaterialForm(forms.Form):
    title = forms.CharField(label="标题", max_length=200, required=False)
    body = forms.CharField(label="正文", widget=forms.Textarea(attrs={"rows": 14}), required=False)

    def __init__(self, *args, requirement: Requirement, **kwargs):
        super().__init__(*args, **kwargs)
        self.requirement = requirement
        if requirement.title_max_chars:
            self.fields["title"].widget.attrs["data-count-limit"] = str(requirement.title_max_chars)
            self.fields["title"].help_text = f"不超过 {requirement.title_max_chars} 字"
        body = self.fields["body"].widget.attrs
        if requirement.body_max_chars:
            body["data-count-limit"] = str(requirement.body_max_chars)
        if requirement.body_min_chars:
            body["data-count-min"] = str(requirement.body_min_chars)
        self.fields["body"].label = body_label(requirement)
        for detail in DETAILS.get(requirement.kind, ()):
            self.fields[detail.name] = forms.CharField(label=detail.label, required=False, max_length=200)
        if lists_items(requirement):
            self.fields["items"] = forms.CharField(
                label="宣传材料",
                required=False,
                widget=forms.Textarea(attrs={"rows": 6}),
                help_text="每行一条：类型（链接、视频或文章）| 标题 | 网址 | 日期（年-月-日）| 媒体",
            )

    def clean_items(self):
        items = []
        for number, line in enumerate(self.cleaned_data.get("items", "").splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")]
            if parts[0] not in PUBLICITY_TYPES:
                raise forms.ValidationError(f"第{number}行的类型应为链接、视频或文章，用“|”分隔各项。")
            items.append(dict(zip(ITEM_FIELDS, parts + [""] * (len(ITEM_FIELDS) - len(parts)), strict=False)))
        return items

    def values(self) -> dict:
        data = self.cleaned_data
        details = {d.name: data.get(d.name, "") for d in DETAILS.get(self.requirement.kind, ())}
        if "items" in self.fields:
            details["items"] = data.get("items") or []
        return {"title": data["title"], "body": data["body"], "details": details}

    @staticmethod
    def initial_for(submission) -> dict:
        if submission is None:
            return {}
        details = submission.details or {}
        initial = {"title": submission.title, "body": submission.body} | {
            k: v for k, v in details.items() if k != "items"
        }
        if details.get("items"):
            initial["items"] = "\n".join(
                " | ".join(item.get(k, "") for k in ITEM_FIELDS) for item in details["items"]
            )
        return initial


class PhotoForm(forms.Form):
    photo = forms.FileField(label="照片（JPEG 或 PNG）")
    caption = forms.CharField(
        label="照片说明", max_length=100, help_text="体现活动场景或内容，导出时作为文件名。"
    )


class CaseForm(forms.Form):
    title = forms.CharField(label="案例标题", max_length=100)
    body = forms.CharField(label="案例内容", widget=forms.Textarea(attrs={"rows": 6}))


class DocumentForm(forms.Form):
    document = forms.FileField(label="文档（Word .docx 或 PDF）")
