"""The 附表1 page: a unit's live table of demonstration activities for a 示范活动汇总表
requirement, where it marks 示范, fills the contact and hands the table in; and the exports of
the live and of a handed-in table."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from learnweek.accounts.services import personal_export_log
from learnweek.activities import demo_table as tables
from learnweek.activities.exporters import FrozenFubiao1Exporter
from learnweek.backoffice.activity_forms import DemoTableContactForm as ContactForm
from learnweek.backoffice.downloads import send_document
from learnweek.backoffice.guards import staff_required
from learnweek.campaigns.access import may
from learnweek.campaigns.kinds import kind_of
from learnweek.campaigns.selectors import board_state_label, requirement_get_visible, submission_get_visible
from learnweek.core.clock import today
from learnweek.core.errors import DomainError, NotFound
from learnweek.orgs.roles import Role

PAGE_SIZE = 20


def _page_url(requirement, unit, **extra) -> str:
    query = {"unit": unit.code} | {k: v for k, v in extra.items() if v}
    return reverse("backoffice:demo_table", args=[requirement.pk]) + "?" + urlencode(query)


def _render(request, requirement, unit, contact_form: ContactForm | None = None, status: int = 200):
    table = tables.demo_table(requirement, unit)
    can_report = may(request.user, requirement.campaign, unit, Role.REPORTER)
    if contact_form is None:
        contact_form = ContactForm(
            initial={"contact_name": table.contact_name, "contact_phone": table.contact_phone}
        )
    query = request.GET.get("q", "").strip()
    context = {
        "requirement": requirement,
        "campaign": requirement.campaign,
        "unit": unit,
        "table": table,
        "own_rows": list(table.own_rows()),
        "can_report": can_report,
        "editable": can_report and table.editable,
        "contact_form": contact_form,
        "query": query,
        "unmarked": Paginator(tables.unmarked(table, query), PAGE_SIZE).get_page(request.GET.get("page"))
        if can_report and table.editable
        else None,
        "frozen": tables.frozen_table(table.submission) if table.submission is not None else None,
        "below_rows": [row for below in table.approved_below for row in below.rows],
        "state_label": board_state_label(requirement, table.submission, today()),
    }
    return render(request, "backoffice/activities/demo_table.html", context, status=status)


def _context(request, pk):
    requirement = requirement_get_visible(request.user, pk)
    if kind_of(requirement).family != tables.DEMO_TABLE:
        raise NotFound()
    unit = tables.demo_table_unit_for(
        request.user, requirement, request.GET.get("unit") or request.POST.get("unit")
    )
    return requirement, unit


@staff_required
def demo_table_page(request, pk):
    requirement, unit = _context(request, pk)
    return _render(request, requirement, unit)


@staff_required
@require_POST
def demo_table_mark(request, pk):
    requirement, unit = _context(request, pk)
    on = request.POST.get("action") == "mark"
    try:
        changed = tables.demonstration_set(
            actor=request.user,
            requirement=requirement,
            unit=unit,
            activity_ids=[i for i in request.POST.getlist("activity") if i.isdigit()],
            on=on,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已{'标记' if on else '取消'} {changed} 项示范活动。")
    return redirect(_page_url(requirement, unit, q=request.POST.get("q", "")))


@staff_required
@require_POST
def demo_table_submit(request, pk):
    requirement, unit = _context(request, pk)
    form = ContactForm(request.POST)
    if not form.is_valid():
        return _render(request, requirement, unit, form, status=400)
    values = form.cleaned_data
    try:
        if "submit" in request.POST:
            submission = tables.demo_table_submit(
                actor=request.user, requirement=requirement, unit=unit, **values
            )
        else:
            submission = tables.demo_table_save(
                actor=request.user, requirement=requirement, unit=unit, **values
            )
    except DomainError as exc:
        form.add_error(None, exc.message)
        return _render(request, requirement, unit, form, status=400)
    if "submit" in request.POST:
        frozen = tables.frozen_table(submission)
        count = len(frozen.data["rows"]) if frozen is not None else 0
        messages.success(request, f"附表1已提交（{count} 项活动），等待上级审核。")
        return redirect("backoffice:submission", pk=submission.pk)
    messages.success(request, "填表联系人已保存。")
    return redirect(_page_url(requirement, unit))


@staff_required
def demo_table_export(request, pk, fmt="xlsx"):
    """The live table of the unit as the notice's Excel form (or its PDF)."""
    requirement, unit = _context(request, pk)
    table = tables.demo_table(requirement, unit)
    exporter = FrozenFubiao1Exporter(requirement, unit, tables.as_it_stands(table))
    return send_document(
        request,
        exporter,
        fmt,
        back=_page_url(requirement, unit),
        written=lambda: personal_export_log(  # 报送电话 and the contact person: logged, as on the list
            actor=request.user, what="附表1 汇总表", detail=f"{unit.name}：{requirement.title}"
        ),
    )


@staff_required
def demo_table_frozen_export(request, pk, fmt="xlsx"):
    """A handed-in table, as it was frozen (Excel, or its PDF)."""
    submission = submission_get_visible(request.user, pk)
    snapshot = tables.frozen_table(submission)
    if snapshot is None:
        raise NotFound()
    exporter = FrozenFubiao1Exporter(submission.requirement, submission.unit, snapshot)
    return send_document(
        request,
        exporter,
        fmt,
        back=reverse("backoffice:submission", args=[pk]),
        written=lambda: personal_export_log(
            actor=request.user,
            what="附表1 汇总表（已提交）",
            detail=f"{submission.unit.name}：{submission.requirement.title}",
        ),
    )
