"""The audit log for the 审计管理员: search and export, nothing else (the auditor changes nothing).
Anyone else — including the unit's own administrators — finds no such page (404)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from learnweek.accounts.selectors import audit_entries_visible_to
from learnweek.audit.exporters import EXPORT_MAX, AuditExporter
from learnweek.audit.selectors import audit_search
from learnweek.audit.services import audit_record, retention_days
from learnweek.backoffice.audit_forms import AuditSearchForm
from learnweek.backoffice.guards import staff_required
from learnweek.core.downloads import download_document

PAGE_SIZE = 50


def _searched(request, data):
    if not (request.user.is_superuser or request.user.is_auditor):
        raise Http404()
    form = AuditSearchForm(data)
    entries = audit_entries_visible_to(request.user)
    if form.is_valid():
        entries = audit_search(entries, **form.cleaned_data)
    else:
        entries = entries.order_by("-id")
    return form, entries


@staff_required
def audit_log(request):
    form, entries = _searched(request, request.GET or None)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "retention_days": retention_days(),
        "export_max": EXPORT_MAX,
    }
    return render(request, "backoffice/audit/log.html", context)


@staff_required
@require_POST
def audit_export(request):
    """The entries of the search as xlsx; the export is itself an entry (who took what)."""
    form, entries = _searched(request, request.POST)
    count = entries.count()
    if count > EXPORT_MAX:
        messages.error(
            request, f"符合条件的有 {count} 条，一次最多导出 {EXPORT_MAX} 条，请缩小日期范围后再导出。"
        )
        return redirect(f"{reverse('backoffice:audit_log')}?{request.POST.get('query', '')}")
    with transaction.atomic():
        audit_record(
            "audit.export", actor=request.user, request=request, target_label=form.description(),
            detail={"rows": count},
        )  # fmt: skip
    return download_document(AuditExporter(entries, form.description()), "xlsx")
