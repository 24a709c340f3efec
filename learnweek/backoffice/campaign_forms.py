from django import forms
from django.db.models import Q

from learnweek.campaigns.models import SUBMITTER_KINDS, RequirementKind
from learnweek.campaigns.services import CHANGEABLE_AFTER_HAND_IN, DEFAULT_LEAD_DAYS
from learnweek.core.chinese import chinese_month_day
from learnweek.orgs.models import InstitutionType, Unit, UnitKind
from learnweek.orgs.selectors import within


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None, format="%Y-%m-%d"):
        # A date input shows only ISO dates: the localised 2026/12/14 would leave it blank.
        super().__init__(attrs, format=format)


def _date(label: str) -> forms.DateField:
    return forms.DateField(label=label, required=False, widget=DateInput)


class CampaignForm(forms.Form):
    title = forms.CharField(label="标题", max_length=200)
    theme = forms.CharField(
        label="主题", max_length=200, required=False, help_text="派生的活动可留空，沿用上级主题。"
    )
    doc_number = forms.CharField(
        label="文号", max_length=64, required=False, help_text="如 吉教职成〔2021〕25号"
    )
    issued_on = _date("发文日期")
    reading_start = _date("全民阅读活动开始")
    reading_end = _date("全民阅读活动结束")
    week_start = _date("活动周开始")
    week_end = _date("活动周结束")
    week_note = forms.CharField(label="活动周时间说明", max_length=100, required=False)
    ceremony_host = forms.CharField(label="开幕式承办单位", max_length=200, required=False)
    ceremony_cohosts = forms.CharField(label="开幕式协办单位", max_length=200, required=False)
    ceremony_venue = forms.CharField(label="开幕式地点", max_length=200, required=False)
    ceremony_date = _date("开幕式日期")
    ceremony_note = forms.CharField(label="开幕式说明", max_length=200, required=False)
    ceremony_stream_url = forms.URLField(
        label="开幕式直播链接", max_length=500, required=False, assume_scheme="https"
    )
    display_start = _date("示范活动展示开始")
    display_end = _date("示范活动展示结束")
    summary = forms.CharField(label="活动内容", widget=forms.Textarea(attrs={"rows": 6}), required=False)


class CampaignCreateForm(CampaignForm):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)

    field_order = ["year"]


