"""Staff pages for nominations: a level's lists under a requirement, the nominee's form and
record, decisions, order, photos, stamped scans, the forms to download, and scoring."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from learnweek.accounts.services import personal_export_log
from learnweek.backoffice import nomination_forms as forms
from learnweek.backoffice.downloads import send_document
from learnweek.backoffice.forms import ask_to_choose_again
from learnweek.backoffice.guards import staff_required
from learnweek.campaigns import access
from learnweek.campaigns.kinds import kind_of
from learnweek.campaigns.selectors import campaign_get_visible, requirement_get_visible
from learnweek.core.downloads import download_document, stored_file
from learnweek.core.errors import DomainError, NotFound
from learnweek.nominations import documents, selectors, services
from learnweek.nominations.kinds import NOMINATION, spec_for
from learnweek.nominations.models import DecisionAction, NominationPhoto, NominationState
from learnweek.privacy.selectors import publication_consent_of


def _nomination_requirement(user, pk):
    requirement = requirement_get_visible(user, pk)
    if kind_of(requirement).family != NOMINATION:
        raise NotFound()
    return requirement


def _level(request, requirement):
    unit = access.acting_unit_for(request.user, requirement)
    if unit is None:
        raise NotFound()
    return unit


@staff_required
def level_page(request, pk):
    requirement = _nomination_requirement(request.user, pk)
    return _level_page(request, requirement, _level(request, requirement))


def _level_page(request, requirement, unit, sheet_form: forms.SheetForm | None = None):
    view = selectors.level_view(requirement, unit)
    sheet = selectors.sheet_for(view.forward_requirement, unit)
    if sheet_form is None:
        sheet_form = forms.SheetForm(
            initial={"contact_name": sheet.contact_name, "contact_phone": sheet.contact_phone}
            if sheet
            else None
        )
    context = {
        "requirement": requirement,
        "spec": spec_for(requirement),
        "view": view,
        "sheet_form": sheet_form,
        "sheet": sheet,
        "scoring": bool(requirement.scoring_criteria) and view.is_top,
    }
    return render(request, "backoffice/nominations/level.html", context)


@staff_required
def nomination_new(request, pk):
    requirement = _nomination_requirement(request.user, pk)
    if request.user.unit is None:
        raise NotFound()
    form = forms.NominationForm(request.POST or None, requirement=requirement)
    if request.method == "POST" and form.is_valid():
        try:
            nomination = services.nomination_create(
                actor=request.user, requirement=requirement, unit=request.user.unit, **form.cleaned_data
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "已保存草稿。核对后可导出申报表、上传照片和盖章扫描件，再上报。")
            return redirect("backoffice:nomination", pk=nomination.pk)
    return render(
        request,
        "backoffice/nominations/form.html",
        {"form": form, "requirement": requirement, "spec": spec_for(requirement), "nomination": None},
    )


@staff_required
def nomination_edit(request, pk):
    nomination = selectors.nomination_get_visible(request.user, pk)
    requirement = nomination.requirement
    initial = {f.name: getattr(nomination, f.name) for f in spec_for(requirement).fields}
    form = forms.NominationForm(request.POST or None, requirement=requirement, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.nomination_update(actor=request.user, nomination=nomination, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "已保存。")
            return redirect("backoffice:nomination", pk=pk)
    return render(
        request,
        "backoffice/nominations/form.html",
        {"form": form, "requirement": requirement, "spec": spec_for(requirement), "nomination": nomination},
    )


@staff_required
def nomination_detail(request, pk):
    return _detail_page(request, selectors.nomination_get_visible(request.user, pk))


def _detail_page(request, nomination, typed: dict | None = None):
    """The nominee's page; after a refused action ``typed`` holds that action's forms bound to
    what was sent (``opinion_form``, ``photo_form``, ``scan_form``) or its raw fields
    (``action``, ``comment``, ``score-N``), so nothing typed is lost."""
    typed = typed or {}
    requirement = nomination.requirement
    spec = spec_for(requirement)
    chain = selectors.review_chain(requirement, nomination.unit)
    opinions = selectors.current_opinions(nomination)
    own = (
        access.may(request.user, requirement, nomination.unit, exactly=True) and not request.user.is_superuser
    )
    context = {
        "nomination": nomination,
        "requirement": requirement,
        "spec": spec,
        "values": [(f.label, getattr(nomination, f.name)) for f in spec.fields],
        "chain": [(stage, opinions.get(stage.unit.pk)) for stage in chain],
        "changes": selectors.nomination_history(nomination),
        "photos": nomination.photos.all(),
        "own": own,
        "can_decide": nomination.state == NominationState.IN_REVIEW
        and nomination.at_unit is not None
        and access.may(request.user, requirement, nomination.at_unit, exactly=True),
        "is_last": nomination.at_unit is not None and chain[-1].unit.pk == nomination.at_unit_id,
        "opinion_form": typed.get("opinion_form") or forms.OpinionForm(),
        "photo_form": typed.get("photo_form") or forms.PhotoForm(),
        "scan_form": typed.get("scan_form") or forms.ScanForm(),
        "Action": DecisionAction,
        "criteria": [
            c | {"typed": typed.get(f"score-{i}", "")}
            for i, c in enumerate(
                services.criteria_for(nomination) if chain[-1].unit.pk == nomination.at_unit_id else []
            )
        ],
        "typed": typed,
        "publication_consent": publication_consent_of(nomination),
    }
    return render(request, "backoffice/nominations/detail.html", context)


@staff_required
@require_POST
def nomination_act(request, pk):
    """The buttons of the nominee's page: submit, decide, delete a draft, photos and the scan."""
    nomination = selectors.nomination_get_visible(request.user, pk)
    action = request.POST.get("action", "")
    # What the page shows again if the action is refused: its form, bound to what was sent.
    typed: dict = {"action": action}
    try:
        if action == "submit":
            typed["opinion_form"] = forms.OpinionForm(request.POST)
            services.nomination_submit(
                actor=request.user, nomination=nomination, opinion=request.POST.get("opinion", "")
            )
            messages.success(request, "已上报，等待上一级审核。")
        elif action in DecisionAction.values and action != DecisionAction.SUBMIT:
            typed["comment"] = request.POST.get("comment", "")
            services.nomination_decide(
                actor=request.user,
                nomination=nomination,
                action=action,
                comment=request.POST.get("comment", ""),
            )
            messages.success(request, f"已{DecisionAction(action).label}。")
        elif action == "delete":
            back = nomination.requirement_id
            services.nomination_delete(actor=request.user, nomination=nomination)
            messages.success(request, "草稿已删除。")
            return redirect("backoffice:nominations", pk=back)
        elif action == "photo":
            form = typed["photo_form"] = forms.PhotoForm(request.POST, request.FILES)
            if not form.is_valid():
                raise DomainError("请选择照片并写上说明。")
            services.photo_add(
                actor=request.user,
                nomination=nomination,
                upload=form.cleaned_data["photo"],
                caption=form.cleaned_data["caption"],
            )
            messages.success(request, "照片已上传。")
        elif action == "photo_remove":
            photo = nomination.photos.filter(pk=request.POST.get("photo") or 0).first()
            if photo is None:
                raise NotFound()
            services.photo_remove(actor=request.user, photo=photo)
            messages.success(request, "照片已删除。")
        elif action == "scan":
            typed["scan_form"] = forms.ScanForm(request.POST, request.FILES)
            upload = request.FILES.get("scan")
            if upload is None:
                raise DomainError("请选择盖章扫描件（PDF）。")
            services.scan_attach(actor=request.user, nomination=nomination, upload=upload)
            messages.success(request, "盖章扫描件已上传。")
        elif action == "score":
            typed["comment"] = request.POST.get("comment", "")
            points = {}
            for i, c in enumerate(services.criteria_for(nomination)):
                points[c["name"]] = typed[f"score-{i}"] = request.POST.get(f"score-{i}", "")
            services.score_save(
                actor=request.user,
                nomination=nomination,
                points=points,
                comment=request.POST.get("comment", ""),
            )
            messages.success(request, "评分已保存。")
        else:
            messages.error(request, "未知的操作。")
    except DomainError as exc:
        messages.error(request, exc.message)
        if len(typed) > 1:  # an action with something typed: shown again with it, nothing lost
            for name in ("photo_form", "scan_form"):
                if name in typed:
                    ask_to_choose_again(typed[name])
            return _detail_page(request, selectors.nomination_get_visible(request.user, pk), typed)
    return redirect("backoffice:nomination", pk=pk)


