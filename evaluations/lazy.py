"""A message with its params bound, rendered in the language active wherever it is shown.

`lazy_message(MESSAGE, {"day": day})`, MESSAGE a gettext_lazy template, is for text that is not itself a refusal
but travels inside one or is shown later: a param of another message, a `RowError` reason, a reason handed to
another app's registration hook.
Refusals themselves are coded ValidationErrors (core.services.refusal), never pre-rendered.
"""

from __future__ import annotations

from django.utils.functional import lazy

from core.services import render_message

lazy_message = lazy(render_message, str)
