from ninja import Router

from learnweek.api.schemas import (
    CampaignBrief,
    CampaignOut,
    CompletenessOut,
    ErrorOut,
    RequirementOut,
    unit_brief,
)
from learnweek.campaigns.models import RULE_FIELDS, Campaign, Requirement
from learnweek.campaigns.selectors import (
    board_for,
    campaign_get_visible,
    campaigns_visible_to,
    requirement_get_visible,
)

router = Router(tags=["campaigns"])


def _campaign(c: Campaign, *, full: bool = False) -> dict:
    data = {
        "slug": c.slug,
        "year": c.year,
        "title": c.title,
        "theme": c.effective_theme,
        "doc_number": c.doc_number,
        "issuing_unit": unit_brief(c.issuing_unit),
        "parent": c.parent.slug if c.parent else None,
        "status": c.status,
    }
    if full:
        data |= {
            name: getattr(c, name)
            for name in CampaignOut.model_fields
            if name not in data and name != "contacts"
        }
        data["contacts"] = list(c.contacts.values("name", "office", "phone", "email"))
    return data


def _requirement(r: Requirement) -> dict:
    return {
        "id": r.pk,
        "campaign": r.campaign.slug,
        "kind": r.kind,
        "kind_label": r.get_kind_display(),
        "title": r.title,
        "description": r.description,
        "applies_to": r.applies_to,
        "deadline": r.deadline,
        "closed": r.closed,
        "parent_requirement": r.parent_requirement_id,
        "rules": {name: getattr(r, name) for name in RULE_FIELDS if getattr(r, name) is not None},
    }


@router.get("/campaigns", response=list[CampaignBrief], summary="可见的年度活动")
def campaign_list(request, year: int | None = None):
    campaigns = campaigns_visible_to(request.auth).order_by("-year", "issuing_unit__path")
    if year:
        campaigns = campaigns.filter(year=year)
    return [_campaign(c) for c in campaigns]


@router.get("/campaigns/{slug}", response={200: CampaignOut, 404: ErrorOut}, summary="年度活动详情")
def campaign_detail(request, slug: str):
    return _campaign(campaign_get_visible(request.auth, slug), full=True)


@router.get(
    "/campaigns/{slug}/requirements", response={200: list[RequirementOut], 404: ErrorOut}, summary="报送事项"
)
def campaign_requirements(request, slug: str):
    campaign = campaign_get_visible(request.auth, slug)
    return [_requirement(r) for r in campaign.requirements.select_related("campaign")]


@router.get(
    "/requirements/{pk}/completeness",
    response={200: CompletenessOut, 404: ErrorOut},
    summary="报送进度（各单位状态，限本单位及下级）",
)
def requirement_completeness(request, pk: int, under: str | None = None):
    requirement = requirement_get_visible(request.auth, pk)
    board = board_for(request.auth, requirement, under)
    return {
        "requirement": requirement.pk,
        "under": unit_brief(board.under),
        "total": board.total,
        "handed_in": board.handed_in,
        "percent": board.percent,
        "counts": dict(board.counts),
        "late": board.late_count,
        "units": [
            {
                "unit": unit_brief(row.unit),
                "state": row.state,
                "state_label": row.label,
                "first_submitted_at": row.submission.first_submitted_at if row.submission else None,
                "is_late": bool(row.submission and row.submission.is_late),
            }
            for row in board.rows
        ],
    }