@staff_required
def nomination_docx(request, pk, fmt="docx"):
    """The nominee's 申报表, as Word or its PDF (to print, sign and seal)."""
    nomination = selectors.nomination_get_visible(request.user, pk)
    return send_document(
        request,
        documents.nomination_document(nomination),
        fmt,
        back=reverse("backoffice:nomination", args=[pk]),
        written=lambda: personal_export_log(
            actor=request.user, what="推荐申报表", detail=f"{nomination.requirement.title}：{nomination.name}"
        ),
    )


@staff_required
def nomination_file(request, pk, what, photo=None):
    """The stamped scan, or a photo (original or thumbnail), of a nominee the user may see."""
    nomination = selectors.nomination_get_visible(request.user, pk)
    if what == "scan" and nomination.scan:
        personal_export_log(actor=request.user, what="申报表盖章扫描件", detail=nomination.name)
        return stored_file(nomination.scan, name=nomination.scan_name or f"{nomination.name}-盖章扫描件")
    if what in ("photo", "thumb"):
        record = NominationPhoto.objects.filter(nomination=nomination, pk=photo).first()
        if record is not None:
            if what == "thumb":
                return stored_file(record.thumb, name=f"{record.caption}-缩略图", inline=True)
            return stored_file(record.original, name=record.original_name)
    raise NotFound()


