"""Forms of the reading pages; the rules are the services'."""

from __future__ import annotations

from django import forms

from learnweek.reading.models import Audience, ListKind

DateTimeInput = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class BookListForm(forms.Form):
    kind = forms.ChoiceField(label="类别", choices=ListKind.choices)
    title = forms.CharField(label="名称", max_length=200)
    year = forms.IntegerField(label="年度")
    publisher = forms.CharField(
        label="出版社", max_length=100, required=False, help_text="社长（总编）荐书必填"
    )
    recommender = forms.CharField(label="推荐人", max_length=100, required=False, help_text="如：社长 王某某")
    description = forms.CharField(label="说明", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    published = forms.BooleanField(label="在公众网站公开", required=False)


class EntryForm(forms.Form):
    isbn = forms.CharField(label="ISBN", max_length=20)
    title = forms.CharField(
        label="书名", max_length=200, required=False, help_text="图书库中没有这本书时填写"
    )
    author = forms.CharField(label="作者", max_length=200, required=False)
    publisher = forms.CharField(label="出版社", max_length=100, required=False)
    note = forms.CharField(label="推荐语或导读", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    audience = forms.ChoiceField(label="适读人群", choices=[("", "—"), *Audience.choices], required=False)
    topic = forms.CharField(label="主题", max_length=50, required=False)


class LectureForm(forms.Form):
    title = forms.CharField(label="题目", max_length=200)
    speaker = forms.CharField(label="主讲人", max_length=100)
    starts_at = forms.DateTimeField(label="开始时间", widget=DateTimeInput)
    ends_at = forms.DateTimeField(label="结束时间", widget=DateTimeInput, required=False)
    platform = forms.CharField(
        label="平台", max_length=100, help_text="如：国家智慧教育公共服务平台，或本省平台"
    )
    link = forms.CharField(label="观看链接", max_length=500)
    audiences = forms.MultipleChoiceField(
        label="适合人群", choices=Audience.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    topic = forms.CharField(label="主题", max_length=50, required=False)
    recording_url = forms.CharField(label="回放链接", max_length=500, required=False)
    description = forms.CharField(label="简介", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    published = forms.BooleanField(label="在公众网站公开", required=False)


class BookImportForm(forms.Form):
    file = forms.FileField(
        label="书目文件（xlsx 或 CSV）",
        help_text="列：ISBN、书名、作者、出版社、出版年、分类、适读人群、简介",
    )


class EssayCallForm(forms.Form):
    title = forms.CharField(label="征文名称", max_length=200)
    description = forms.CharField(label="征文要求", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    deadline = forms.DateField(label="截止日期", widget=forms.DateInput(attrs={"type": "date"}))
    max_chars = forms.IntegerField(label="正文最多字数", initial=3000)
    published = forms.BooleanField(label="在公众网站公开", required=False)


class SchemeForm(forms.Form):
    goal_badge = forms.BooleanField(label="年度目标徽章", required=False)
    streak_days = forms.IntegerField(
        label="连续阅读徽章天数", min_value=0, max_value=365, help_text="0 为不设此徽章"
    )
    list_badge = forms.BooleanField(label="读完书单徽章", required=False)
    family_badge = forms.BooleanField(label="亲子共读徽章", required=False)
    leaderboard = forms.BooleanField(label="向居民显示本省各区县阅读榜", required=False)
