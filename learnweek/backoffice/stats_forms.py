from django import forms

from learnweek.stats.models import Column


class HeaderForm(forms.Form):
    contact_name = forms.CharField(label="联系人", max_length=50, required=False)
    department = forms.CharField(label="所在部门", max_length=100, required=False)
    office_phone = forms.CharField(label="办公电话", max_length=40, required=False)
    mobile = forms.CharField(label="手机号码", max_length=20, required=False)
    platform_name = forms.CharField(label="活动周平台名称", max_length=100, required=False)
    platform_url = forms.CharField(label="活动周平台网址", max_length=300, required=False)

    def __init__(self, *args, with_platform: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_platform:
            del self.fields["platform_name"]
            del self.fields["platform_url"]


class ReportedTotalForm(forms.Form):
    """Whole numbers are checked by the service, which names the field in its message; the form
    only carries the text."""

    unit = forms.CharField(label="开展单位代码", max_length=32, help_text="本单位或下级单位的代码，如 220104")
    column = forms.ChoiceField(label="统计栏目", choices=Column.choices)
    activities = forms.CharField(label="活动数", max_length=12)
    person_times = forms.CharField(label="参加人次", max_length=12, required=False)
    note = forms.CharField(label="说明", max_length=200, required=False)
