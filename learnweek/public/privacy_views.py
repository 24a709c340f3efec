"""A resident's personal information on the public site: the notice and its 同意 (asked again
when the notice's version changes), the data download and the account's deletion."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from learnweek.privacy.notice import current_version, notice_sections
from learnweek.privacy.selectors import is_resident, needs_consent
from learnweek.privacy.services import account_delete, consent_decline, consent_give, resident_export

# The resident pages that read or write the resident's data: a resident without a consent to the
# current notice is sent to the notice first (the notice itself, signing out, browsing stay open).
RESIDENT_PAGES = frozenset(
    {
        "register",
        "me",
        "cancel",
        "my_reading",
        "my_reading_act",
        "my_reading_delete",
        "essay_call",
        "my_data",
        "delete_account",
    }
)


class ConsentMiddleware:
    """Sends a resident who has not agreed to the notice's current version to the notice, with
    the page it asked for as ``next``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or match.namespace != "public" or match.url_name not in RESIDENT_PAGES:
            return None
        if not needs_consent(request.user):
            return None
        target = request.get_full_path() if request.method == "GET" else reverse("public:me")
        return redirect(f"{reverse('public:privacy')}?next={target}")


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("public:me")


class ConsentForm(forms.Form):
    agree = forms.BooleanField(
        label="我已阅读并同意以上个人信息处理规则",
        required=True,
        error_messages={"required": "请勾选“我已阅读并同意”后再点“同意”；不同意请点“不同意并退出”。"},
    )


@require_http_methods(["GET", "POST"])
def privacy(request):
    """The notice (个人信息处理告知). To a signed-in resident who has not agreed to this version:
    an unticked box, 同意 and 不同意并退出."""
    asking = needs_consent(request.user)
    form = ConsentForm(request.POST or None) if asking else None
    if request.method == "POST" and asking:
        if "decline" in request.POST:
            removed = consent_decline(user=request.user)
            logout(request)
            messages.info(
                request,
                "您没有同意个人信息处理规则，已退出登录"
                + ("，本次登录未保存任何信息。" if removed else "；您此前的信息保持不变，可随时注销账号。"),
            )
            return redirect("public:home")
        assert form is not None
        if form.is_valid():
            consent_give(user=request.user, request=request)
            messages.success(request, "感谢您的同意。")
            return redirect(_next(request))
    return render(
        request,
        "public/privacy/notice.html",
        {
            "sections": notice_sections(),
            "version": current_version(),
            "form": form,
            "next": _next(request),
            "resident": is_resident(request.user),
        },
    )


def _resident_or_sign_in(request):
    if is_resident(request.user):
        return None
    return redirect(f"{reverse('public:sign_in')}?next={reverse('public:me')}")


@require_POST
def my_data(request):
    """The resident's data as a zip (JSON and xlsx)."""
    if (refused := _resident_or_sign_in(request)) is not None:
        return refused
    content = resident_export(user=request.user, request=request)
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = (
        "attachment; filename=\"my-data.zip\"; filename*=UTF-8''%E6%88%91%E7%9A%84%E6%95%B0%E6%8D%AE.zip"
    )
    return response


@require_http_methods(["GET", "POST"])
def delete_account(request):
    """GET asks first (what goes, what stays); the POST, with the box ticked, deletes."""
    if (refused := _resident_or_sign_in(request)) is not None:
        return refused
    error = ""
    if request.method == "POST":
        if request.POST.get("confirm") != "yes":
            error = "请勾选“我确认注销账号”后再点“注销账号”。"
        else:
            account_delete(user=request.user, request=request)
            logout(request)
            messages.success(request, "您的账号已注销，个人信息已删除或匿名化。")
            return redirect("public:home")
    return render(request, "public/privacy/delete.html", {"error": error})
