"""What each kind of nomination asks for: the fields of its form (附表2 and 附表4 for advanced
units and individuals, the national lists' materials for stars and brand projects), their labels,
and the columns of the unit's summary table (附表3, 附表5). Forms, the API, the documents and the
checks all read this one table."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from learnweek.campaigns.models import Campaign, Requirement, RequirementKind
from learnweek.orgs.models import Unit

DEEDS_LIMIT = 500  # "500 字以内" on 附表2 and 附表4; a requirement may set its own body_max_chars


@dataclass(frozen=True)
class Field:
    name: str  # the Nomination model field
    label: str
    required: bool = True
    hint: str = ""


@dataclass(frozen=True)
class KindSpec:
    kind: str
    noun: str  # what is nominated, as the notices say it
    form_name: str  # 申报表 or 推荐表
    fields: tuple[Field, ...]
    summary: tuple[tuple[str, str], ...]  # the summary table's columns after 推荐序号: (label, field)
    person: bool  # the nominee is a person: personal data is never public
    media: bool  # photos, a video link and teaching resources belong to the material
    official_layout: str = ""  # 附表2 / 附表4: the exported form follows that layout


CONTACT = (
    Field("contact_name", "填表联系人"),
    Field("contact_phone", "联系电话", hint="填表联系人的电话"),
)

ADVANCED_UNIT = KindSpec(
    kind=RequirementKind.ADVANCED_UNIT,
    noun="先进单位",
    form_name="申报表",
    fields=(
        Field("name", "单位全称", hint="以公章为准"),
        Field("supervisor", "上级主管部门"),
        Field("head_name", "单位负责人"),
        Field("head_title", "负责人职务"),
        Field("address", "通讯地址"),
        Field("phone", "联系电话"),
        Field("deeds", "先进事迹", hint="500 字以内"),
        *CONTACT,
    ),
    summary=(("先进单位全称", "name"),),
    person=False,
    media=False,
    official_layout="附表2",
)

ADVANCED_INDIVIDUAL = KindSpec(
    kind=RequirementKind.ADVANCED_INDIVIDUAL,
    noun="先进个人",
    form_name="申报表",
    fields=(
        Field("name", "姓名"),
        Field("birth_date", "出生日期"),
        Field("gender", "性别"),
        Field("ethnicity", "民族"),
        Field("workplace", "工作单位", hint="以公章为准，填写全称"),
        Field("position", "职务"),
        Field("email", "电子邮箱"),
        Field("phone", "电话"),
        Field("deeds", "先进事迹简介", hint="500 字以内"),
        *CONTACT,
    ),
    summary=(
        ("姓名", "name"),
        ("性别", "gender"),
        ("职务", "position"),
        ("工作单位", "workplace"),
        ("联系电话", "phone"),
    ),
    person=True,
    media=False,
    official_layout="附表4",
)

MEDIA = (
    Field("story", "详细材料", required=False, hint="可另附文字材料"),
    Field("video_url", "视频链接", required=False),
    Field("resources", "教学资源", required=False, hint="课程、讲座、教材等，每行一项，可附链接"),
)

LEARNING_STAR = KindSpec(
    kind=RequirementKind.LEARNING_STAR,
    noun="百姓学习之星",
    form_name="推荐表",
    fields=(
        Field("name", "姓名"),
        Field("gender", "性别"),
        Field("birth_date", "出生日期"),
        Field("ethnicity", "民族", required=False),
        Field("workplace", "工作单位或所在社区"),
        Field("position", "职务或身份", required=False),
        Field("phone", "联系电话"),
        Field("email", "电子邮箱", required=False),
        Field("deeds", "事迹简介", hint="500 字以内"),
        *MEDIA,
        *CONTACT,
    ),
    summary=(
        ("姓名", "name"),
        ("性别", "gender"),
        ("工作单位或所在社区", "workplace"),
        ("联系电话", "phone"),
    ),
    person=True,
    media=True,
)


def _project(kind: str, noun: str) -> KindSpec:
    return KindSpec(
        kind=kind,
        noun=noun,
        form_name="推荐表",
        fields=(
            Field("name", "名称"),
            Field("workplace", "实施单位", hint="以公章为准，填写全称"),
            Field("head_name", "负责人"),
            Field("head_title", "负责人职务", required=False),
            Field("phone", "联系电话"),
            Field("deeds", "简介", hint="500 字以内"),
            *MEDIA,
            *CONTACT,
        ),
        summary=(("名称", "name"), ("实施单位", "workplace"), ("负责人", "head_name"), ("联系电话", "phone")),
        person=False,
        media=True,
    )


SPECS = {
    spec.kind: spec
    for spec in (
        ADVANCED_UNIT,
        ADVANCED_INDIVIDUAL,
        LEARNING_STAR,
        _project(RequirementKind.BRAND_PROJECT, "终身学习品牌项目"),
        _project(RequirementKind.SMART_ELDERLY, "智慧助老项目"),
        _project(RequirementKind.ABLE_TEACHER, "能者为师项目"),
        _project(RequirementKind.COMMUNITY_CASE, "社区教育工作案例"),
        _project(RequirementKind.TEACHING_SHOW, "教学成果汇报展演"),
        _project(RequirementKind.DEMO_SCHOOL, "示范性社区教育学校"),
        _project(RequirementKind.CRAFT_STUDIO, "百艺雅集工作室"),
    )
}
NOMINATION_KINDS = tuple(SPECS)
NOMINATION = "nomination"  # the family of the nomination kinds (campaigns.kinds)
# Never shown on the public site, whatever the kind.
PERSONAL_FIELDS = ("birth_date", "gender", "ethnicity", "email", "phone", "contact_name", "contact_phone")


def spec_for(requirement: Requirement) -> KindSpec:
    return SPECS[requirement.kind]


def is_nomination(requirement: Requirement) -> bool:
    return requirement.kind in SPECS


def deeds_limit(requirement: Requirement) -> int:
    return requirement.body_max_chars or DEEDS_LIMIT


# The pages of a nomination requirement, as the registry of kinds links them (nominations.apps).
def lists_url(requirement: Requirement, unit: Unit | None = None) -> str:
    """A level's lists under the requirement: where a unit nominates and reviews."""
    return reverse("backoffice:nominations", args=[requirement.pk])


def package_url(campaign: Campaign) -> str:
    return reverse("backoffice:nomination_package", args=[campaign.slug])
