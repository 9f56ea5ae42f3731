"""One page of a query's results, with the total; every list page and the API use it."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from coaction.extensions import db


@dataclass(frozen=True)
class Page:
    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def page_number(page: int, per_page: int, total: int, clamp: bool = True) -> int:
    """Pages out of range are clamped to the first or last page; unclamped (the API), past the last is empty."""
    return min(max(page, 1), max(1, -(-total // per_page))) if clamp else max(page, 1)


def paginate(query: sa.Select, page: int, per_page: int, clamp: bool = True, rows: bool = False) -> Page:
    """One page of the query's entities, or of its rows (several columns each) with `rows`."""
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.order_by(None).subquery()))
    page = page_number(page, per_page, total, clamp)
    cut = query.limit(per_page).offset((page - 1) * per_page)
    items = list(db.session.execute(cut).all() if rows else db.session.scalars(cut))
    return Page(items, page, per_page, total)
