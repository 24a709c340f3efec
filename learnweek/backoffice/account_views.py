"""The accounts pages of the back office (issue 26, accounts at scale): the list with last
sign-in, activation state and unused accounts, bulk disabling, the export, the import of a
spreadsheet of staff, and the administrator's password reset."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from learnweek.accounts.activation import admin_password_reset, is_activated, may_reset, staff_bulk_disable
from learnweek.accounts.exporters import StaffImportTemplate, StaffListExporter
from learnweek.accounts.selectors import STAFF_STATES, staff_filtered, staff_get_visible, staff_visible_to
from learnweek.accounts.services import personal_export_log, staff_roles_set
from learnweek.accounts.staff_import import COLUMNS, staff_import
from learnweek.backoffice import forms
from learnweek.backoffice.downloads import send_document
from learnweek.backoffice.guards import staff_required
from learnweek.core.downloads import download_document
from learnweek.core.errors import DomainError
from learnweek.core.tabular import pictures_sentence, read_table
from learnweek.orgs.roles import Role
from learnweek.orgs.selectors import unit_get_visible

PAGE_SIZE = 50


def _filtered(request):
    state = request.GET.get("state", "")
    state = state if state in STAFF_STATES else ""
    query = request.GET.get("q", "").strip()[:50]
    return state, query, staff_filtered(staff_visible_to(request.user), state=state, query=query)


@staff_required
def staff_list(request):
    state, query, staff = _filtered(request)
    page = Paginator(staff, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    is_admin = request.user.has_role(Role.ADMIN)
    context = {
        "page": page,
        "state": state,
        "q": query,
        "states": STAFF_STATES.items(),
        "query": params.urlencode(),
        "can_manage": is_admin,
        "own_unit": request.user.unit,
        "unused_days": settings.ACCOUNT_UNUSED_DAYS,
    }
    return render(request, "backoffice/accounts/list.html", context)


@staff_required
def staff_export(request):
    if not request.user.has_role(Role.ADMIN):
        raise Http404()
    state, query, staff = _filtered(request)
    unit_name = request.user.unit.name if request.user.unit else "全部单位"
    exporter = StaffListExporter(unit_name, staff)
    label = "，".join(x for x in (STAFF_STATES[state] if state else "", query) if x) or "全部"
    return send_document(
        request,
        exporter,
        "xlsx",
        back=reverse("backoffice:staff_list"),
        written=lambda: personal_export_log(
            actor=request.user, what="工作人员账号名单", detail=f"{unit_name}：{label}"
        ),
    )


@staff_required
@require_POST
def staff_bulk_disable_view(request):
    ids = [int(x) for x in request.POST.getlist("ids") if x.isdigit()]
    chosen = list(staff_visible_to(request.user).filter(pk__in=ids))
    back = reverse("backoffice:staff_list") + ("?" + request.POST["back"] if request.POST.get("back") else "")
    if len(chosen) != len(set(ids)):
        raise Http404()  # an account outside the subtree looks missing
    try:
        done = staff_bulk_disable(actor=request.user, users=chosen)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已停用 {done} 个账号。" if done else "所选账号都已是停用状态。")
    return redirect(back)


@staff_required
def staff_import_view(request, code):
    under = unit_get_visible(request.user, code)
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    summary = ""
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            table = read_table(upload, upload.name)
            result = staff_import(actor=request.user, under=under, table=table)
        except DomainError as exc:
            errors = getattr(exc, "errors", None) or [exc.message]
            summary = getattr(exc, "summary", "")
            forms.ask_to_choose_again(form)
        else:
            with_email = sum(1 for u in result.created if u.email)
            messages.success(
                request,
                f"导入完成：{result.summary}。新账号须由本人激活后才能登录"
                f"（{with_email} 个已发送激活邮件；其余请本人在“激活账号”页面用手机号获取验证码）。",
            )
            if pictures := table.rows.pictures():
                messages.warning(request, pictures_sentence(pictures))
            return redirect(reverse("backoffice:staff_list") + "?state=inactive")
    return render(
        request,
        "backoffice/accounts/import.html",
        {
            "unit": under,
            "form": form,
            "errors": errors,
            "summary": summary,
            "columns": COLUMNS,
            "is_own": request.user.unit_id == under.pk,
        },
    )


@staff_required
def staff_import_template(request, code):
    under = unit_get_visible(request.user, code)
    return download_document(StaffImportTemplate(under), "xlsx")


@staff_required
@require_POST
def staff_password_reset_view(request, pk):
    account = staff_get_visible(request.user, pk)
    try:
        told = admin_password_reset(actor=request.user, user=account, request=request)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, told)
    return redirect("backoffice:staff_detail", pk=account.pk)


@staff_required
def staff_detail(request, pk):
    account = staff_get_visible(request.user, pk)
    form = forms.StaffRolesForm(request.POST or None, initial={"roles": [r.value for r in account.roles]})
    if request.method == "POST" and form.is_valid():
        try:
            staff_roles_set(actor=request.user, user=account, roles=form.cleaned_data["roles"])
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "角色已更新。")
            return redirect("backoffice:staff_detail", pk=account.pk)
    context = {
        "account": account,
        "form": form,
        "activated": is_activated(account),
        "can_reset": may_reset(request.user, account),
    }
    return render(request, "backoffice/accounts/detail.html", context)
