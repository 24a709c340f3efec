"""Residents' own pages: signing in with a mobile number, signing up, their registrations."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpResponseForbidden, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from learnweek.accounts.residents import otp_send, resident_sign_in
from learnweek.activities.exporters import span_text
from learnweek.activities.selectors import activity_get_public
from learnweek.core.errors import DomainError
from learnweek.core.origin import from_elsewhere
from learnweek.core.ratelimits import limit, remember_device
from learnweek.core.sms import last_message_to
from learnweek.privacy.selectors import family_members
from learnweek.public.context import ELDER_COOKIE
from learnweek.public.forms import CodeForm, PhoneForm, SignUpForm
from learnweek.public.qr import qr_svg
from learnweek.registrations.models import RegistrationStatus
from learnweek.registrations.selectors import (
    online_link_for,
    registration_get_for_resident,
    registration_of_resident_for,
    registrations_of_resident,
    waitlist_position,
    waitlist_position_next,
)
from learnweek.registrations.services import registration_cancel, registration_create


def _next(request, default: str, *, or_referer: bool = False) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if not target and or_referer:
        target = request.headers.get("Referer", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _is_resident(user) -> bool:
    return user.is_authenticated and user.unit_id is None and not user.is_superuser and bool(user.phone)


@remember_device
def sign_in(request):
    """Step one: name and mobile number, a code is sent. Step two: the code, and the resident is
    signed in (the account is made on the first sign-in)."""
    next_url = _next(request, reverse("public:me"))
    step, demo_sms = "phone", ""
    phone_form, code_form = PhoneForm(), None
    if request.method == "POST" and "code" not in request.POST:
        phone_form = PhoneForm(request.POST)
        if phone_form.is_valid():
            try:
                phone = otp_send(
                    phone=phone_form.cleaned_data["phone"], before_send=lambda: limit(request, "code")
                )
            except DomainError as exc:
                phone_form.add_error("phone", exc.message)
            else:
                step = "code"
                code_form = CodeForm(initial={"phone": phone, "name": phone_form.cleaned_data["name"]})
                if settings.LEARNWEEK_DEMO:
                    demo_sms = last_message_to(phone)
    elif request.method == "POST":
        step, code_form = "code", CodeForm(request.POST)
        if code_form.is_valid():
            d = code_form.cleaned_data
            try:
                user = resident_sign_in(phone=d["phone"], code=d["code"], full_name=d["name"])
            except DomainError as exc:
                code_form.add_error("code", exc.message)
            else:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                return HttpResponseRedirect(next_url)
    return render(
        request,
        "public/residents/sign_in.html",
        {
            "step": step,
            "phone_form": phone_form,
            "code_form": code_form,
            "next": next_url,
            "demo_sms": demo_sms,
        },
    )


def register(request, pk):
    activity = activity_get_public(pk)
    if not _is_resident(request.user):
        if request.user.is_authenticated:
            messages.error(request, "工作人员账号不能报名活动，请退出后用手机号登录报名。")
            return redirect("public:activity", pk=pk)
        return redirect(f"{reverse('public:sign_in')}?next={reverse('public:register', args=[pk])}")
    existing = registration_of_resident_for(request.user, activity)
    if existing is not None:
        messages.info(request, f"您已报名该活动（{existing.get_status_display()}）。")
        return redirect("public:me")
    form = SignUpForm(
        request.POST or None, initial={"name": request.user.full_name}, family=family_members(request.user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            limit(request, "signup")
            signup = registration_create(
                activity_id=activity.pk,
                phone=request.user.phone,
                name=form.cleaned_data["name"],
                resident=request.user,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            if signup.position is None:
                messages.success(
                    request, f"报名成功！请在活动现场出示签到码 {signup.registration.code_display}。"
                )
            else:
                messages.info(
                    request,
                    f"名额已满，您在候补第 {signup.position} 位；有人取消时按顺序递补，并短信通知您。",
                )
            return redirect("public:me")
    return render(
        request,
        "public/residents/register.html",
        {
            "a": activity,
            "when": span_text(activity),
            "form": form,
            # What the tap will give (the service decides by the same reading, under its lock).
            "position": waitlist_position_next(activity),
        },
    )


def me(request):
    if not _is_resident(request.user):
        return redirect(f"{reverse('public:sign_in')}?next={reverse('public:me')}")
    rows = [
        {
            "r": r,
            "when": span_text(r.activity),
            "position": waitlist_position(r),
            "qr": qr_svg(r.code) if r.status == RegistrationStatus.CONFIRMED else "",
            "link": online_link_for(r.activity, r),
        }
        for r in registrations_of_resident(request.user)
    ]
    return render(request, "public/residents/me.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
def cancel(request, pk):
    """GET asks first (确定取消…吗？, a page that needs no JavaScript); the POST cancels."""
    if not _is_resident(request.user):
        return redirect(f"{reverse('public:sign_in')}?next={reverse('public:me')}")
    registration = registration_get_for_resident(request.user, pk)
    waiting = registration.status == RegistrationStatus.WAITLISTED
    if request.method == "GET":
        if not registration.can_cancel() or registration.activity.cancelled_at:
            return redirect("public:me")
        return render(
            request,
            "public/residents/cancel.html",
            {"r": registration, "when": span_text(registration.activity), "waiting": waiting},
        )
    try:
        registration_cancel(resident=request.user, registration=registration)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        done = "已退出候补" if waiting else "已取消报名"
        messages.success(request, f"{done}：{registration.activity.name}。")
    return redirect("public:me")


@csrf_exempt  # by origin instead (core/origin.py): the page with the button then needs no token
@require_POST
def elder_toggle(request):
    """Switch the elder-friendly mode on or off for this browser, and go back to the page it was
    switched on (the Referer, when it is this site's). Refused (403) when the browser says another
    site sent it."""
    if from_elsewhere(request):
        return HttpResponseForbidden("请在本站页面上切换长辈模式。", content_type="text/plain; charset=utf-8")
    response = HttpResponseRedirect(_next(request, reverse("public:home"), or_referer=True))
    if request.COOKIES.get(ELDER_COOKIE) == "1":
        response.delete_cookie(ELDER_COOKIE)
    else:
        response.set_cookie(ELDER_COOKIE, "1", max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return response
