"""The API front door: django-ninja at /api/v1/, one router per domain."""

from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError

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
from learnweek.core.errors import DomainError, NotFound, PermissionDenied, Unauthenticated
from learnweek.core.locking import Busy
from learnweek.core.ratelimits import CountersUnavailable, RateLimited

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
    # The interactive docs are Swagger UI as django-ninja ships it ("ninja" in INSTALLED_APPS):
    # served from our /static/, pinned with django-ninja, its settings in a JSON block and its
    # start-up in a file, so the page runs under the site's CSP. No validator badge: it would
    # send the schema's address to validator.swagger.io.
    docs=Swagger(settings={"validatorUrl": None}),
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
        else 503
        if isinstance(exc, CountersUnavailable)
        else 401
        if isinstance(exc, Unauthenticated)
        else 409
        if isinstance(exc, Busy)
        else 400
    )
    return api.create_response(request, {"code": exc.code, "message": exc.message}, status=status)


@api.exception_handler(AuthenticationError)
def no_token(request, exc: AuthenticationError):
    """No token, or one of the wrong kind (a resident's for staff operations, or the reverse)."""
    return domain_error(
        request,
        Unauthenticated(
            "请携带有效的令牌：Authorization: Bearer <令牌>（工作人员令牌由 POST /api/v1/auth/token 换取，"
            "居民令牌由 POST /api/v1/auth/resident-token 换取）。",
            code="token_required",
        ),
    )
