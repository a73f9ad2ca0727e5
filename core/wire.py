"""The registry through which the domain reaches the wire form of its objects.

Events carry each object as the API renders it, and an update's `previous_attributes` is a
difference of two renderings; yet models and services may not import the API. The API
registers one renderer per model when it starts (api.objects does, for each serializer), and
the domain asks here.
"""

from collections.abc import Callable
from typing import Any

from django.db import models

Renderer = Callable[[models.Model], dict[str, Any]]

_renderers: dict[type[models.Model], Renderer] = {}


def renderer_register(model: type[models.Model], renderer: Renderer) -> None:
    _renderers[model] = renderer


def render(obj: models.Model) -> dict[str, Any]:
    """The wire form of `obj`, as an API response or an event would carry it."""
    try:
        renderer = _renderers[type(obj)]
    except KeyError:
        raise LookupError(f"No wire renderer is registered for {type(obj).__name__}; is the "
                          "app's api module imported (api.apps)?") from None
    return renderer(obj)


ErrorRenderer = Callable[[Exception], dict[str, Any]]
_error_renderer: list[ErrorRenderer] = []


def error_renderer_register(renderer: ErrorRenderer) -> None:
    _error_renderer[:] = [renderer]


def render_error(exc: Exception) -> dict[str, Any]:
    """A domain exception as the API's error hash (`type`, `code`, `message`, `param`), for
    outcomes stored to be shown later (a refund batch's items)."""
    if not _error_renderer:
        raise LookupError("No wire error renderer is registered; is the api app installed?")
    return _error_renderer[0](exc)
