"""The reminder engine, in layers that import only downwards:

``thresholds`` (pure) → ``models`` (the ledger and the rules) → ``kinds`` (what the apps register) →
``recipients`` → ``render`` → ``channels`` (e-mail) → ``sweep`` and ``digest``; the Celery tasks are at
the edge, in ``hpregister.tasks``.

The apps use what this module exports: they declare their deadline kinds with ``register`` from their
``AppConfig.ready()``.
"""

from .kinds import REGISTRY, DeadlineKind, Due, horizon_date, register
from .recipients import operator_privacy_officers

__all__ = ["REGISTRY", "DeadlineKind", "Due", "horizon_date", "operator_privacy_officers", "register"]