@staff_required
def level_summary(request, pk, fmt):
    requirement = _nomination_requirement(request.user, pk)
    unit = _level(request, requirement)
    upward = selectors.upward_requirement(unit, requirement)
    return send_document(
        request,
        documents.summary_document(upward, unit),
        fmt,
        back=reverse("backoffice:nominations", args=[pk]),
        written=lambda: personal_export_log(
            actor=request.user, what="推荐汇总表", detail=f"{unit.name}：{upward.title}"
        ),
    )


@staff_required
@require_POST
def level_sheet(request, pk):
    requirement = _nomination_requirement(request.user, pk)
    unit = _level(request, requirement)
    form = forms.SheetForm(request.POST, request.FILES)
    try:
        if not form.is_valid():
            raise DomainError("请检查填表联系人和联系电话。")
        services.sheet_save(
            actor=request.user,
            requirement=selectors.upward_requirement(unit, requirement),
            unit=unit,
            contact_name=form.cleaned_data["contact_name"],
            contact_phone=form.cleaned_data["contact_phone"],
            scan=form.cleaned_data.get("scan"),
        )
    except DomainError as exc:
        messages.error(request, "汇总表信息未保存：" + exc.message)
        ask_to_choose_again(form)
        # Shown again with the contact typed: nothing typed is lost.
        return _level_page(request, requirement, unit, sheet_form=form)
    messages.success(request, "汇总表信息已保存。")
    return redirect("backoffice:nominations", pk=pk)


@staff_required
@require_POST
def level_move(request, pk):
    """Moves one entry of the level's list up or down (推荐序号)."""
    requirement = _nomination_requirement(request.user, pk)
    unit = _level(request, requirement)
    upward = selectors.upward_requirement(unit, requirement)
    order = [n.pk for n in selectors.level_list(unit, upward, drafts=True)]
    try:
        moving = int(request.POST.get("nomination", ""))
        i = order.index(moving)
    except ValueError:
        raise NotFound() from None
    j = i - 1 if request.POST.get("direction") == "up" else i + 1
    if 0 <= j < len(order):
        order[i], order[j] = order[j], order[i]
        try:
            services.level_reorder(actor=request.user, requirement=upward, unit=unit, order=order)
        except DomainError as exc:
            messages.error(request, exc.message)
    return redirect("backoffice:nominations", pk=pk)


@staff_required
def ranking_page(request, pk):
    requirement = _nomination_requirement(request.user, pk)
    unit = _level(request, requirement)
    if not selectors.is_selecting_level(unit, requirement):
        raise NotFound()
    rows = selectors.ranking(requirement, unit, request.user)
    context = {
        "requirement": requirement,
        "spec": spec_for(requirement),
        "rows": rows,
        "counts": selectors.counts_by_unit(requirement, unit),
        "criteria": requirement.scoring_criteria,
        "approved": sum(1 for r in rows if r.nomination.state == NominationState.APPROVED),
    }
    return render(request, "backoffice/nominations/ranking.html", context)


@staff_required
def unit_package(request, slug):
    campaign = campaign_get_visible(request.user, slug)
    unit = request.user.unit
    if unit is None:
        raise NotFound()
    response = download_document(documents.package_document(campaign, unit), "zip")  # written, then logged
    personal_export_log(actor=request.user, what="推荐评选材料 zip", detail=f"{unit.name}：{campaign.title}")
    return response
