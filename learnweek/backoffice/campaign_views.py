"""Staff pages for campaigns, requirements, tasks, submissions and the completeness board."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_POST

from learnweek.accounts.services import personal_export_log
from learnweek.backoffice import campaign_forms as forms
from learnweek.backoffice.downloads import send_document
from learnweek.backoffice.guards import staff_required
from learnweek.backoffice.kind_pages import page_for
from learnweek.campaigns import services
from learnweek.campaigns.access import may
from learnweek.campaigns.drafts import notice_draft
from learnweek.campaigns.exporters import BoardExporter
from learnweek.campaigns.inbox import (
    TASK_STATES,
    next_awaiting,
    review_neighbours,
    review_queue,
    tasks_filtered,
)
from learnweek.campaigns.kinds import kind_of, unit_packages
from learnweek.campaigns.models import CampaignStatus, SubmissionState
from learnweek.campaigns.packages import has_package_files, submission_package, unit_package
from learnweek.campaigns.selectors import (
    board_contacts,
    board_for,
    campaign_get_issued_within,
    campaign_get_visible,
    campaign_lineage,
    campaign_scope_root,
    campaigns_visible_to,
    derive_refusal,
    handed_in_units,
    may_create_campaign,
    may_send_reminders,
    provinces_without_slot,
    requirement_get_visible,
    requirement_history,
    submission_get_visible,
    submission_history,
    week_changes,
    week_counts,
)
from learnweek.campaigns.tasks import reminders_request
from learnweek.core.errors import DomainError, NotFound
from learnweek.orgs.models import Unit, UnitKind
from learnweek.orgs.roles import Role
from learnweek.orgs.selectors import is_within, scope_filter, scope_root, unit_get_visible, within


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
    requirements = list(
        campaign.requirements.select_related("parent_requirement__campaign__issuing_unit").prefetch_related(
            "addressed_units"
        )
    )
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
        "derive_form": forms.DeriveForm(),
    }
    return render(request, "backoffice/campaigns/detail.html", context)


@staff_required
def campaign_notice_draft(request, slug, fmt="docx"):
    """The draft of the campaign's notice, as Word (or its PDF), for the issuing unit to edit
    and issue."""
    campaign = campaign_get_issued_within(request.user, slug)
    back = reverse("backoffice:campaign", args=[campaign.slug])
    return send_document(request, notice_draft(campaign), fmt, back=back)


@staff_required
def campaign_edit(request, slug):
    campaign = campaign_get_visible(request.user, slug)
    initial = {name: getattr(campaign, name) for name in forms.CampaignForm.base_fields}
    form = forms.CampaignForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.campaign_update(actor=request.user, campaign=campaign, **form.cleaned_data)
        except services.EarlyDeadlines as exc:
            # Name each requirement whose deadline is in the way, with the link to move it.
            form.add_error(
                None,
                format_html(
                    "{} {}",
                    exc.message,
                    format_html_join(
                        "、",
                        '<a href="{}">修改“{}”</a>',
                        (
                            (reverse("backoffice:requirement_edit", args=[r.pk]), r.title)
                            for r in exc.requirements
                        ),
                    ),
                ),
            )
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
    form = forms.DeriveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
        return redirect("backoffice:campaign", slug=slug)
    try:
        campaign = services.campaign_derive(
            actor=request.user,
            parent=parent,
            unit=request.user.unit,
            inherit_all=form.cleaned_data["inherit_all"],
            lead_days=form.cleaned_data["lead_days"],
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("backoffice:campaign", slug=slug)
    inherited = campaign.requirements.count()
    if inherited:
        messages.success(
            request,
            f"已派生本级活动（草稿），承接上级事项 {inherited} 项，截止日期各比上级提前 "
            f"{form.cleaned_data['lead_days']} 天；请核对后发布。",
        )
    else:
        messages.success(
            request, "已派生本级活动（草稿）：主题已沿用，请补充本级事项与更早的截止日期后发布。"
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
    parents = _parents_of(campaign)
    form = forms.RequirementForm(
        request.POST or None,
        issuer=campaign.issuing_unit,
        parent_requirements=parents,
        initial={"parent_requirement": request.POST.get("parent_requirement") or request.GET.get("from")},
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


def _parents_of(campaign):
    return [
        r
        for c in campaign_lineage(campaign)[:-1]
        for r in c.requirements.select_related("campaign__issuing_unit")
    ]


def _managed_requirement(request, pk):
    """A requirement the user may correct (an administrator of its issuer); others are missing."""
    requirement = requirement_get_visible(request.user, pk)
    campaign = requirement.campaign
    if not may(request.user, campaign, campaign.issuing_unit, Role.ADMIN):
        raise NotFound()
    return requirement


@staff_required
def requirement_edit(request, pk):
    """Correct a requirement: everything before a unit has handed in; after, the deadline, closing
    and the rules, each change in the history below the form."""
    requirement = _managed_requirement(request, pk)
    campaign = requirement.campaign
    handed_in = handed_in_units(requirement)
    initial = {name: getattr(requirement, name) for name in services.REQUIREMENT_FIELDS}
    initial["parent_requirement"] = requirement.parent_requirement_id
    initial["addressed_units"] = forms.addressed_lines(requirement.addressed_units.order_by("path"))
    initial["scoring_criteria"] = "\n".join(f"{c['name']} {c['max']}" for c in requirement.scoring_criteria)
    form = forms.RequirementForm(
        request.POST or None,
        issuer=campaign.issuing_unit,
        parent_requirements=_parents_of(campaign),
        handed_in=len(handed_in),
        initial=initial,
    )
    back = reverse("backoffice:campaign", args=[campaign.slug])
    if request.method == "POST" and form.is_valid():
        try:
            services.requirement_update(actor=request.user, requirement=requirement, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "已保存报送事项。")
            return redirect(back)
    return render(
        request,
        "backoffice/campaigns/requirement_form.html",
        {
            "form": form,
            "requirement": requirement,
            "title": f"修改报送事项：{requirement.title}",
            "back_url": back,
            "handed_in": handed_in,
            "changes": requirement_history(requirement),
        },
    )


@staff_required
@require_POST
def requirement_delete(request, pk):
    requirement = _managed_requirement(request, pk)
    slug = requirement.campaign.slug
    try:
        services.requirement_delete(actor=request.user, requirement=requirement)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("backoffice:requirement_edit", pk=pk)
    messages.success(request, f"已删除报送事项“{requirement.title}”。")
    return redirect("backoffice:campaign", slug=slug)


# -- tasks and submissions ---------------------------------------------------------------------


@staff_required
def my_tasks(request):
    unit = request.user.unit
    listing = (
        tasks_filtered(unit, year=request.GET.get("year", ""), state=request.GET.get("state", ""))
        if unit is not None
        else None
    )
    return render(
        request,
        "backoffice/campaigns/tasks.html",
        {
            "unit": unit,
            "tasks": listing.tasks if listing else [],
            "listing": listing,
            "task_states": TASK_STATES.items(),
        },
    )


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
    return submission_page(request, submission_get_visible(request.user, pk))


def submission_page(request, submission, typed: dict | None = None):
    """The submission's page; ``typed`` replaces forms of the page with ones bound to what was
    sent, when an action of the page was refused (nothing typed is lost)."""
    context = {
        "submission": submission,
        "requirement": submission.requirement,
        "changes": submission_history(submission),
        "own": request.user.unit_id == submission.unit_id,
        "reason_form": forms.ReasonForm(),
        "State": SubmissionState,
        "hand_in_package": has_package_files(submission),  # its files, zipped with their PDFs
    }
    if not context["own"]:
        context["previous"], context["next"] = review_neighbours(request.user, submission)
    detail_context = page_for(submission.requirement).detail_context
    if detail_context is not None:
        context |= detail_context(submission, request.user)
    context |= typed or {}
    return render(request, "backoffice/campaigns/submission_detail.html", context)


@staff_required
@require_POST
def submission_review(request, pk):
    submission = submission_get_visible(request.user, pk)
    action = request.POST.get("action")
    reason = request.POST.get("reason", "")
    try:
        if action in ("approve", "return"):
            if action == "approve":
                services.submission_approve(actor=request.user, submission=submission, comment=reason)
                done = "已审核通过，材料已锁定。"
            else:
                services.submission_return(actor=request.user, submission=submission, reason=reason)
                done = "已退回，下级会看到退回理由。"
            following = next_awaiting(request.user, submission)
            if following is None:
                messages.success(request, done + "本事项已没有待您审核的材料。")
                return redirect("backoffice:board", pk=submission.requirement_id)
            messages.success(request, done + f"下一项：{following.unit.name}。")
            return redirect("backoffice:submission", pk=following.pk)
        elif action == "reopen":
            services.submission_reopen(actor=request.user, submission=submission, reason=reason)
            messages.success(request, "已重新打开，下级可以修改后再次提交。")
        else:
            messages.error(request, "未知的操作。")
    except DomainError as exc:
        # Back to the page with the reason still typed and the refusal beside it.
        response = submission_page(
            request,
            submission_get_visible(request.user, pk),
            {"review_error": exc.message, "typed_reason": reason},
        )
        response.status_code = 400
        return response
    return redirect("backoffice:submission", pk=pk)


# -- the completeness board --------------------------------------------------------------------


@staff_required
def board(request, pk):
    requirement = requirement_get_visible(request.user, pk)
    return _board_page(request, requirement, request.GET.get("under"))


def _board_page(request, requirement, under, *, picked=frozenset(), reason=""):
    """The board; after a refused bulk review, with the rows ticked and the reason typed."""
    data = board_for(request.user, requirement, under)
    contacts = board_contacts(data)
    return render(
        request,
        "backoffice/campaigns/board.html",
        {
            "board": data,
            "contacts": contacts,
            # Said before the button is pressed: a unit with no account cannot be reminded here.
            "missing_without_account": sum(1 for u in data.missing_units if not contacts[u.pk].has_account),
            "requirement": requirement,
            "kind_link": _link(kind_of(requirement).board_link, requirement),
            "can_remind": may_send_reminders(request.user),
            # The issuer's whole board, linked only for those who may open it (not a district).
            "issuer_visible": may(request.user, requirement.campaign, requirement.campaign.issuing_unit),
            # The rows this user may approve or return now: a tick box each (bulk review).
            # Only those among the rows shown: a drilled-down board offers no box for the rest.
            "reviewable": set(review_queue(request.user, requirement).values_list("pk", flat=True))
            & {row.submission.pk for row in data.rows if row.submission is not None},
            "picked": picked,
            "bulk_reason": reason,
        },
    )


@staff_required
@require_POST
def board_review(request, pk):
    """Approve or return the ticked rows of a board at once (one reason for all)."""
    requirement = requirement_get_visible(request.user, pk)
    ids = {int(v) for v in request.POST.getlist("submission") if v.isdigit()}
    # What the user may see of this requirement; a ticked row it may not see is missing (404),
    # as on the submission's own page. What it sees but may not decide, the service names.
    root = campaign_scope_root(request.user, requirement.campaign)
    chosen = list(within(requirement.submissions.filter(pk__in=ids), root, unit_field="unit"))
    if len(chosen) < len(ids):
        raise NotFound()
    action = request.POST.get("action", "")
    under = request.POST.get("under", "")
    try:
        decided = services.submissions_decide_bulk(
            actor=request.user, submissions=chosen, action=action, reason=request.POST.get("reason", "")
        )
    except DomainError as exc:
        # Nothing was decided: the board again, with what was ticked and typed.
        messages.error(request, exc.message)
        return _board_page(
            request, requirement, under or None, picked=frozenset(ids), reason=request.POST.get("reason", "")
        )
    messages.success(request, f"已{services.BULK_ACTIONS[action]} {len(decided)} 项。")
    url = reverse("backoffice:board", args=[pk])
    return redirect(f"{url}?under={under}" if under else url)


@staff_required
def board_export(request, pk, fmt="xlsx"):
    requirement = requirement_get_visible(request.user, pk)
    board = board_for(request.user, requirement, request.GET.get("under"))
    back = reverse("backoffice:board", args=[pk]) + f"?under={board.under.code}"
    return send_document(request, BoardExporter(board), fmt, back=back)


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
    pdf = request.GET.get("pdf") == "1"
    return send_document(
        request,
        unit_package(campaign, unit, pdf=pdf),
        "zip",
        back=reverse("backoffice:campaign", args=[campaign.slug]),
        written=lambda: personal_export_log(  # written before it is logged
            actor=request.user,
            what="报送材料 zip（Word + PDF）" if pdf else "报送材料 zip",
            detail=f"{unit.name}：{campaign.title}",
        ),
    )


@staff_required
def submission_package_download(request, pk):
    """One submission's hand-in in one zip, a PDF beside each Word or Excel file: what the unit
    prints, seals and sends. Whoever may see the submission may download it."""
    submission = submission_get_visible(request.user, pk)
    if not has_package_files(submission):
        raise NotFound()
    return send_document(
        request,
        submission_package(submission),
        "zip",
        back=reverse("backoffice:submission", args=[pk]),
        written=lambda: personal_export_log(
            actor=request.user,
            what="报送材料 zip（Word + PDF）",
            detail=f"{submission.unit.name}：{submission.requirement.title}",
        ),
    )
