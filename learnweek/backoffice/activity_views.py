"""Staff pages for the activity registry: list with filters, register, edit, 附表1 in and out."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse

from learnweek.accounts.services import personal_export_log
from learnweek.activities.exporters import Fubiao1Exporter, preview_span_text, span_text
from learnweek.activities.inference import UNKNOWN
from learnweek.activities.models import Category, Mode
from learnweek.activities.selectors import (
    LIST_FIELDS,
    PREVIEW_SHOW,
    STATES,
    ActivityFilters,
    activities_filtered,
    activities_visible_to,
    activity_get_visible,
    activity_state,
    import_preview_get,
    import_preview_page,
)
from learnweek.activities.services import (
    activity_create,
    activity_update,
    import_preview_commit,
    import_preview_create,
    import_preview_discard,
    import_preview_edit,
)
from learnweek.backoffice import activity_forms as forms
from learnweek.backoffice.downloads import send_document
from learnweek.backoffice.guards import staff_required
from learnweek.campaigns.models import Campaign, CampaignStatus
from learnweek.campaigns.selectors import campaigns_visible_to
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
    """Step 1 of 2: upload a 附表1; it is read into a preview, nothing is written yet."""
    campaigns = _campaigns(request.user)
    # A link from a campaign's page (its 附表1) names the campaign the rows belong to.
    named = request.GET.get("campaign")
    initial = {"campaign": named} if any(c.slug == named for c in campaigns) else None
    form = forms.ActivityImportForm(
        request.POST or None, request.FILES or None, campaigns=campaigns, initial=initial
    )
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        campaign = next(c for c in campaigns if c.slug == form.cleaned_data["campaign"])
        upload = form.cleaned_data["file"]
        try:
            if request.user.unit is None:
                raise DomainError(
                    "超级管理员请使用命令行导入（learnweek import-activities）。", code="no_unit"
                )
            preview = import_preview_create(
                actor=request.user,
                campaign=campaign,
                unit=request.user.unit,
                source=upload,
                file_name=getattr(upload, "name", ""),
                demonstration=form.cleaned_data["demonstration"],
            )
        except DomainError as exc:
            errors = [exc.message]
        else:
            return redirect("backoffice:activity_import_preview", pk=preview.pk)
    return render(request, "backoffice/activities/import.html", {"form": form, "errors": errors})


PREVIEW_PAGE_SIZE = 100
YES_NO = {"1": True, "0": False}


def _row_edits(post, stored: dict[int, dict]) -> dict[int, dict]:
    """What the user changed on this page of the preview (only the values that differ)."""
    edits: dict[int, dict] = {}
    for text in post.get("page_rows", "").split(","):
        if not text.isdigit() or int(text) not in stored:
            continue
        number = int(text)
        values = stored[number]["v"]
        submitted = {
            "category": post.get(f"category_{number}", values["category"]),
            "mode": post.get(f"mode_{number}", values["mode"]),
            "is_week": post.get(f"week_{number}") == "1",
            "is_demonstration": post.get(f"demo_{number}") == "1",
        }
        changed = {f: v for f, v in submitted.items() if v != values.get(f)}
        if changed:
            edits[number] = changed
    return edits


def _bulk(post) -> dict:
    bulk: dict = {}
    if post.get("bulk_category"):
        bulk["category"] = post["bulk_category"]
    if post.get("bulk_mode"):
        bulk["mode"] = post["bulk_mode"]
    if post.get("bulk_week") in YES_NO:
        bulk["is_week"] = YES_NO[post["bulk_week"]]
    if post.get("bulk_demo") in YES_NO:
        bulk["is_demonstration"] = YES_NO[post["bulk_demo"]]
    return bulk


@staff_required
def activity_import_preview(request, pk):
    """Step 2 of 2: every row as it will be written; change what was inferred, then 确认导入."""
    preview = import_preview_get(request.user, pk)
    show = request.GET.get("show") if request.GET.get("show") in PREVIEW_SHOW else "all"
    errors: list[str] = []
    summary = ""
    if request.method == "POST" and preview.committed_at is None:
        action = request.POST.get("action", "save")
        back = f"{request.path}?show={show}&page={request.POST.get('page', '1')}"
        try:
            if action == "discard":
                import_preview_discard(actor=request.user, preview=preview)
                messages.success(request, f"已放弃导入“{preview.file_name}”，未写入任何活动。")
                return redirect("backoffice:activities")
            stored = {row["n"]: row for row in preview.rows}
            edits = _row_edits(request.POST, stored)
            bulk = _bulk(request.POST) if action in ("bulk_checked", "bulk_all") else {}
            picked = {int(n) for n in request.POST.getlist("pick") if n.isdigit()}
            if action == "bulk_checked" and bulk and not picked:
                raise DomainError("请先勾选要修改的行。", code="preview_nothing_checked")
            if action in ("bulk_checked", "bulk_all") and not bulk:
                raise DomainError("请先选择要批量设置的值。", code="preview_nothing_chosen")
            changed = 0
            if edits or bulk:
                changed = import_preview_edit(
                    actor=request.user,
                    preview=preview,
                    rows=edits,
                    bulk=bulk,
                    bulk_rows=picked if action == "bulk_checked" else None,
                )
            if action == "commit":
                report = import_preview_commit(actor=request.user, preview=preview)
                messages.success(request, report.summary())
                return redirect(f"/office/activities/?campaign={preview.campaign.slug}")
            messages.success(request, f"已修改 {changed} 行。" if changed else "没有改动。")
            return redirect(back)
        except RowErrors as exc:
            errors, summary = exc.errors, exc.summary
        except DomainError as exc:
            errors = [exc.message]
        preview = import_preview_get(request.user, pk)  # the edits made before a refused commit stay
    data = import_preview_page(preview, page=request.GET.get("page"), show=show, per_page=PREVIEW_PAGE_SIZE)
    labels = dict(Category.choices)
    mode_labels = dict(Mode.choices)
    rows = [
        {
            "n": r["n"],
            "v": r["v"],
            "why": r["why"],
            "err": [f"{column}：{reason}" for column, reason in r["err"]],
            "notes": [f"{column}：{reason}" for column, reason in r.get("note", [])],
            "old": r["old"],
            "category_label": labels.get(r["v"]["category"], r["v"]["category"]),
            "mode_label": mode_labels.get(r["v"]["mode"], r["v"]["mode"]),
            "flagged": r["why"].get("category") == UNKNOWN,
            "when": preview_span_text(r["v"]),
        }
        for r in data.rows
    ]
    return render(
        request,
        "backoffice/activities/import_preview.html",
        {
            "preview": preview,
            "data": data,
            "rows": rows,
            "page": data.page,
            "page_rows": ",".join(str(r["n"]) for r in rows),
            "query": f"show={show}",
            "show": show,
            "shows": PREVIEW_SHOW.items(),
            "categories": Category.choices,
            "modes": Mode.choices,
            "errors": errors,
            "summary": summary,
        },
    )


@staff_required
def activity_export(request, fmt="xlsx"):
    form, filters = _filters(request.user, request.GET)
    if filters.campaign is None:
        messages.error(request, "导出附表1请先选择年度活动。")
        return redirect("backoffice:activities")
    unit = filters.under or request.user.unit or filters.campaign.issuing_unit
    demonstration = request.GET.get("demonstration") == "1"
    filters.demonstration = True if demonstration else None
    activities = activities_filtered(activities_visible_to(request.user), filters)
    exporter = Fubiao1Exporter(filters.campaign, unit, activities, demonstration=demonstration)
    return send_document(
        request,
        exporter,
        fmt,
        back=reverse("backoffice:activities") + "?" + request.GET.urlencode(),
        written=lambda: personal_export_log(
            actor=request.user, what="附表1 汇总表", detail=f"{unit.name}：{filters.campaign.title}"
        ),
    )


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
