from portal.navigation import items_for


def navigation(request) -> dict:
    """`nav_main` and `nav_work`: the navigation of the signed-in user (or visitor), made once per request and user.
    A page renders more than one template with the request (django-tables2's `{% render_table %}` renders the table
    with a context of its own, which runs every context processor again): each reads the same lists."""
    user = getattr(request, "user", None)
    if user is None:
        return {}
    made = getattr(request, "_qiyue_navigation", None)
    if made is not None and made[0] is user:
        return made[1]
    items = {"nav_main": items_for(user, "main"), "nav_work": items_for(user, "work")}
    request._qiyue_navigation = (user, items)
    return items
