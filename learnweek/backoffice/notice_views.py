"""The staff member's notices: the list, and marking them read."""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from learnweek.backoffice.guards import staff_required
from learnweek.notices.selectors import notices_page, unread_count
from learnweek.notices.services import notice_mark_read


@staff_required
def notice_list(request):
    unread_only = request.GET.get("unread") == "1"
    page = notices_page(request.user, request.GET.get("page"), unread_only=unread_only)
    return render(
        request,
        "backoffice/notices/list.html",
        {
            "page": page,
            "unread_only": unread_only,
            "unread": unread_count(request.user),
            "query": "unread=1" if unread_only else "",
        },
    )


@staff_required
@require_POST
def notice_read(request):
    """Mark one notice read (``notice``) and follow its link, or mark them all read."""
    notice_id = request.POST.get("notice")
    notice_mark_read(
        actor=request.user, notice_id=int(notice_id) if notice_id and notice_id.isdigit() else None
    )
    target = request.POST.get("next", "")
    if notice_id and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("backoffice:notices")
