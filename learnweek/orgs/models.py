"""The unit tree: the ministry, provincial, prefecture and county divisions, and institutions.

The tree is a materialised path (django-treebeard ``MP_Node``): "this unit and everything below
it" is one indexed ``path LIKE 'prefix%'`` filter, which is what the scope rule needs.
"""

from __future__ import annotations

from django.db import models
from simple_history.models import HistoricalRecords
from treebeard.mp_tree import MP_Node

from learnweek.core.fields import LineField

NAME_MAX_LENGTH = 100
CODE_MAX_LENGTH = 32


class UnitKind(models.TextChoices):
    MINISTRY = "ministry", "教育部"
    PROVINCE = "province", "省级"
    PREFECTURE = "prefecture", "地市级"
    COUNTY = "county", "县级"
    INSTITUTION = "institution", "机构"


ADMINISTRATIVE_KINDS = (UnitKind.MINISTRY, UnitKind.PROVINCE, UnitKind.PREFECTURE, UnitKind.COUNTY)

# How the education department of an administrative unit signs its documents (发文机关署名).
MINISTRY_ISSUER = "教育部办公厅"
ISSUER_HELP = "本单位教育行政部门在文件上的署名，如 吉林省教育厅、长春市教育局"


def default_issuer_name(kind: str, name: str, *, is_municipality: bool = False) -> str:
    """The signature of a division's education department as the notices write it: 教育部办公厅;
    北京市教育委员会 (the four municipalities); 吉林省教育厅, 广西壮族自治区教育厅; 长春市教育局,
    延边朝鲜族自治州教育局, 兴安盟教育局 and the counties' 教育局. "" for an institution, which
    signs with its own name."""
    if kind == UnitKind.MINISTRY:
        return MINISTRY_ISSUER
    if kind == UnitKind.PROVINCE:
        return f"{name}教育委员会" if is_municipality else f"{name}教育厅"
    if kind in (UnitKind.PREFECTURE, UnitKind.COUNTY):
        return f"{name}教育局"
    return ""


class InstitutionType(models.TextChoices):
    UNIVERSITY = "university", "普通高校"
    VOCATIONAL = "vocational", "职业院校"
    OPEN_UNIVERSITY = "open_university", "开放大学"
    ADULT_COLLEGE = "adult_college", "成人高校"
    COMMUNITY_SCHOOL = "community_school", "社区教育院校"
    ELDER_UNIVERSITY = "elder_university", "老年大学"
    TOWNSHIP_SCHOOL = "township_school", "乡镇成人文化技术学校"
    SCIENCE_SCHOOL = "science_school", "科普学校"
    SOCIAL_EDUCATION = "social_education", "社会教育机构"
    LIBRARY = "library", "图书馆"
    MUSEUM = "museum", "博物馆"
    CULTURAL_CENTER = "cultural_center", "文化馆"
    ART_GALLERY = "art_gallery", "美术馆"
    SCIENCE_MUSEUM = "science_museum", "科技馆"
    ENTERPRISE = "enterprise", "企业"
    CAMPAIGN_OFFICE = "campaign_office", "领导小组办公室"
    OTHER = "other", "其他"


class DesignationKind(models.TextChoices):
    EXPERIMENT_ZONE = "experiment_zone", "社区教育实验区"
    DEMONSTRATION_ZONE = "demonstration_zone", "社区教育示范区"
    CONTINUING_EDUCATION_BASE = "continuing_education_base", "示范性继续教育基地"
    WORKER_TRAINING_BASE = "worker_training_base", "示范性职工培训基地"
    COMMUNITY_EDUCATION_BASE = "community_education_base", "社区教育示范基地"
    ELDER_UNIVERSITY_MODEL = "elder_university_model", "老年大学示范校"
    COMMUNITY_SCHOOL_MODEL = "community_school_model", "示范性社区教育学校"
    OTHER = "other", "其他"


class Unit(MP_Node):
    # Four base-36 characters a level: 1.6 million children under one parent.
    steplen = 4
    node_order_by = None

    code = LineField(
        "代码",
        max_length=CODE_MAX_LENGTH,
        unique=True,
        help_text="行政区划为 GB/T 2260 六位代码；机构为统一社会信用代码或本地编码。",
    )
    name = LineField("名称", max_length=NAME_MAX_LENGTH)
    issuer_name = LineField("发文机关名称", max_length=NAME_MAX_LENGTH, blank=True, help_text=ISSUER_HELP)
    kind = LineField("层级", max_length=16, choices=UnitKind.choices, db_index=True)
    division_type = LineField(
        "区划类型", max_length=16, blank=True, help_text="如 地级市、自治州、市辖区、县级市、旗。"
    )
    is_municipality = models.BooleanField(
        "直辖市", default=False, help_text="直辖市既是省级单位，在统计表中又计为一个地市级及以上城市。"
    )
    institution_type = LineField("机构类型", max_length=32, choices=InstitutionType.choices, blank=True)
    address = LineField("地址", max_length=200, blank=True)
    phone = LineField("联系电话", max_length=40, blank=True)
    is_active = models.BooleanField("启用", default=True)
    # The administrative unit whose level the unit's activities count at (SPEC §2): an
    # administrative unit itself, an institution the division it hangs under. Set when the unit
    # is created (orgs.services) and never changes, as a unit's place in the tree never does.
    admin_unit = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="所属行政区划"
    )

    history = HistoricalRecords(excluded_fields=["path", "depth", "numchild", "admin_unit"])

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        indexes = [models.Index(fields=["kind", "path"], name="orgs_unit_kind_path")]

    def __str__(self) -> str:
        return self.name

    @property
    def issuer(self) -> str:
        """The name the unit signs and is addressed by in documents: its education department
        (``issuer_name``), or its own name where that is blank (an institution)."""
        return self.issuer_name or self.name

    @property
    def is_administrative(self) -> bool:
        return self.kind in ADMINISTRATIVE_KINDS

    @property
    def kind_label(self) -> str:
        return kind_label_of(self.kind, self.is_municipality, self.institution_type)


def kind_label_of(kind: str, is_municipality: bool, institution_type: str) -> str:
    """A unit's level as people name it (``Unit.kind_label``), from the three fields alone: for
    readers of many units as plain values (the completeness board's export)."""
    if is_municipality:
        return "省级（直辖市）"
    if kind == UnitKind.INSTITUTION and institution_type:
        return str(dict(InstitutionType.choices).get(institution_type, institution_type))
    return str(dict(UnitKind.choices).get(kind, kind))


class Designation(models.Model):
    """A title a unit holds from a given year: 社区教育示范区, 老年大学示范校 ..."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="designations", verbose_name="单位")
    kind = LineField("称号", max_length=32, choices=DesignationKind.choices)
    year = models.PositiveSmallIntegerField("认定年份")
    note = LineField("备注", max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "称号"
        verbose_name_plural = "称号"
        constraints = [
            models.UniqueConstraint(fields=["unit", "kind", "year"], name="orgs_designation_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}（{self.year}年）"
