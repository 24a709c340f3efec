"""Staff pages for the activity registry: list with filters, register, edit, 附表1 in and out."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render

from learnweek.accounts.services import personal_export_log
from learnweek.activities.exporters import Fubiao1Exporter, span_text
from learnweek.activities.selectors import (
    LIST_FIELDS,
    STATES,
    ActivityFilters,
    activities_filtered,
    activities_visible_to,
    activity_get_visible,
    activity_state,
)
from learnweek.activities.services import activities_import, activity_create, activity_update
from learnweek.backoffice import activity_forms as forms
from learnweek.backoffice.guards import staff_required
from learnweek.campaigns.models import Campaign, CampaignStatus
from learnweek.campaigns.selectors import campaigns_visible_to
from learnweek.core.downloads import download_document
from learnweek.core.errors import DomainError, NotFound, RowErrors
from learnweek.core.paging import DeferredJoinPaginator
from learnweek.orgs.selectors import is_within, scope_root, unit_get_visible

PAGE_SIZE = 50


def _campaigns(user) -> list[Campaign]:
    """Published campaigns the user's unit works under (its own and those above it)."""
    root = scope_root(user)
    campaigns = campaigns_visible_to(user).filter(status=CampaignStatus.PUBLISHED).order_by("-year")
    return [c for c in campaigns if root is None or is_within(c.issuing_unit, root)]


def _filters(user, data) -> tuple[forms.ActivityFilterForm, ActivityFilters]:
    campaigns = list(campaigns_visible_to(user).order_by("-year"))
    form = forms.ActivityFilterForm(data, campaigns=campaigns)
    filters = ActivityFilters()
    if form.is_valid():
        d = form.cleaned_data
        filters = ActivityFilters(
            campaign=next((c for c in campaigns if c.slug == d["campaign"]), None) if d["campaign"] else None,
            under=unit_get_visible(user, d["under"]) if d["under"] else None,
            category=d["category"],
            audience=d["audience"],
            date_from=d["date_from"],
            date_to=d["date_to"],
            week={"1": True, "0": False}.get(d["week"]),
            state=d["state"],
            q=d["q"].strip(),
        )
    return form, filters


@staff_required
def activity_list(request):
    form, filters = _filters(request.user, request.GET)
    activities = activities_filtered(activities_visible_to(request.user), filters).only(*LIST_FIELDS)
    page = DeferredJoinPaginator(activities, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"a": a, "when": span_text(a), "state": STATES[activity_state(a)]} for a in page]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "backoffice/activities/list.html",
        {"form": form, "page": page, "rows": rows, "query": query.urlencode()},
    )


def _organiser(user, code: str):
    if code:
        return unit_get_visible(user, code.strip())
    if user.unit is None:
        raise DomainError("请填写主办单位代码。", code="organiser_required")
    return user.unit


@staff_required
def activity_new(request):
    campaigns = _campaigns(request.user)
    form = forms.ActivityForm(request.POST or None, campaigns=campaigns)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = next(c for c in campaigns if c.slug == form.cleaned_data["campaign"])
            activity = activity_create(
                actor=request.user,
                campaign=campaign,
                organiser=_organiser(request.user, form.cleaned_data["organiser_code"]),
                **form.values(),
            )
        except (DomainError, NotFound) as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"已登记活动“{activity.name}”。")
            return redirect("backoffice:activity", pk=activity.pk)
    return render(request, "backoffice/activities/form.html", {"form": form, "title": "登记活动"})


@staff_required
def activity_edit(request, pk):
    activity = activity_get_visible(request.user, pk)
    initial = {
        name: getattr(activity, name) for name in forms.ActivityForm.base_fields if hasattr(activity, name)
    }
    initial |= {
        "campaign": activity.campaign.slug,
        "organiser_code": activity.organiser.code,
        "forms_": activity.forms,
    }
    form = forms.ActivityForm(request.POST or None, initial=initial, campaigns=[activity.campaign])
    if request.method == "POST" and form.is_valid():
        try:
            activity_update(actor=request.user, activity=activity, **form.values())
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "已保存。")
            return redirect("backoffice:activity", pk=activity.pk)
    return render(
        request,
        "backoffice/activities/form.html",
        {"form": form, "title": f"编辑：{activity.name}", "activity": activity},
    )


@staff_required
def activity_import(request):
    campaigns = _campaigns(request.user)
    form = forms.ActivityImportForm(request.POST or None, request.FILES or None, campaigns=campaigns)
    errors: list[str] = []
    summary = ""
    if request.method == "POST" and form.is_valid():
        campaign = next(c for c in campaigns if c.slug == form.cleaned_data["campaign"])
        try:
            if request.user.unit is None:
                raise DomainError(
                    "超级管理员请使用命令行导入（learnweek import-activities）。", code="no_unit"
                )
            report = activities_import(
                actor=request.user,
                campaign=campaign,
                unit=request.user.unit,
                source=form.cleaned_data["file"],
                demonstration=form.cleaned_data["demonstration"],
            )
        except RowErrors as exc:
            errors, summary = exc.errors, exc.summary
        except DomainError as exc:
            errors = [exc.message]
        else:
            messages.success(request, report.summary())
            return redirect(f"/office/activities/?campaign={campaign.slug}")
    return render(
        request, "backoffice/activities/import.html", {"form": form, "errors": errors, "summary": summary}
    )


@staff_required
def activity_export(request):
    form, filters = _filters(request.user, request.GET)
    if filters.campaign is None:
        messages.error(request, "导出附表1请先选择年度活动。")
        return redirect("backoffice:activities")
    unit = filters.under or request.user.unit or filters.campaign.issuing_unit
    demonstration = request.GET.get("demonstration") == "1"
    filters.demonstration = True if demonstration else None
    activities = activities_filtered(activities_visible_to(request.user), filters)
    exporter = Fubiao1Exporter(filters.campaign, unit, activities, demonstration=demonstration)
    personal_export_log(
        actor=request.user, what="附表1 汇总表", detail=f"{unit.name}：{filters.campaign.title}"
    )
    return download_document(exporter, "xlsx")


@staff_required
def activity_detail(request, pk):
    return activity_page(request, activity_get_visible(request.user, pk))


def activity_page(request, activity, cancel_reason: str = ""):
    """The activity's page; ``cancel_reason`` is a refused cancellation's reason, shown again."""
    return render(
        request,
        "backoffice/activities/detail.html",
        {
            "a": activity,
            "when": span_text(activity),
            "state": STATES[activity_state(activity)],
            "cancel_reason": cancel_reason,
        },
    )
