"""Staff pages for the statistics table: the live table with drill-down, the header, reported
totals, the table by child unit with its chart, exports, and submitting upward."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from learnweek.activities.exporters import span_text
from learnweek.backoffice import stats_forms as forms
from learnweek.backoffice.downloads import send_document
from learnweek.backoffice.guards import staff_required
from learnweek.campaigns.selectors import campaign_get_visible, cascade_of, requirement_get_visible
from learnweek.core.errors import DomainError, NotFound
from learnweek.core.paging import DeferredJoinPaginator
from learnweek.orgs.roles import Role
from learnweek.orgs.selectors import unit_get_visible, unit_get_within
from learnweek.stats import services
from learnweek.stats.exporters import StatsExporter
from learnweek.stats.models import Column
from learnweek.stats.page_selectors import stats_page_data, submitted_stats
from learnweek.stats.quality import RULES, Report, quality_report
from learnweek.stats.selectors import (
    COLUMNS,
    asks_platform,
    drill_activities,
    drill_cities,
    drill_totals,
    header_for,
    reported_totals_entered_by,
    statistics_requirements_unanswered,
    statistics_submissions,
    stats_table,
    stats_unit_for,
)
from learnweek.stats.summary import work_summary_draft

PAGE_SIZE = 50


def _context(request, slug):
    campaign = campaign_get_visible(request.user, slug)
    unit = stats_unit_for(request.user, campaign, request.GET.get("unit") or request.POST.get("unit"))
    return campaign, unit


def _page_url(campaign, unit) -> str:
    return reverse("backoffice:stats", args=[campaign.slug]) + "?" + urlencode({"unit": unit.code})


def _render_page(request, campaign, unit, header_form: forms.HeaderForm | None = None):
    page = stats_page_data(request.user, campaign, unit)
    if header_form is None:
        header_form = forms.HeaderForm(
            initial={name: getattr(page.header, name) for name in services.HEADER_FIELDS},
            with_platform=page.with_platform,
        )
    context = page.as_context() | {
        "columns": [(c, Column(c).label) for c in COLUMNS],
        "header_form": header_form,
        "query": urlencode({"unit": unit.code}),
    }
    return render(request, "backoffice/stats/table.html", context)


@staff_required
def stats_page(request, slug):
    campaign, unit = _context(request, slug)
    return _render_page(request, campaign, unit)


@staff_required
@require_POST
def stats_header(request, slug):
    campaign, unit = _context(request, slug)
    form = forms.HeaderForm(request.POST, with_platform=asks_platform(campaign, unit))
    if form.is_valid():
        try:
            services.header_save(actor=request.user, campaign=campaign, unit=unit, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "表头已保存。")
            return redirect(_page_url(campaign, unit))
    # Shown again with what was typed, and what is wrong with it: nothing typed is lost.
    messages.error(request, "表头未保存：" + "；".join(e for errors in form.errors.values() for e in errors))
    return _render_page(request, campaign, unit, header_form=form)


@staff_required
@require_POST
def stats_submit(request, slug, pk):
    campaign, unit = _context(request, slug)
    requirement = requirement_get_visible(request.user, pk)
    try:
        submission = services.statistics_submit(
            actor=request.user,
            requirement=requirement,
            unit=unit,
            explanation=request.POST.get("explanation", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        if exc.code in ("quality_unexplained", "explanation_long"):
            # The checks again, the explanation as typed: nothing typed is lost.
            explanation = request.POST.get("explanation", "")
            return _quality_page(request, campaign, unit, str(requirement.pk), explanation)
        return redirect(_page_url(campaign, unit))
    messages.success(request, "统计表已提交，数据已冻结，等待上级审核。")
    return redirect("backoffice:submission", pk=submission.pk)


@staff_required
def stats_export(request, slug, fmt):
    campaign, unit = _context(request, slug)
    exporter = StatsExporter(
        stats_table(campaign, unit), header_for(campaign, unit), with_platform=asks_platform(campaign, unit)
    )
    return send_document(request, exporter, fmt, back=_page_url(campaign, unit))


@staff_required
def stats_quality(request, slug):
    """The data-quality checks of the unit's table, on demand and before it is submitted: each
    warning with the rows behind it, and the form to submit anyway with an explanation."""
    campaign, unit = _context(request, slug)
    return _quality_page(request, campaign, unit, request.GET.get("requirement", ""))


def _quality_page(request, campaign, unit, chosen: str, explanation: str = ""):
    cascade = cascade_of(campaign)
    own = stats_unit_for(request.user, campaign, None).pk == unit.pk
    submittable = []
    if own and request.user.has_role(Role.REPORTER):
        submissions = list(statistics_submissions(campaign, unit, cascade=cascade))
        submittable = [s.requirement for s in submissions if s.can_submit()] + list(
            statistics_requirements_unanswered(campaign, unit, submissions, cascade=cascade)
        )
    context = {
        "campaign": campaign,
        "unit": unit,
        "report": quality_report(campaign, unit, cascade=cascade),
        "rules": RULES,
        "submittable": [r for r in submittable if not chosen or str(r.pk) == chosen] or submittable,
        "explanation_max": services.EXPLANATION_MAX,
        "explanation": explanation,
        "back": _page_url(campaign, unit),
    }
    return render(request, "backoffice/stats/quality.html", context)


@staff_required
def stats_summary_draft(request, slug, fmt="docx"):
    """The draft of the unit's annual work summary, as Word (or its PDF): its figures, charts,
    cases and photos, with the parts to write marked."""
    campaign, unit = _context(request, slug)
    return send_document(request, work_summary_draft(campaign, unit), fmt, back=_page_url(campaign, unit))


def _drill_args(request, campaign, unit):
    row, column = request.GET.get("row", ""), request.GET.get("column", "")
    if column not in COLUMNS:
        raise NotFound()
    city = unit_get_within(unit, request.GET["city"]) if request.GET.get("city") else None
    return row, column, city


@staff_required
def stats_drill(request, slug):
    """The activities and reported totals behind one figure."""
    campaign, unit = _context(request, slug)
    row, column, city = _drill_args(request, campaign, unit)
    activities = drill_activities(campaign, unit, row, column, city).select_related("campaign")
    page = DeferredJoinPaginator(activities, PAGE_SIZE).get_page(request.GET.get("page"))
    totals = drill_totals(campaign, unit, row, column, city)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "campaign": campaign,
        "unit": unit,
        "city": city,
        "row_label": {"own": "本级", "prefecture": "地市级", "county": "县级"}[row],
        "column_label": Column(column).label,
        "page": page,
        "rows": [{"a": a, "when": span_text(a)} for a in page],
        "totals": totals,
        "query": query.urlencode(),
        "back": _page_url(campaign, unit),
    }
    return render(request, "backoffice/stats/drill.html", context)


@staff_required
def stats_cities(request, slug):
    """The cities (or counties) behind 城市数."""
    campaign, unit = _context(request, slug)
    row, column, _ = _drill_args(request, campaign, unit)
    table = stats_table(campaign, unit)
    context = {
        "campaign": campaign,
        "unit": unit,
        "row": row,
        "column": column,
        "row_label": {"prefecture": "地市级及以上城市", "county": "县级城市"}.get(row, ""),
        "column_label": Column(column).label,
        "cities": drill_cities(table, row, column),
        "back": _page_url(campaign, unit),
    }
    return render(request, "backoffice/stats/cities.html", context)


@staff_required
def stats_totals(request, slug):
    """Totals the user's unit reports instead of listing activities."""
    campaign = campaign_get_visible(request.user, slug)
    unit = stats_unit_for(request.user, campaign, None)
    form = forms.ReportedTotalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            target = unit_get_visible(request.user, data["unit"].strip())
        except NotFound:
            form.add_error("unit", f"在{unit.name}范围内没有代码为 {data['unit'].strip()} 的单位。")
        else:
            try:
                services.reported_total_add(
                    actor=request.user,
                    campaign=campaign,
                    entered_by=unit,
                    unit=target,
                    column=data["column"],
                    activities=data["activities"],
                    person_times=data["person_times"],
                    note=data["note"],
                )
            except NotFound:
                form.add_error("unit", f"在{unit.name}范围内没有代码为 {data['unit'].strip()} 的单位。")
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "已添加汇总数，统计表已随之更新。")
                return redirect("backoffice:stats_totals", slug=campaign.slug)
    context = {
        "campaign": campaign,
        "unit": unit,
        "form": form,
        "totals": reported_totals_entered_by(campaign, unit),
        "back": _page_url(campaign, unit),
    }
    return render(request, "backoffice/stats/totals.html", context)


@staff_required
@require_POST
def stats_total_delete(request, slug, pk):
    campaign = campaign_get_visible(request.user, slug)
    unit = stats_unit_for(request.user, campaign, None)
    total = reported_totals_entered_by(campaign, unit).filter(pk=pk).first()
    if total is None:
        raise NotFound()
    try:
        services.reported_total_delete(actor=request.user, total=total)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已删除该汇总数。")
    return redirect("backoffice:stats_totals", slug=campaign.slug)


def stats_submission_context(submission) -> dict:
    """What the submission page shows of a statistics table (``submitted_stats``)."""
    stats = submitted_stats(submission)
    return {
        "stats_snapshot": stats.snapshot,
        "stats_quality": Report.from_json(stats.quality) if stats.quality is not None else None,
        "stats_explanation": (stats.quality or {}).get("explanation", ""),
        "stats_rows": stats.rows,
        "stats_columns": [(c, Column(c).label) for c in COLUMNS],
        "stats_url": _page_url(submission.requirement.campaign, submission.unit),
    }
