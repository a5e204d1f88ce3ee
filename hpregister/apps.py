from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HPRegisterConfig(AppConfig):
    name = "hpregister"
    verbose_name = _("Register kernel")

    def ready(self):
        from . import (
            audit,  # noqa: F401  (connects the security audit trail's signal receivers)
            tasks,  # noqa: F401  (registers the Celery tasks the reminder channels hand work to)
        )
        from .reference import load_organisations
        from .registry import ReferenceLoader, reference_loaders

        reference_loaders.register(ReferenceLoader("organisations", load_organisations, order=10))

        cache_tables2_signatures()


def cache_tables2_signatures() -> None:
    """django-tables2 inspects the signature of a render/value function for every cell it draws; on a page
    of 50 rows that was a third of the server time (see the benchmark in README.md). Signatures do not
    change at run time, so they are cached per function (and per bound/unbound use)."""
    import django_tables2.utils as tables2_utils

    if getattr(tables2_utils.signature, "cached", False):
        return
    original = tables2_utils.signature
    cache = {}

    def signature(fn):
        key = (getattr(fn, "__func__", fn), hasattr(fn, "__self__"))
        try:
            return cache[key]
        except KeyError:
            cache[key] = result = original(fn)
            return result
        except TypeError:  # an unhashable callable
            return original(fn)

    signature.cached = True
    tables2_utils.signature = signature
