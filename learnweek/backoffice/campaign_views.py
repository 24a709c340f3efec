"""Staff pages for campaigns, requirements, tasks, submissions and the completeness board."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from learnweek.accounts.services import personal_export_log
from learnweek.backoffice import campaign_forms as forms
from learnweek.backoffice.guards import staff_required
from learnweek.backoffice.kind_pages import page_for
from learnweek.campaigns import services
from learnweek.campaigns.drafts import notice_draft
from learnweek.campaigns.exporters import BoardExporter
from learnweek.campaigns.kinds import kind_of, unit_packages
from learnweek.campaigns.models import CampaignStatus, SubmissionState
from learnweek.campaigns.packages import unit_package
from learnweek.campaigns.selectors import (
    board_contacts,
    board_for,
    campaign_get_issued_within,
    campaign_get_visible,
    campaign_lineage,
    campaign_scope_root,
    campaigns_visible_to,
    derive_refusal,
    may_create_campaign,
    may_send_reminders,
    provinces_without_slot,
    requirement_get_visible,
    submission_get_visible,
    submission_history,
    tasks_for_unit,
    week_changes,
    week_counts,
)
from learnweek.campaigns.tasks import reminders_request
from learnweek.core.downloads import download_document
from learnweek.core.errors import DomainError, NotFound
from learnweek.orgs.models import Unit, UnitKind
from learnweek.orgs.roles import Role
from learnweek.orgs.selectors import is_within, scope_filter, scope_root, unit_get_visible


def _form_page(request, form, title, back_url, *, action_label="保存"):
    return render(
        request,
        "backoffice/campaigns/form.html",
        {"form": form, "title": title, "back_url": back_url, "action_label": action_label},
    )


@staff_required
def campaign_list(request):
    campaigns = campaigns_visible_to(request.user).order_by("-year", "issuing_unit__path")
    can_create = may_create_campaign(request.user)
    return render(
        request, "backoffice/campaigns/list.html", {"campaigns": campaigns, "can_create": can_create}
    )


@staff_required
def campaign_new(request):
    form = forms.CampaignCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            unit = request.user.unit or unit_get_visible(request.user, "000000")
            campaign = services.campaign_create(
                actor=request.user, issuing_unit=unit, year=data.pop("year"), **data
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "已创建年度活动（草稿）。添加报送事项后再发布。")
            return redirect("backoffice:campaign", slug=campaign.slug)
    return _form_page(request, form, "新建年度活动", reverse("backoffice:campaigns"))


def _link(link, requirement) -> tuple[str, str] | None:
    return (link.label, link.url(requirement)) if link is not None else None


@staff_required
def campaign_detail(request, slug):
    campaign = campaign_get_visible(request.user, slug)
    root = campaign_scope_root(request.user, campaign)
    manages = request.user.has_role(Role.ADMIN) and is_within(root, campaign.issuing_unit)
    unit = request.user.unit
    can_derive = (
        request.user.has_role(Role.ADMIN) and unit is not None and derive_refusal(campaign, unit) is None
    )
    requirements = list(campaign.requirements.select_related("parent_requirement__campaign__issuing_unit"))
    context = {
        "campaign": campaign,
        "lineage": campaign_lineage(campaign),
        # Each requirement with the link its kind adds beside its board (campaigns.kinds).
        "requirements": [(r, _link(kind_of(r).campaign_link, r)) for r in requirements],
        "children": campaigns_visible_to(request.user).filter(parent=campaign),
        "manages": manages,
        "drafts_notice": is_within(root, campaign.issuing_unit),
        "can_derive": can_derive,
        "statuses": CampaignStatus.choices,
        "unit_packages": unit_packages(campaign, requirements) if unit is not None else [],
    }
    return render(request, "backoffice/campaigns/detail.html", context)


@staff_required
def campaign_notice_draft(request, slug):
    """The draft of the campaign's notice, as Word, for the issuing unit to edit and issue."""
    campaign = campaign_get_issued_within(request.user, slug)
    return download_document(notice_draft(campaign), "docx")


@staff_required
def campaign_edit(request, slug):
    campaign = campaign_get_visible(request.user, slug)
    initial = {name: getattr(campaign, name) for name in forms.CampaignForm.base_fields}
    form = forms.CampaignForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.campaign_update(actor=request.user, campaign=campaign, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "已保存。")
            return redirect("backoffice:campaign", slug=campaign.slug)
    return _form_page(request, form, f"编辑：{campaign.title}", reverse("backoffice:campaign", args=[slug]))


