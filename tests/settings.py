"""The project's settings plus a test app that plugs into the kernel (tests/plugin_app)."""

from hpregister.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "tests.plugin_app"]  # noqa: F405