class RequirementForm(forms.Form):
    kind = forms.ChoiceField(
        label="类别",
        choices=[("", "（承接上级事项时随上级）")] + list(RequirementKind.choices),
        required=False,
        help_text="承接上级事项的，类别随上级，不能另选。",
    )
    title = forms.CharField(
        label="名称", max_length=200, required=False, help_text="承接上级事项时可留空，沿用上级名称。"
    )
    description = forms.CharField(label="要求", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    applies_to = forms.MultipleChoiceField(
        label="须报送的下级单位",
        choices=[(k.value, k.label) for k in UnitKind if k in SUBMITTER_KINDS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="选“机构”时，只有直属本单位的机构须报送；下级的机构由下级收集，或在下面点名、按类型选。",
    )
    addressed_units = forms.CharField(
        label="点名报送的单位",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="通知中点名的单位，每行一个单位代码或名称，如“220581 梅河口市”；须在本单位之下。",
    )
    institution_types = forms.MultipleChoiceField(
        label="须报送的机构类型",
        choices=InstitutionType.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="本单位之下这些类型的机构都须报送，如“各高等学校”选 普通高校。",
    )
    deadline = forms.DateField(label="截止日期", widget=DateInput)
    closed = forms.BooleanField(label="截止后不再接收", required=False)
    parent_requirement = forms.TypedChoiceField(
        label="承接的上级报送事项", required=False, coerce=int, empty_value=None
    )
    title_max_chars = forms.IntegerField(label="标题最多字数", required=False)
    body_min_chars = forms.IntegerField(label="正文最少字数", required=False)
    body_max_chars = forms.IntegerField(label="正文最多字数", required=False)
    photo_min = forms.IntegerField(label="照片最少张数", required=False)
    photo_max = forms.IntegerField(label="照片最多张数", required=False)
    photo_min_long_side = forms.IntegerField(label="照片长边最少像素", required=False)
    cases_required = forms.IntegerField(label="典型案例个数", required=False)
    quota_per_unit = forms.IntegerField(label="每单位限报数", required=False)
    quota_min = forms.IntegerField(label="每单位最少报数", required=False)
    asks_platform = forms.BooleanField(label="统计表须填活动周平台名称及网址", required=False)
    publish_winners = forms.BooleanField(label="评定结果在公众网站展示（推荐评选事项）", required=False)
    scoring_criteria = forms.CharField(
        label="评分项（推荐评选事项）",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="每行一项：名称 空格 满分，如“事迹典型 40”。留空则不评分。",
    )

    def __init__(self, *args, issuer, parent_requirements=(), handed_in=0, **kwargs):
        super().__init__(*args, **kwargs)
        self.issuer = issuer
        self.parent_requirements = {r.pk: r for r in parent_requirements}
        self.fields["parent_requirement"].choices = [("", "（无，本级新增）")] + [
            (r.pk, f"{r.campaign.issuing_unit.name}：{r.title}（截止 {chinese_month_day(r.deadline)}）")
            for r in parent_requirements
        ]
        # A requirement passed down takes its parent's kind: offer no other.
        chosen = self.parent_requirements.get(_int(self.initial.get("parent_requirement")))
        if chosen is not None:
            self.fields["kind"].choices = [(chosen.kind, chosen.get_kind_display())]
            self.fields["kind"].initial = chosen.kind
        if handed_in:
            # Units have handed in: only the deadline, closing and the rules may change.
            for name, field in self.fields.items():
                if name not in CHANGEABLE_AFTER_HAND_IN:
                    field.disabled = True

    def clean_parent_requirement(self):
        pk = self.cleaned_data.get("parent_requirement")
        return self.parent_requirements.get(pk) if pk else None

    def clean_addressed_units(self):
        """One unit a line, by code or by name (the first word of the line), below the issuer."""
        units, problems = [], []
        below = within(Unit.objects.all(), self.issuer).exclude(pk=self.issuer.pk)
        for number, line in enumerate(self.cleaned_data.get("addressed_units", "").splitlines(), start=1):
            words = line.split()
            if not words:
                continue
            token = words[0]
            found = list(below.filter(Q(code=token) | Q(name=token))[:2])
            if not found:
                problems.append(f"第{number}行“{token}”不是{self.issuer.name}之下的单位")
            elif len(found) > 1:
                problems.append(f"第{number}行“{token}”有同名单位，请填写单位代码")
            elif found[0] not in units:
                units.append(found[0])
        if problems:
            raise forms.ValidationError("；".join(problems) + "。")
        return units

    def clean(self):
        data = super().clean()
        parent = data.get("parent_requirement")
        kind = data.get("kind")
        if parent is not None:
            if kind and kind != parent.kind:
                self.add_error("kind", f"承接上级事项时类别随上级（{parent.get_kind_display()}），不能另选。")
            else:
                data["kind"] = parent.kind
        elif not kind and "kind" in self.fields:
            self.add_error("kind", "请选择类别。")
        return data


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def addressed_lines(units) -> str:
    """The named units as the form shows them: a line each, code then name."""
    return "\n".join(f"{u.code} {u.name}" for u in units)


class DeriveForm(forms.Form):
    """承接全部上级事项 and by how many days; a bare press derives with no requirements."""

    inherit_all = forms.BooleanField(label="承接全部上级事项", required=False, initial=True)
    lead_days = forms.IntegerField(
        label="比上级截止日期提前（天）",
        min_value=0,
        max_value=365,
        required=False,
        initial=DEFAULT_LEAD_DAYS,
        widget=forms.NumberInput(attrs={"style": "width:5rem"}),
        help_text="承接的事项截止日期 = 上级截止日期 − 天数（不早于本级发文日期）；派生后可逐项修改。",
    )

    def clean_lead_days(self):
        days = self.cleaned_data.get("lead_days")
        return DEFAULT_LEAD_DAYS if days is None else days

    def clean_scoring_criteria(self):
        criteria = []
        for number, line in enumerate(self.cleaned_data.get("scoring_criteria", "").splitlines(), start=1):
            if not line.strip():
                continue
            name, _, most = line.strip().rpartition(" ")
            if not name.strip() or not most.isdigit():
                raise forms.ValidationError(f"第{number}行应为“名称 满分”，如“事迹典型 40”。")
            criteria.append({"name": name.strip(), "max": int(most)})
        return criteria


class ContactForm(forms.Form):
    name = forms.CharField(label="联系人", max_length=50)
    office = forms.CharField(label="部门", max_length=100, required=False)
    phone = forms.CharField(label="电话", max_length=100, required=False)
    email = forms.EmailField(label="邮箱", required=False)


class SubmissionForm(forms.Form):
    title = forms.CharField(label="标题", max_length=200, required=False)
    body = forms.CharField(label="正文", widget=forms.Textarea(attrs={"rows": 12}), required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label="理由", widget=forms.Textarea(attrs={"rows": 3}), required=False)


class WeekForm(forms.Form):
    start = forms.DateField(label="开始日期", widget=DateInput)
    end = forms.DateField(label="结束日期", widget=DateInput)


class WeekArrangeForm(WeekForm):
    reason = forms.CharField(
        label="调整理由", required=False, max_length=500, help_text="与省里申请的日期不同时必填，省里会看到。"
    )
