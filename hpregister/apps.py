from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class HPRegisterConfig(AppConfig):
    name = "hpregister"
    verbose_name = _("Register kernel")

    def ready(self):
        from . import (
            audit,  # noqa: F401  (connects the security audit trail's signal receivers)
            db,
            lookups,
            middleware,  # noqa: F401  (a sign-in counts as the session's last write)
            tasks,  # noqa: F401  (registers the Celery tasks the reminder channels hand work to)
        )
        from .inbox import tasks_panel
        from .measures import register_effect_checks, register_measure_events
        from .reference import load_organisations
        from .registry import Panel, ReferenceLoader, dashboard_panels, reference_loaders

        reference_loaders.register(ReferenceLoader("organisations", load_organisations, order=10))
        dashboard_panels.register(Panel("hpregister.tasks", "panels/tasks.html", tasks_panel, order=5))
        register_effect_checks()
        register_measure_events()

        cache_tables2_signatures()
        lookups.install()
        db.install()
        show_people_by_name()


# The versions of django-tables2 whose cells BaseTable.tbody_html is compared with (tests/test_views.py
# draws every list both ways). Another version may change how a cell is drawn: the check below says so at
# start-up, and that test fails loudly, instead of a page quietly drawing wrong cells.
TABLES2_TESTED = ((3, 0), (3, 1))  # from 3.0 up to, not including, 3.1


@checks.register()
def tables2_version_check(app_configs, **kwargs):
    import django_tables2

    version = tuple(int(part) for part in django_tables2.__version__.split(".")[:2])
    low, high = TABLES2_TESTED
    if low <= version < high:
        return []
    return [
        checks.Warning(
            f"django-tables2 {django_tables2.__version__} is not the version the fast list rendering was "
            f"tested with ({low[0]}.{low[1]}.x).",
            hint="Run tests/test_views.py::test_rows_drawn_in_python_match_django_tables2s_own_template "
            "and widen TABLES2_TESTED in hpregister/apps.py when it passes.",
            id="hpregister.W001",
        )
    ]


def show_people_by_name() -> None:
    """Owner drop-downs, "sent by", "approved by", the history's "who", exports and admin show a person's full
    name: Django's User prints its user name, and every one of those places prints the user."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import User

    from .people import person

    if get_user_model() is User:
        User.__str__ = person


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
