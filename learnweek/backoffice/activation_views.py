"""The account pages staff use before they can sign in (issue 26, accounts): activating a new
account and resetting a forgotten password, each by a text-message code to the account's mobile
number or by a one-time link e-mailed to it. No page says whether an account exists."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from learnweek.accounts.activation import (
    account_activate,
    code_request,
    password_reset_by_code,
    password_set_by_link,
    reset_link_request,
)
from learnweek.accounts.models import CodePurpose
from learnweek.accounts.tokens import user_of_link
from learnweek.core.errors import DomainError
from learnweek.core.ratelimits import limit, remember_device
from learnweek.core.sms import last_message_to

MOBILE_ATTRS = {"inputmode": "tel", "autocomplete": "tel"}


class MobileForm(forms.Form):
    phone = forms.CharField(label="手机号码", max_length=20, widget=forms.TextInput(attrs=MOBILE_ATTRS))


class ResetWhoForm(forms.Form):
    who = forms.CharField(
        label="手机号码或电子邮箱",
        max_length=254,
        help_text="账号登记的手机号（收短信验证码）或邮箱（收重置链接）",
    )


class PasswordForm(forms.Form):
    password1 = forms.CharField(
        label="新密码", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label="再次输入新密码",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", "两次输入的密码不一致。")
        return data


class CodePasswordForm(PasswordForm):
    phone = forms.CharField(widget=forms.HiddenInput)
    code = forms.CharField(
        label="短信验证码",
        max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )
    field_order = ["phone", "code", "password1", "password2"]


PAGES: dict[str, dict[str, str]] = {
    CodePurpose.ACTIVATE: {
        "title": "激活账号",
        "lead": "单位为您开通工作台账号后，请在这里输入账号登记的手机号，收到短信验证码后自己设定密码。"
        "用户名为手机号。",
        "sent": "如果该手机号属于一个待激活的工作人员账号，验证码已发送，10 分钟内有效。",
        "done": "账号已激活。请用用户名 {username} 和刚设定的密码登录。",
        "button": "激活并设定密码",
    },
    CodePurpose.RESET: {
        "title": "找回密码",
        "lead": "输入账号登记的手机号获取短信验证码，或输入登记的邮箱接收重置链接，然后设定新密码。",
        "sent": "如果该手机号属于一个工作人员账号，验证码已发送，10 分钟内有效。",
        "done": "密码已重置，原密码和 API 令牌均已失效。请用用户名 {username} 和新密码登录。",
        "button": "设定新密码",
    },
}


def _code_flow(request, purpose: str):
    page = PAGES[purpose]
    step, demo_sms = "who", ""
    who_form: forms.Form = ResetWhoForm() if purpose == CodePurpose.RESET else MobileForm()
    code_form = None
    if request.method == "POST" and "code" not in request.POST:
        who_form = ResetWhoForm(request.POST) if purpose == CodePurpose.RESET else MobileForm(request.POST)
        if who_form.is_valid():
            typed: str = who_form.cleaned_data.get("who") or who_form.cleaned_data.get("phone") or ""
            field = "who" if purpose == CodePurpose.RESET else "phone"
            if "@" in typed:
                try:  # the same device and network limits as a code, before any mail is queued
                    limit(request, "code")
                except DomainError as exc:
                    who_form.add_error(field, exc.message)
                else:
                    reset_link_request(email=typed)
                    step = "mailed"
            else:
                try:
                    phone = code_request(
                        phone=typed, purpose=purpose, before_send=lambda: limit(request, "code")
                    )
                except DomainError as exc:
                    who_form.add_error(field, exc.message)
                else:
                    step, code_form = "code", CodePasswordForm(initial={"phone": phone})
                    if settings.LEARNWEEK_DEMO:
                        demo_sms = last_message_to(phone)
    elif request.method == "POST":
        step, code_form = "code", CodePasswordForm(request.POST)
        if code_form.is_valid():
            d = code_form.cleaned_data
            complete = account_activate if purpose == CodePurpose.ACTIVATE else password_reset_by_code
            try:
                user = complete(phone=d["phone"], code=d["code"], password=d["password1"], request=request)
            except DomainError as exc:
                field = "password1" if exc.code == "password_weak" else "code"
                code_form.add_error(field, exc.message)
            else:
                messages.success(request, page["done"].format(username=user.username))
                return redirect("login")
    context = {"page": page, "step": step, "who_form": who_form, "code_form": code_form, "demo_sms": demo_sms}
    context["purpose"] = purpose
    return render(request, "registration/account_code.html", context)


@never_cache
@remember_device
def activate(request):
    return _code_flow(request, CodePurpose.ACTIVATE)


@never_cache
@remember_device
def password_reset(request):
    return _code_flow(request, CodePurpose.RESET)


def _link_flow(request, uidb64: str, token: str, purpose: str):
    page = PAGES[CodePurpose.ACTIVATE if purpose == "activate" else CodePurpose.RESET]
    user = user_of_link(uidb64, token, purpose)
    form = PasswordForm(request.POST or None)
    if user is not None and request.method == "POST" and form.is_valid():
        try:
            password_set_by_link(
                user=user, password=form.cleaned_data["password1"], purpose=purpose, request=request
            )
        except DomainError as exc:
            form.add_error("password1", exc.message)
        else:
            messages.success(request, page["done"].format(username=user.username))
            return redirect("login")
    context = {"page": page, "valid": user is not None, "form": form, "account": user, "purpose": purpose}
    return render(request, "registration/account_link.html", context)


@never_cache
def activate_link(request, uidb64, token):
    return _link_flow(request, uidb64, token, "activate")


@never_cache
def password_reset_link(request, uidb64, token):
    return _link_flow(request, uidb64, token, "reset")
