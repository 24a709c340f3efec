from django import forms

from learnweek.activities.demo_table import CONTACT_NAME_MAX, CONTACT_PHONE_MAX
from learnweek.activities.models import Audience, Category, LinkAccess, Mode
from learnweek.activities.selectors import STATES


class DateTimeInput(forms.DateTimeInput):
    """A date-and-time box: it reads and shows only "2023-10-20T09:00", and stays empty for the
    form's default "2023-10-20 09:00:00"."""

    input_type = "datetime-local"

    def __init__(self, attrs=None, format="%Y-%m-%dT%H:%M"):
        super().__init__(attrs, format)


class ActivityForm(forms.Form):
    campaign = forms.ChoiceField(label="年度活动")
    organiser_code = forms.CharField(
        label="主办单位代码", required=False, help_text="留空为本单位；可填下级机构或区划的代码。"
    )
    name = forms.CharField(label="活动名称", max_length=200)
    category = forms.ChoiceField(label="活动类别", choices=Category.choices)
    forms_ = forms.CharField(
        label="活动形式", max_length=200, required=False, help_text="如 读书节、读书沙龙、公开课"
    )
    co_organisers = forms.CharField(label="协办单位", max_length=300, required=False)
    is_week = forms.BooleanField(label="活动周活动", required=False)
    is_demonstration = forms.BooleanField(label="示范活动", required=False)
    start = forms.DateTimeField(label="开始时间", widget=DateTimeInput)
    end = forms.DateTimeField(label="结束时间", widget=DateTimeInput)
    mode = forms.ChoiceField(label="活动方式", choices=Mode.choices)
    address = forms.CharField(label="活动地点", max_length=300, required=False)
    online_link = forms.URLField(
        label="线上链接",
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text="会议或直播的网址（http/https）。留空时，公众页面显示“链接将于活动前通知”。",
    )
    online_link_access = forms.ChoiceField(
        label="线上链接向谁显示",
        choices=LinkAccess.choices,
        initial=LinkAccess.EVERYONE,
        required=False,
        widget=forms.RadioSelect,
        help_text="选“仅已报名”时，链接只在获得名额的报名者的活动页和“我的报名”中显示，不进入公开接口和日历订阅。",
    )
    audiences = forms.MultipleChoiceField(
        label="面向人群", choices=Audience.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    headcount = forms.IntegerField(label="人数", min_value=0, required=False)
    capacity = forms.IntegerField(label="名额", min_value=0, required=False)
    registration_phone = forms.CharField(label="报名电话", max_length=40, required=False)
    content = forms.CharField(label="活动内容", widget=forms.Textarea(attrs={"rows": 5}), required=False)
    person_times = forms.IntegerField(label="参加人次（活动结束后填写）", min_value=0, required=False)
    is_internal = forms.BooleanField(label="内部活动（不在公众网站显示）", required=False)

    def __init__(self, *args, campaigns=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].choices = [(c.slug, f"{c.year} {c.title}") for c in campaigns]

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        data["forms"] = data.pop("forms_")
        data["online_link_access"] = data.get("online_link_access") or LinkAccess.EVERYONE
        data.pop("campaign"), data.pop("organiser_code")
        return data


class ActivityFilterForm(forms.Form):
    campaign = forms.ChoiceField(label="年度活动", required=False)
    under = forms.CharField(label="单位代码", required=False)
    category = forms.ChoiceField(label="类别", choices=[("", "全部")] + Category.choices, required=False)
    audience = forms.ChoiceField(label="人群", choices=[("", "全部")] + Audience.choices, required=False)
    date_from = forms.DateField(label="从", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="到", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    week = forms.ChoiceField(label="活动周", choices=[("", "全部"), ("1", "是"), ("0", "否")], required=False)
    state = forms.ChoiceField(label="状态", choices=[("", "全部")] + list(STATES.items()), required=False)
    q = forms.CharField(label="名称", required=False)

    def __init__(self, *args, campaigns=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].choices = [("", "全部")] + [
            (c.slug, f"{c.year} {c.title}") for c in campaigns
        ]


class ActivityImportForm(forms.Form):
    campaign = forms.ChoiceField(label="年度活动")
    file = forms.FileField(label="附表1 xlsx 文件")
    demonstration = forms.BooleanField(
        label="均为示范活动",
        required=False,
        initial=True,
        help_text="附表1 是示范活动汇总表，默认勾选；导入前可在预览中逐行修改。",
    )

    def __init__(self, *args, campaigns=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].choices = [(c.slug, f"{c.year} {c.title}") for c in campaigns]


class DemoTableContactForm(forms.Form):
    """The 填表联系人 and 联系电话 of a 附表1 (activities.demo_table checks them at hand-in)."""

    contact_name = forms.CharField(label="填表联系人", max_length=CONTACT_NAME_MAX, required=False)
    contact_phone = forms.CharField(label="联系电话", max_length=CONTACT_PHONE_MAX, required=False)
