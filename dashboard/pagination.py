"""Keyset pages for dashboard lists, newest first by (created, id), as api/lists.py pages.

A cursor is an object id: `after` shows what is older than it, `before` what is newer. Page
10,000 costs what page 1 costs, and rows added meanwhile never shift a page.
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404


@dataclass(frozen=True)
class Page:
    rows: list[Any]
    older: str | None  # the `after` cursor of the next (older) page, if there is one
    newer: str | None  # the `before` cursor of the previous (newer) page, if there is one


def keyset_page(queryset: QuerySet, *, after: str | None, before: str | None,
                size: int) -> Page:
    """One page of `queryset` (already scoped to merchant and mode)."""
    cursor_id = before or after
    backwards = bool(before)
    scoped = queryset
    if cursor_id:
        # Resolved inside the scoped queryset: another merchant's id is simply not there.
        cursor_created = queryset.filter(pk=cursor_id).values_list("created", flat=True).first()
        if cursor_created is None:
            raise Http404("No such cursor")
        if backwards:
            queryset = queryset.filter(Q(created__gt=cursor_created)
                                       | Q(created=cursor_created, pk__gt=cursor_id))
        else:
            queryset = queryset.filter(Q(created__lt=cursor_created)
                                       | Q(created=cursor_created, pk__lt=cursor_id))
    ordering = ("created", "pk") if backwards else ("-created", "-pk")
    rows = list(queryset.order_by(*ordering)[: size + 1])
    has_more = len(rows) > size
    rows = rows[:size]
    if cursor_id and not rows:
        # Nothing beyond the cursor any more (rows deleted meanwhile): start from the newest.
        return keyset_page(scoped, after=None, before=None, size=size)
    if backwards:
        rows.reverse()
        # The cursor row itself is older than this page, so an older page always exists.
        return Page(rows=rows, older=rows[-1].pk, newer=rows[0].pk if has_more else None)
    return Page(rows=rows, older=rows[-1].pk if has_more else None,
                newer=rows[0].pk if cursor_id else None)
