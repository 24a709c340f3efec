"""The buttons of a material's page (photos, typical cases, documents, submitting) and its files,
for staff who may see the submission."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from learnweek.backoffice import material_forms as forms
from learnweek.backoffice.forms import ask_to_choose_again
from learnweek.backoffice.guards import staff_required
from learnweek.campaigns.kinds import kind_of
from learnweek.campaigns.selectors import submission_get_visible
from learnweek.campaigns.services import submission_submit
from learnweek.core.downloads import stored_file
from learnweek.core.errors import DomainError, NotFound
from learnweek.materials import services
from learnweek.materials.rules import DETAILS, MATERIAL, takes_photos


def material_context(submission, user) -> dict:
    """What the submission page adds for a material."""
    requirement = submission.requirement
    own = user.unit_id == submission.unit_id
    details = submission.details or {}
    return {
        "material": True,
        "photos": submission.photos.all(),
        "cases": submission.cases.all(),
        "files": submission.files.all(),
        "details": [
            (d.label, details.get(d.name)) for d in DETAILS.get(requirement.kind, ()) if details.get(d.name)
        ],
        "items": details.get("items") or [],
        "takes_photos": takes_photos(requirement),
        "takes_cases": bool(requirement.cases_required),
        "editable": own and submission.can_edit(),
        "photo_form": forms.PhotoForm(),
        "case_form": forms.CaseForm(),
        "document_form": forms.DocumentForm(),
    }


@staff_required
@require_POST
def material_act(request, pk):
    submission = submission_get_visible(request.user, pk)
    if kind_of(submission.requirement).family != MATERIAL:
        raise NotFound()
    action = request.POST.get("action", "")
    typed: dict = {}  # the action's form bound to what was sent, shown again if it is refused
    try:
        if action == "photo":
            form = typed["photo_form"] = forms.PhotoForm(request.POST, request.FILES)
            if not form.is_valid():
                raise DomainError("请选择照片并写上说明。")
            services.material_photo_add(
                actor=request.user,
                submission=submission,
                upload=form.cleaned_data["photo"],
                caption=form.cleaned_data["caption"],
            )
            messages.success(request, "照片已上传。")
        elif action == "photo_remove":
            photo = submission.photos.filter(pk=request.POST.get("photo") or 0).first()
            if photo is None:
                raise NotFound()
            services.material_photo_remove(actor=request.user, photo=photo)
            messages.success(request, "照片已删除。")
        elif action == "case":
            form = typed["case_form"] = forms.CaseForm(request.POST)
            if not form.is_valid():
                raise DomainError("典型案例须有标题和内容。")
            case = submission.cases.filter(pk=request.POST.get("case") or 0).first()
            services.material_case_save(
                actor=request.user, submission=submission, case=case, **form.cleaned_data
            )
            messages.success(request, "典型案例已保存。")
        elif action == "case_remove":
            case = submission.cases.filter(pk=request.POST.get("case") or 0).first()
            if case is None:
                raise NotFound()
            services.material_case_remove(actor=request.user, case=case)
            messages.success(request, "典型案例已删除。")
        elif action == "document":
            typed["document_form"] = forms.DocumentForm(request.POST, request.FILES)
            upload = request.FILES.get("document")
            if upload is None:
                raise DomainError("请选择文档。")
            services.material_file_attach(actor=request.user, submission=submission, upload=upload)
            messages.success(request, "文档已上传。")
        elif action == "document_remove":
            record = submission.files.filter(pk=request.POST.get("document") or 0).first()
            if record is None:
                raise NotFound()
            services.material_file_remove(actor=request.user, record=record)
            messages.success(request, "文档已删除。")
        elif action == "submit":
            submission_submit(actor=request.user, submission=submission)
            messages.success(request, "已提交，等待上级审核。")
        else:
            messages.error(request, "未知的操作。")
    except DomainError as exc:
        messages.error(request, exc.message)
        if typed:  # shown again with what was typed: nothing typed is lost
            from learnweek.backoffice.campaign_views import submission_page  # it shows this page's forms

            for form in typed.values():
                ask_to_choose_again(form)
            return submission_page(request, submission_get_visible(request.user, pk), typed)
    return redirect("backoffice:submission", pk=pk)


@staff_required
def material_file(request, pk, what, item):
    """A photo (original or thumbnail) or an attached document of a material the user may see."""
    submission = submission_get_visible(request.user, pk)
    if what in ("photo", "thumb"):
        photo = submission.photos.filter(pk=item).first()
        if photo is not None:
            if what == "thumb":
                return stored_file(photo.thumb, name=f"{photo.caption}-缩略图", inline=True)
            return stored_file(photo.original, name=photo.original_name)
    if what == "document":
        record = submission.files.filter(pk=item).first()
        if record is not None:
            return stored_file(record.file, name=record.name)
    raise NotFound()
