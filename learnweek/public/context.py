ELDER_COOKIE = "lw_elder"


def elder_mode(request):
    """Every page knows whether the visitor chose the elder-friendly mode (large type, high
    contrast, big touch targets); the choice is a cookie, so it is remembered without an account."""
    return {"elder": request.COOKIES.get(ELDER_COOKIE) == "1"}
