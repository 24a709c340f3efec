"""Issue 26, security (docs/security.md): the sign-in's second step and the password gate under
/accounts/, and the staff pages of the security duties under /office/security/."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from learnweek.accounts.middleware import mark_signed_in, mark_verified
from learnweek.accounts.models import DutyRole, SecuritySettings, User
from learnweek.accounts.security import (
    can_manage_security,
    can_reset_otp,
    demo_totp_code,
    duty_holders,
    duty_role_set,
    otp_config_url,
    otp_enrol_confirm,
    otp_enrol_start,
    otp_enrolled,
    otp_required,
    otp_reset,
    otp_secret_text,
    otp_verify,
    policy,
    recovery_codes_left,
    recovery_codes_renew,
    security_settings_set,
)
from learnweek.accounts.selectors import staff_visible_to
from learnweek.backoffice.guards import staff_required
from learnweek.core.errors import DomainError
from learnweek.core.qr import qr_code

# The login page's reasons for a sign-out: the query parameter picks one of these, never text.
SIGN_OUT_MESSAGES = {
    "idle": "会话已超时：您已 {idle} 分钟没有操作，为保护账号安全已自动退出，请重新登录。",
    "max": "已达最长登录时长（{hours} 小时），为保护账号安全已自动退出，请重新登录。",
}


def _next(request, default: str = "/office/") -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(url, {request.get_host()}, require_https=request.is_secure()):
        return url
    return default


class LoginView(auth_views.LoginView):
    """Django's login page, which also says why the last session ended and starts the session's
    clock."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        reason = self.request.GET.get("reason", "")
        if reason in SIGN_OUT_MESSAGES:
            current = policy()
            context["sign_out_message"] = SIGN_OUT_MESSAGES[reason].format(
                idle=current.session_idle_minutes, hours=current.session_max_hours
            )
        return context

    def form_valid(self, form):
        response = super().form_valid(form)
        mark_signed_in(self.request)
        return response


def _signed_in_staff(request) -> User:
    user = request.user
    if not user.is_authenticated:
        raise Http404()
    if not user.is_staff_member:
        raise Http404()
    return user


class CodeForm(forms.Form):
    code = forms.CharField(
        label="动态口令",
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


def otp_verify_view(request):
    """The second step of signing in: the authenticator's code, or a recovery code."""
    user = _signed_in_staff(request)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            otp_verify(user=user, code=form.cleaned_data["code"], request=request)
        except DomainError as exc:
            if exc.code == "otp_locked":
                logout(request)
                return render(request, "registration/otp_locked.html", {"message": exc.message}, status=403)
            form.add_error("code", exc.message)
        else:
            mark_verified(request)
            return HttpResponseRedirect(_next(request))
    context = {"form": form, "next": _next(request, ""), "demo_code": demo_totp_code(user)}
    return render(request, "registration/otp_verify.html", context)


def otp_setup_view(request):
    """Enrol the authenticator app: a QR code and the key as text, confirmed by a first code;
    then the ten recovery codes, shown once. An enrolled account sees its state here and may
    renew its recovery codes."""
    user = _signed_in_staff(request)
    context = {"required": otp_required(user), "next": _next(request, "")}
    if otp_enrolled(user):
        if request.method == "POST" and request.POST.get("action") == "renew":
            codes = recovery_codes_renew(user=user, request=request)
            return render(request, "registration/otp_codes.html", {**context, "codes": codes})
        context["codes_left"] = recovery_codes_left(user)
        return render(request, "registration/otp_status.html", context)
    device = otp_enrol_start(user=user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = otp_enrol_confirm(user=user, code=form.cleaned_data["code"], request=request)
        except DomainError as exc:
            form.add_error("code", exc.message)
        else:
            mark_verified(request)
            return render(request, "registration/otp_codes.html", {**context, "codes": codes})
    context.update(
        form=form,
        qr=qr_code(otp_config_url(device)).svg_inline(scale=5, title="动态口令二维码"),
        secret=otp_secret_text(device),
        demo_code=demo_totp_code(user),
    )
    return render(request, "registration/otp_setup.html", context)


# -- /office/security/ --------------------------------------------------------------------------


class SecuritySettingsForm(forms.Form):
    session_idle_minutes = forms.IntegerField(label="空闲超时（分钟，5–30）", min_value=5, max_value=30)
    session_max_hours = forms.IntegerField(label="最长登录时长（小时，1–24）", min_value=1, max_value=24)
    password_max_age_days = forms.IntegerField(label="密码有效期（天，30–180）", min_value=30, max_value=180)
    otp_required_for_all_staff = forms.BooleanField(
        label="全体工作人员须双因素登录（管理员始终须要）", required=False
    )


@staff_required
def security_home(request):
    user = request.user
    context = {
        "policy": policy(),
        "can_settings": can_manage_security(user),
        "can_duties": user.is_superuser,
        "can_reset": user.is_superuser or user.is_unit_admin,
    }
    if not any((context["can_settings"], context["can_duties"], context["can_reset"])):
        raise Http404()
    return render(request, "backoffice/security/home.html", context)


@staff_required
def security_settings(request):
    if not can_manage_security(request.user):
        raise Http404()
    current = policy()
    form = SecuritySettingsForm(request.POST or None, initial=current.__dict__)
    if request.method == "POST" and form.is_valid():
        try:
            security_settings_set(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "安全设置已保存，立即生效。")
            return redirect("backoffice:security_settings")
    stored = SecuritySettings.objects.filter(pk=1).first()
    return render(request, "backoffice/security/settings.html", {"form": form, "stored": stored})


class DutyForm(forms.Form):
    username = forms.CharField(label="用户名", max_length=150)
    duty = forms.ChoiceField(
        label="三员角色", choices=[("", "（取消三员角色）"), *DutyRole.choices], required=False
    )


@staff_required
def security_duties(request):
    """The superuser assigns the three duties of 三员分立."""
    if not request.user.is_superuser:
        raise Http404()
    form = DutyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        account = User.objects.filter(username__iexact=form.cleaned_data["username"].strip()).first()
        if account is None:
            form.add_error("username", "没有这个用户名的账号。")
        else:
            try:
                duty_role_set(
                    actor=request.user, user=account, duty=form.cleaned_data["duty"], request=request
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, f"{account} 的三员角色已更新。")
                return redirect("backoffice:security_duties")
    return render(request, "backoffice/security/duties.html", {"form": form, "holders": duty_holders()})


@staff_required
def security_two_factor(request):
    """The staff below the administrator's unit (everyone, for the superuser) who enrolled a
    second factor, each with a reset button."""
    user = request.user
    if not (user.is_superuser or user.is_unit_admin):
        raise Http404()
    query = request.GET.get("q", "").strip()[:50]
    staff = staff_visible_to(user).filter(totpdevice__confirmed=True).distinct()
    if not user.is_superuser:
        staff = staff.exclude(unit=user.unit)
    if query:
        staff = staff.filter(username__icontains=query) | staff.filter(full_name__icontains=query)
    return render(request, "backoffice/security/two_factor.html", {"staff": staff[:200], "q": query})


@staff_required
@require_POST
def security_otp_reset(request, pk):
    account = staff_visible_to(request.user).filter(pk=pk).first()
    if account is None or not can_reset_otp(request.user, account):
        raise Http404()
    try:
        otp_reset(actor=request.user, user=account, request=request)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已重置 {account} 的动态口令；其下次登录时须重新绑定。")
    return redirect("backoffice:security_two_factor")
