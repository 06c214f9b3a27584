from portal.navigation import items_for


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None:
        return {}
    return {"nav_main": items_for(user, "main"), "nav_work": items_for(user, "work")}
