"""What every back-office page's header shows: the unread notices of the signed-in account."""

from django.utils.functional import SimpleLazyObject

from learnweek.notices.selectors import unread_count


def notices(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_staff_member:
        return {}
    # Counted only when the header is drawn (a download or a redirect reads nothing).
    return {"notices_unread": SimpleLazyObject(lambda: unread_count(user))}