@staff_required
@require_POST
def campaign_status(request, slug):
    campaign = campaign_get_visible(request.user, slug)
    try:
        services.campaign_set_status(
            actor=request.user, campaign=campaign, status=request.POST.get("status", "")
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"状态已改为“{campaign.get_status_display()}”。")
    return redirect("backoffice:campaign", slug=slug)


@staff_required
@require_POST
def campaign_derive(request, slug):
    parent = campaign_get_visible(request.user, slug)
    if request.user.unit is None:
        raise NotFound()
    try:
        campaign = services.campaign_derive(actor=request.user, parent=parent, unit=request.user.unit)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("backoffice:campaign", slug=slug)
    messages.success(
        request, "已派生本级活动（草稿）：主题和上级报送事项已沿用，请补充本级事项与更早的截止日期后发布。"
    )
    return redirect("backoffice:campaign", slug=campaign.slug)


@staff_required
def contact_new(request, slug):
    campaign = campaign_get_visible(request.user, slug)
    form = forms.ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_add(actor=request.user, campaign=campaign, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("backoffice:campaign", slug=slug)
    return _form_page(request, form, "添加联系人", reverse("backoffice:campaign", args=[slug]))


@staff_required
def requirement_new(request, slug):
    campaign = campaign_get_visible(request.user, slug)
    parents = [
        r
        for c in campaign_lineage(campaign)[:-1]
        for r in c.requirements.select_related("campaign__issuing_unit")
    ]
    form = forms.RequirementForm(
        request.POST or None,
        parent_requirements=parents,
        initial={"parent_requirement": request.GET.get("from")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.requirement_create(actor=request.user, campaign=campaign, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "已添加报送事项。")
            return redirect("backoffice:campaign", slug=slug)
    return _form_page(
        request, form, f"添加报送事项：{campaign.title}", reverse("backoffice:campaign", args=[slug])
    )


# -- tasks and submissions ---------------------------------------------------------------------


@staff_required
def my_tasks(request):
    unit = request.user.unit
    tasks = tasks_for_unit(unit) if unit is not None else []
    return render(request, "backoffice/campaigns/tasks.html", {"unit": unit, "tasks": tasks})


@staff_required
def submission_edit(request, pk):
    """The unit's own answer to a requirement: edit the draft, then submit."""
    requirement = requirement_get_visible(request.user, pk)
    unit = request.user.unit
    if unit is None:
        raise NotFound()
    elsewhere = kind_of(requirement).edit_address(requirement, unit)
    if elsewhere is not None:  # answered on a page of its own (a live table, a list of nominees)
        return redirect(elsewhere)
    submission = requirement.submissions.filter(unit=unit).first()
    page = page_for(requirement)
    form = page.form(request.POST or None, requirement, submission)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                submission = page.save(actor=request.user, requirement=requirement, unit=unit, form=form)
                if "submit" in request.POST:
                    services.submission_submit(actor=request.user, submission=submission)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request, "已提交，等待上级审核。" if "submit" in request.POST else "草稿已保存。"
            )
            return redirect("backoffice:submission", pk=submission.pk)
    return render(
        request,
        "backoffice/campaigns/submission_edit.html",
        {
            "requirement": requirement,
            "submission": submission,
            "form": form,
            "unit": unit,
            "aid": kind_of(requirement).edit_aid_for(requirement, unit),
        },
    )


@staff_required
def submission_detail(request, pk):
    submission = submission_get_visible(request.user, pk)
    context = {
        "submission": submission,
        "requirement": submission.requirement,
        "changes": submission_history(submission),
        "own": request.user.unit_id == submission.unit_id,
        "reason_form": forms.ReasonForm(),
        "State": SubmissionState,
    }
    detail_context = page_for(submission.requirement).detail_context
    if detail_context is not None:
        context |= detail_context(submission, request.user)
    return render(request, "backoffice/campaigns/submission_detail.html", context)


@staff_required
@require_POST
def submission_review(request, pk):
    submission = submission_get_visible(request.user, pk)
    action = request.POST.get("action")
    reason = request.POST.get("reason", "")
    try:
        if action == "approve":
            services.submission_approve(actor=request.user, submission=submission, comment=reason)
            messages.success(request, "已审核通过，材料已锁定。")
        elif action == "return":
            services.submission_return(actor=request.user, submission=submission, reason=reason)
            messages.success(request, "已退回，下级会看到退回理由。")
        elif action == "reopen":
            services.submission_reopen(actor=request.user, submission=submission, reason=reason)
            messages.success(request, "已重新打开，下级可以修改后再次提交。")
        else:
            messages.error(request, "未知的操作。")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("backoffice:submission", pk=pk)


# -- the completeness board --------------------------------------------------------------------


@staff_required
def board(request, pk):
    requirement = requirement_get_visible(request.user, pk)
    data = board_for(request.user, requirement, request.GET.get("under"))
    return render(
        request,
        "backoffice/campaigns/board.html",
        {
            "board": data,
            "contacts": board_contacts(data),
            "requirement": requirement,
            "kind_link": _link(kind_of(requirement).board_link, requirement),
            "can_remind": may_send_reminders(request.user),
        },
    )


@staff_required
def board_export(request, pk):
    requirement = requirement_get_visible(request.user, pk)
    exporter = BoardExporter(board_for(request.user, requirement, request.GET.get("under")))
    return download_document(exporter, "xlsx")


@staff_required
@require_POST
def board_remind(request, pk):
    requirement = requirement_get_visible(request.user, pk)
    data = board_for(request.user, requirement, request.GET.get("under"))
    try:
        delivery = reminders_request(actor=request.user, requirement=requirement, under=data.under)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        # The e-mails are queued after the commit, which has happened by now: the message
        # says whether they could be.
        (messages.warning if delivery.unreachable or delivery.email_refused else messages.success)(
            request, delivery.message()
        )
    url = reverse("backoffice:board", args=[pk])
    return redirect(f"{url}?under={data.under.code}")


@staff_required
def week_slots(request, slug):
    """Provinces apply for their week; the ministry arranges (moving a week needs a reason, and
    a province that did not apply can be arranged too). Each sees what its scope allows."""
    campaign = campaign_get_visible(request.user, slug)
    if campaign.issuing_unit.kind != UnitKind.MINISTRY:
        raise NotFound()
    unit = request.user.unit
    can_arrange = request.user.has_role(Role.ADMIN) and is_within(
        scope_root(request.user), campaign.issuing_unit
    )
    arranging = request.method == "POST" and (request.POST.get("slot") or request.POST.get("province"))
    form = (forms.WeekArrangeForm if arranging else forms.WeekForm)(request.POST or None)
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        try:
            if request.POST.get("slot"):
                slot = scope_filter(campaign.week_slots.all(), request.user, unit_field="province").get(
                    pk=request.POST["slot"]
                )
                services.week_slot_arrange(
                    actor=request.user, campaign=campaign, province=slot.province, **values
                )
            elif request.POST.get("province") and can_arrange:
                province = provinces_without_slot(campaign).get(pk=request.POST["province"])
                services.week_slot_arrange(actor=request.user, campaign=campaign, province=province, **values)
            else:
                services.week_slot_apply(
                    actor=request.user,
                    campaign=campaign,
                    province=unit,
                    start=values["start"],
                    end=values["end"],
                )
        except DomainError as exc:
            messages.error(request, exc.message)
        except (campaign.week_slots.model.DoesNotExist, Unit.DoesNotExist) as exc:
            raise NotFound() from exc
        else:
            messages.success(request, "已保存。")
            return redirect("backoffice:week_slots", slug=slug)
    slots = list(
        scope_filter(campaign.week_slots.select_related("province"), request.user, unit_field="province")
    )
    changes = week_changes(slots)
    for slot in slots:
        slot.arrangements = changes.get(slot.pk, [])  # type: ignore[attr-defined]
    context = {
        "campaign": campaign,
        "slots": slots,
        "form": form,
        "posted_slot": request.POST.get("slot", ""),
        "posted_province": request.POST.get("province", ""),
        "week_counts": week_counts(slots),
        "unapplied": list(provinces_without_slot(campaign)) if can_arrange else [],
        "can_apply": unit is not None
        and unit.kind == UnitKind.PROVINCE
        and request.user.has_role(Role.ADMIN),
        "can_arrange": can_arrange,
    }
    return render(request, "backoffice/campaigns/weeks.html", context)


@staff_required
def materials_package(request, slug):
    """The user's unit's materials of the campaign's year in one zip (Word files, photos named
    序号-说明.jpg, documents), or a unit below it with ``?unit=``."""
    campaign = campaign_get_visible(request.user, slug)
    code = request.GET.get("unit")
    unit = unit_get_visible(request.user, code) if code else request.user.unit
    if unit is None:
        raise NotFound()
    response = download_document(unit_package(campaign, unit), "zip")  # written before it is logged
    personal_export_log(actor=request.user, what="报送材料 zip", detail=f"{unit.name}：{campaign.title}")
    return response
