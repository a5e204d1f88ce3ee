"""What the apps contribute to the kernel's shared pages and commands.

Each app registers its contributions from its ``AppConfig.ready()``; the kernel iterates over these
registries and never imports an app, so a new app plugs in without touching the kernel:

- ``dashboard_panels``: sections and cards of the start page;
- ``search_sources``: what the global search (``/search/``) looks through;
- ``reference_loaders``: the datasets ``manage.py loadreference`` loads, in order;
- ``task_sources``: the rows of "My tasks" (``/tasks/``), what is due for one user;
- ``bench_scenarios``: the data and pages ``manage.py benchmark`` builds and times;
- reminder kinds: ``hpregister.reminders.register`` (the reminder engine's own registry).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.core.exceptions import ImproperlyConfigured

T = TypeVar("T")


class Registry(Generic[T]):  # noqa: UP046 - Python 3.11 has no class type parameters
    """Named items, iterated in ``order`` (then name). A name registered twice with a different item is a
    configuration error: two apps must not silently replace each other's contribution."""

    def __init__(self, what: str):
        self.what = what
        self._items: dict[str, T] = {}

    def register(self, item: T) -> T:
        existing = self._items.get(item.name)
        if existing is not None and existing != item:
            raise ImproperlyConfigured(f"Two different {self.what}s are registered as {item.name!r}.")
        self._items[item.name] = item
        return item

    def unregister(self, name: str) -> None:
        self._items.pop(name, None)

    def __iter__(self) -> Iterator[T]:
        return iter(sorted(self._items.values(), key=lambda item: (item.order, item.name)))

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, name: str) -> bool:
        return name in self._items


@dataclass(frozen=True)
class Panel:
    """A part of the dashboard. ``context(request)`` returns what ``template`` needs (as ``panel``), or
    None to leave the panel out for this user. Consecutive ``card`` panels share one row."""

    name: str
    template: str
    context: Callable[[Any], dict | None]
    order: int = 100
    card: bool = False


@dataclass(frozen=True)
class SearchSource:
    """One kind of record in the global search: ``search(user, text, limit)`` returns at most ``limit``
    records the user may see, each with ``get_absolute_url()`` and a ``str()`` to show."""

    name: str
    label: str
    search: Callable[[Any, str, int], Iterable[Any]]
    order: int = 100


@dataclass(frozen=True)
class ReferenceLoader:
    """A dataset of ``reference/``: ``load(report)`` creates what is missing and never overwrites edits."""

    name: str
    load: Callable[[Any], None]
    order: int = 100


@dataclass(frozen=True)
class Task:
    """One row of "My tasks": something the user must do by ``deadline`` (aware, UTC).

    ``all_day`` marks a deadline that is a date (a measure's due date), shown without a time. ``url`` shows
    the record; ``act_url``, where the user may change it, goes straight to the form that does the task."""

    deadline: dt.datetime
    title: str
    url: str
    action: str
    organisations: str = ""
    all_day: bool = False
    act_url: str | None = None
    source: str = ""  # filled in by the kernel: the source's label
    overdue: bool = False  # filled in by the kernel


@dataclass(frozen=True)
class TaskSource:
    """One kind of task: ``tasks(user, horizon, limit)`` returns ``(count, tasks)``, the number of the user's
    open tasks of this kind due by ``horizon`` (None: any time) and the first ``limit`` of them by deadline.
    A source costs a bounded number of queries whatever the register's size."""

    name: str
    label: str
    tasks: Callable[[Any, dt.datetime | None, int], tuple[int, list[Task]]]
    order: int = 100


@dataclass(frozen=True)
class BenchPage:
    """A page the benchmark times: its label, the persona who opens it and a function giving its URL."""

    label: str
    persona: str
    url: Callable[[], str]


@dataclass(frozen=True)
class BenchScenario:
    """What an app adds to ``manage.py benchmark``: ``build(rng, sizes, organisation_ids)`` bulk-creates its
    share of the register (``sizes`` is the command's options); ``pages`` are timed as each persona;
    ``deadline_rows(rng, count, due)`` adds open deadlines for the reminder sweep's measurement; and
    ``export_url`` is a list whose whole export is timed."""

    name: str
    build: Callable[[Any, dict, list[int]], None] | None = None
    pages: tuple[BenchPage, ...] = field(default_factory=tuple)
    deadline_rows: Callable[[Any, int, bool], None] | None = None
    export_url: str | None = None
    order: int = 100


dashboard_panels: Registry[Panel] = Registry("dashboard panel")
search_sources: Registry[SearchSource] = Registry("search source")
reference_loaders: Registry[ReferenceLoader] = Registry("reference loader")
task_sources: Registry[TaskSource] = Registry("task source")
bench_scenarios: Registry[BenchScenario] = Registry("benchmark scenario")
