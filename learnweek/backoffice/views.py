"""Staff pages. Views read through selectors and write through services; nothing else."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from learnweek.accounts.selectors import (
    api_tokens_of,
    personal_exports_visible_to,
    staff_get_visible,
)
from learnweek.accounts.services import (
    api_token_revoke,
    password_change,
    staff_account_create,
    staff_active_set,
)
from learnweek.backoffice import forms
from learnweek.backoffice.guards import staff_required
from learnweek.campaigns.inbox import inbox_for
from learnweek.core.errors import DomainError
from learnweek.core.tabular import pictures_sentence, read_table
from learnweek.orgs.roles import Role
from learnweek.orgs.selectors import unit_children, unit_get_visible, units_visible_to, within
from learnweek.orgs.services import (
    INSTITUTION_COLUMNS,
    INSTITUTION_OPTIONAL_COLUMNS,
    designation_add,
    institution_create,
    institutions_import,
    unit_update,
)

PAGE_SIZE = 50


def _home_unit_code(user) -> str:
    if user.unit_id:
        return user.unit.code
    return units_visible_to(user).filter(depth=1).values_list("code", flat=True).first() or ""


@staff_required
def home(request):
    code = _home_unit_code(request.user)
    unit = unit_get_visible(request.user, code) if code else None
    return render(request, "backoffice/home.html", {"unit": unit, "inbox": inbox_for(request.user)})


def _breadcrumbs(user, unit):
    """The ancestors the user may open (a county user's trail starts at its own county)."""
    return list(units_visible_to(user).filter(pk__in=unit.get_ancestors().values("pk")).order_by("depth"))


@staff_required
def unit_detail(request, code):
    unit = unit_get_visible(request.user, code)
    children = unit_children(unit)
    query = request.GET.get("q", "").strip()
    if query:
        # Search the whole subtree, not only the direct children.
        children = (
            within(units_visible_to(request.user), unit)
            .exclude(pk=unit.pk)
            .filter(Q(name__contains=query) | Q(code__startswith=query))
            .order_by("path")
        )
    page = Paginator(children, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "unit": unit,
        "breadcrumbs": _breadcrumbs(request.user, unit),
        "page": page,
        "query": query,
        "designations": unit.designations.order_by("-year"),
        "can_manage": request.user.has_role(Role.ADMIN),
    }
    if request.headers.get("HX-Request"):
        return render(request, "backoffice/orgs/fragment_children.html", context)
    return render(request, "backoffice/orgs/unit_detail.html", context)


@staff_required
def unit_edit(request, code):
    unit = unit_get_visible(request.user, code)
    form = forms.UnitEditForm(
        request.POST or None,
        initial={
            "name": unit.name,
            "issuer_name": unit.issuer_name,
            "address": unit.address,
            "phone": unit.phone,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            unit_update(actor=request.user, unit=unit, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "已保存。")
            return redirect("backoffice:unit", code=unit.code)
    return render(
        request, "backoffice/orgs/unit_form.html", {"unit": unit, "form": form, "title": "编辑单位"}
    )


@staff_required
def institution_new(request, code):
    parent = unit_get_visible(request.user, code)
    form = forms.InstitutionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = institution_create(actor=request.user, parent=parent, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"已添加机构 {created.name}。")
            return redirect("backoffice:unit", code=created.code)
    return render(
        request, "backoffice/orgs/unit_form.html", {"unit": parent, "form": form, "title": "添加机构"}
    )


@staff_required
def institution_import(request, code):
    under = unit_get_visible(request.user, code)
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            table = read_table(upload, upload.name)
            created = institutions_import(actor=request.user, under=under, table=table)
        except DomainError as exc:
            errors = getattr(exc, "errors", None) or [exc.message]
            forms.ask_to_choose_again(form)
        else:
            messages.success(request, f"已导入 {len(created)} 个机构。")
            if pictures := table.rows.pictures():
                messages.warning(request, pictures_sentence(pictures))
            return redirect("backoffice:unit", code=under.code)
    return render(
        request,
        "backoffice/orgs/import.html",
        {
            "unit": under,
            "form": form,
            "errors": errors,
            "required": INSTITUTION_COLUMNS.values(),
            "optional": INSTITUTION_OPTIONAL_COLUMNS.values(),
        },
    )


@staff_required
def designation_new(request, code):
    unit = unit_get_visible(request.user, code)
    form = forms.DesignationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            designation_add(actor=request.user, unit=unit, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "已添加称号。")
            return redirect("backoffice:unit", code=unit.code)
    return render(
        request, "backoffice/orgs/unit_form.html", {"unit": unit, "form": form, "title": "添加称号"}
    )


@staff_required
def unit_history(request, code):
    unit = unit_get_visible(request.user, code)
    if not request.user.has_role(Role.ADMIN):
        messages.error(request, "只有管理员可以查看修改记录。")
        return redirect("backoffice:unit", code=unit.code)
    records = unit.history.select_related("history_user").order_by("-history_date")[:200]
    rows = []
    for record in records:
        previous = record.prev_record
        changes = []
        if previous is not None:
            delta = record.diff_against(previous)
            changes = [(unit._meta.get_field(c.field).verbose_name, c.old, c.new) for c in delta.changes]
        rows.append({"record": record, "changes": changes})
    return render(request, "backoffice/orgs/history.html", {"unit": unit, "rows": rows})


@staff_required
def personal_exports(request):
    """The administrator's log of exports that hold personal data, by staff of its subtree."""
    page = Paginator(personal_exports_visible_to(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "backoffice/accounts/exports.html", {"page": page})


@staff_required
def staff_new(request, code):
    unit = unit_get_visible(request.user, code)
    form = forms.StaffCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = staff_account_create(actor=request.user, unit=unit, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"已为 {unit.name} 创建账号 {user.username}。")
            return redirect("backoffice:staff_detail", pk=user.pk)
    return render(
        request, "backoffice/orgs/unit_form.html", {"unit": unit, "form": form, "title": "新建账号"}
    )


@staff_required
@require_POST
def staff_toggle_active(request, pk):
    account = staff_get_visible(request.user, pk)
    try:
        staff_active_set(actor=request.user, user=account, active=not account.is_active)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "账号已启用。" if account.is_active else "账号已停用。")
    return redirect("backoffice:staff_detail", pk=account.pk)


@staff_required
def api_tokens(request):
    """The user's own API tokens: when each was issued and last used, when it expires; each can
    be revoked."""
    context = {"tokens": api_tokens_of(request.user), "ttl_days": settings.API_TOKEN_TTL_DAYS}
    return render(request, "backoffice/accounts/tokens.html", context)


@staff_required
@require_POST
def api_token_revoke_view(request, pk):
    api_token_revoke(actor=request.user, pk=pk)
    messages.success(request, "令牌已撤销，用它的程序需重新换取令牌。")
    return redirect("backoffice:api_tokens")


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password page (old password, new one twice), saving through ``password_change``,
    which also ends the account's API tokens. The session stays signed in."""

    success_url = "/accounts/password/done/"

    def form_valid(self, form):
        try:
            password_change(user=form.user, password=form.cleaned_data["new_password1"])
        except DomainError as exc:
            form.add_error(None, exc.message)
            return self.form_invalid(form)
        update_session_auth_hash(self.request, form.user)
        return HttpResponseRedirect(self.get_success_url())
