"""The API front door: django-ninja at /api/v1/, one router per domain."""

from csp.decorators import csp_exempt
from ninja import NinjaAPI

from learnweek.api.auth import BearerToken
from learnweek.api.parser import StrictParser
from learnweek.api.routers import (
    activities,
    auth,
    campaigns,
    materials,
    nominations,
    public,
    reading,
    stats,
    units,
)
from learnweek.core.errors import DomainError, NotFound, PermissionDenied
from learnweek.core.ratelimits import RateLimited

api = NinjaAPI(
    title="learnweek API",
    version="1",
    description=(
        "全民终身学习活动周系统接口。找活动（/public/activities）与换取令牌无需令牌；"
        "报名与取消用居民令牌（手机号 + 验证码换取），其余用工作人员令牌："
        "`Authorization: Bearer <令牌>`。"
    ),
    auth=BearerToken(),
    urls_namespace="api",
    parser=StrictParser(),
    # The interactive docs page loads Swagger UI with inline script: the one page without CSP.
    docs_decorator=csp_exempt(),
)
api.add_router("/auth", auth.router)
api.add_router("/units", units.router)
api.add_router("", campaigns.router)
api.add_router("", activities.router)
api.add_router("", stats.router)
api.add_router("", public.router)
api.add_router("", nominations.router)
api.add_router("", materials.router)
api.add_router("", reading.router)


@api.exception_handler(DomainError)
def domain_error(request, exc: DomainError):
    status = (
        404
        if isinstance(exc, NotFound)
        else 403
        if isinstance(exc, PermissionDenied)
        else 429
        if isinstance(exc, RateLimited)
        else 400
    )
    return api.create_response(request, {"code": exc.code, "message": exc.message}, status=status)
