"""What the documents' tests build: one document of every kind the system hands out."""

from __future__ import annotations

import datetime

from django.utils import timezone

from learnweek.accounts.exporters import StaffImportTemplate, StaffListExporter
from learnweek.accounts.models import User
from learnweek.accounts.selectors import staff_filtered
from learnweek.activities.exporters import FrozenFubiao1Exporter, Fubiao1Exporter
from learnweek.activities.models import Activity, DemoTableSnapshot
from learnweek.audit.exporters import AuditExporter
from learnweek.audit.models import AuditEntry
from learnweek.audit.services import audit_record
from learnweek.campaigns.drafts import notice_draft
from learnweek.campaigns.exporters import BoardExporter
from learnweek.campaigns.models import Campaign, RequirementKind
from learnweek.campaigns.packages import unit_package
from learnweek.campaigns.selectors import board_for
from learnweek.campaigns.services import requirement_create
from learnweek.core.documents import Document
from learnweek.materials.documents import MaterialDocument
from learnweek.materials.services import material_save
from learnweek.nominations import documents as nomination_documents
from learnweek.nominations import services as nomination_services
from learnweek.orgs.models import UnitKind
from learnweek.orgs.roles import Role
from learnweek.privacy.services import ResidentDataExporter
from learnweek.stats.exporters import StatsExporter
from learnweek.stats.selectors import header_for, stats_table
from learnweek.stats.summary import work_summary_draft
from tests.factories import StaffFactory
from tests.helpers import COUNTY, PROVINCE, unit
from tests.nominations.helpers import UNIT_VALUES


def one_of_each(jilin_this_year_published: Campaign, province_admin: User) -> dict[str, tuple[Document, str]]:
    """One document of every kind the system writes, by a short key, with the name each is
    handed out under (the county's, the province's or the campaign's)."""
    deadline = datetime.date(jilin_this_year_published.year, 12, 31)
    nominees = requirement_create(
        actor=None,
        campaign=jilin_this_year_published,
        kind=RequirementKind.ADVANCED_UNIT,
        title="活动周工作先进单位",
        applies_to=[UnitKind.COUNTY],
        deadline=deadline,
        quota_per_unit=1,
    )
    reporter = StaffFactory(unit=unit(COUNTY), roles=[Role.REPORTER])
    nomination = nomination_services.nomination_create(
        actor=reporter, requirement=nominees, unit=unit(COUNTY), **UNIT_VALUES
    )
    plans = requirement_create(
        actor=None,
        campaign=jilin_this_year_published,
        kind=RequirementKind.WORK_PLAN,
        title="活动周工作方案",
        applies_to=[UnitKind.COUNTY],
        deadline=deadline,
    )
    material = material_save(
        actor=None, requirement=plans, unit=unit(COUNTY), title="朝阳区活动周工作方案", body="全年工作扎实。"
    )
    province, county = unit(PROVINCE), unit(COUNTY)
    demo_table = requirement_create(
        actor=None,
        campaign=jilin_this_year_published,
        kind=RequirementKind.DEMO_TABLE,
        title="示范活动汇总表（附件1）",
        applies_to=[UnitKind.COUNTY],
        deadline=deadline,
    )
    frozen = DemoTableSnapshot(
        taken_at=timezone.now(),
        data={"rows": [{"name": "全民读书节", "time": "10月15日"}], "contact_name": "王老师"},
    )
    audit_record("account.roles", actor=province_admin, target=reporter, target_label='=HYPERLINK("x")')
    return {
        "audit": (AuditExporter(AuditEntry.objects.all(), "全部条目"), "审计日志"),
        "staff_list": (
            StaffListExporter(province.name, staff_filtered(User.objects.filter(pk=reporter.pk))),
            f"工作人员账号-{timezone.localdate():%Y%m%d}",
        ),
        "staff_template": (StaffImportTemplate(county), "工作人员账号导入模板"),
        "resident_data": (
            ResidentDataExporter({"报名": [{"活动": "=1+1", "状态": "已报名"}], "阅读记录": []}),
            "我的数据",
        ),
        "fubiao1_frozen": (
            FrozenFubiao1Exporter(demo_table, county, frozen),
            f"附表1-{jilin_this_year_published.slug}-{COUNTY}-{timezone.localdate():%Y%m%d}",
        ),
        "board": (BoardExporter(board_for(province_admin, plans)), f"报送进度-{plans.pk}-{PROVINCE}"),
        "fubiao1": (
            Fubiao1Exporter(
                jilin_this_year_published, province, Activity.objects.none(), demonstration=False
            ),
            f"附表1-{jilin_this_year_published.slug}-{PROVINCE}",
        ),
        "stats": (
            StatsExporter(
                stats_table(jilin_this_year_published, province),
                header_for(jilin_this_year_published, province),
            ),
            f"{jilin_this_year_published.year}年全民终身学习活动开展情况统计表-{province.name}",
        ),
        "nomination": (
            nomination_documents.nomination_document(nomination),
            f"{nomination.name}-申报表",
        ),
        "summary": (
            nomination_documents.summary_document(nominees, county),
            f"{county.name}-先进单位汇总表",
        ),
        "notice": (notice_draft(jilin_this_year_published), f"{jilin_this_year_published.title}（通知草稿）"),
        "work_summary": (
            work_summary_draft(jilin_this_year_published, county),
            f"{county.name}{jilin_this_year_published.year}年工作总结（草稿）",
        ),
        "material": (MaterialDocument(material), "朝阳区活动周工作方案"),
        "package": (
            unit_package(jilin_this_year_published, county),
            f"{county.name}-{jilin_this_year_published.year}-报送材料",
        ),
    }
