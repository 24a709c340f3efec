"""Staff pages for a nominee's consent to publication on the public showcase (个人信息保护法
art. 25): a signed consent form uploaded, or a text-message code the nominee reads out."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from learnweek.accounts.services import personal_export_log
from learnweek.backoffice.guards import staff_required
from learnweek.core.downloads import stored_file
from learnweek.core.errors import DomainError, NotFound
from learnweek.nominations.kinds import spec_for
from learnweek.nominations.selectors import nomination_get_visible
from learnweek.privacy import services
from learnweek.privacy.selectors import publication_consent_of


class ConsentFormUpload(forms.Form):
    document = forms.FileField(label="签字的同意书（PDF 或照片）")


class CodeSendForm(forms.Form):
    phone = forms.CharField(label="被推荐人手机号码", max_length=20)


class CodeConfirmForm(forms.Form):
    phone = forms.CharField(label="被推荐人手机号码", max_length=20, widget=forms.HiddenInput)
    code = forms.CharField(label="被推荐人告知的短信验证码", max_length=6)


@staff_required
@require_http_methods(["GET", "POST"])
def consent_page(request, pk):
    nomination = nomination_get_visible(request.user, pk)
    spec = spec_for(nomination.requirement)
    if not spec.person:
        raise NotFound()
    upload_form, send_form, confirm_form = ConsentFormUpload(), CodeSendForm(), None
    sent_to = ""
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "upload":
                upload_form = ConsentFormUpload(request.POST, request.FILES)
                if upload_form.is_valid():
                    services.publication_consent_form(
                        actor=request.user,
                        nomination=nomination,
                        upload=upload_form.cleaned_data["document"],
                        request=request,
                    )
                    messages.success(request, f"已记录“{nomination.name}”的书面同意。")
                    return redirect("backoffice:nomination_consent", pk=pk)
            elif action == "send":
                send_form = CodeSendForm(request.POST)
                if send_form.is_valid():
                    phone = send_form.cleaned_data["phone"]
                    sent_to = services.publication_code_send(
                        actor=request.user, nomination=nomination, phone=phone
                    )
                    confirm_form = CodeConfirmForm(initial={"phone": phone})
            elif action == "confirm":
                confirm_form = CodeConfirmForm(request.POST)
                if confirm_form.is_valid():
                    services.publication_code_confirm(
                        actor=request.user,
                        nomination=nomination,
                        phone=confirm_form.cleaned_data["phone"],
                        code=confirm_form.cleaned_data["code"],
                        request=request,
                    )
                    messages.success(request, f"已记录“{nomination.name}”的短信确认。")
                    return redirect("backoffice:nomination_consent", pk=pk)
        except DomainError as exc:
            form = {"upload": upload_form, "send": send_form}.get(action or "", confirm_form)
            if form is not None:
                form.add_error(None, exc.message)
            else:
                messages.error(request, exc.message)
    return render(
        request,
        "backoffice/nominations/consent.html",
        {
            "nomination": nomination,
            "spec": spec,
            "consent": publication_consent_of(nomination),
            "upload_form": upload_form,
            "send_form": send_form,
            "confirm_form": confirm_form,
            "sent_to": sent_to,
        },
    )


@staff_required
def consent_document(request, pk):
    nomination = nomination_get_visible(request.user, pk)
    consent = publication_consent_of(nomination)
    if consent is None or not consent.document:
        raise NotFound()
    personal_export_log(actor=request.user, what="公开展示同意书", detail=nomination.name)
    return stored_file(consent.document, name=consent.document_name or f"{nomination.name}-同意书")
