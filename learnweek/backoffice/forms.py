from django import forms

from learnweek.orgs.models import DesignationKind, InstitutionType
from learnweek.orgs.roles import Role

CHOOSE_AGAIN = "请重新选择文件。"


def ask_to_choose_again(form: forms.Form) -> forms.Form:
    """A refused form shown again: the browser cannot keep a chosen file, so each file field that
    was sent one says to choose it again (beside the field); the other fields keep what was
    typed."""
    for name, field in form.fields.items():
        if (
            isinstance(field, forms.FileField)
            and form.files.get(name) is not None
            and name not in form.errors
        ):
            form.add_error(name, CHOOSE_AGAIN)
    return form


class InstitutionForm(forms.Form):
    code = forms.CharField(label="机构代码", max_length=64, help_text="统一社会信用代码或本地编码")
    name = forms.CharField(label="机构名称", max_length=200)
    institution_type = forms.ChoiceField(label="机构类型", choices=InstitutionType.choices)
    address = forms.CharField(label="地址", max_length=200, required=False)
    phone = forms.CharField(label="联系电话", max_length=40, required=False)


class UnitEditForm(forms.Form):
    name = forms.CharField(label="名称", max_length=200)
    issuer_name = forms.CharField(
        label="发文机关名称",
        max_length=100,
        required=False,
        help_text="本单位教育行政部门在文件上的署名，如 吉林省教育厅、长春市教育局；留空则以单位名称署名。",
    )
    address = forms.CharField(label="地址", max_length=200, required=False)
    phone = forms.CharField(label="联系电话", max_length=40, required=False)


class ImportForm(forms.Form):
    file = forms.FileField(label="CSV 或 xlsx 文件")


class DesignationForm(forms.Form):
    kind = forms.ChoiceField(label="称号", choices=DesignationKind.choices)
    year = forms.IntegerField(label="认定年份", min_value=1990, max_value=2100)
    note = forms.CharField(label="备注", max_length=200, required=False)


class RolesField(forms.MultipleChoiceField):
    def __init__(self, **kwargs):
        super().__init__(label="角色", choices=Role.choices, widget=forms.CheckboxSelectMultiple, **kwargs)


class StaffCreateForm(forms.Form):
    username = forms.CharField(label="用户名", max_length=150)
    full_name = forms.CharField(label="姓名", max_length=50, required=False)
    phone = forms.CharField(label="手机号码", max_length=20, required=False)
    email = forms.EmailField(label="电子邮箱", required=False)
    roles = RolesField()
    password = forms.CharField(label="初始密码", widget=forms.PasswordInput, min_length=1)


class StaffRolesForm(forms.Form):
    roles = RolesField()
