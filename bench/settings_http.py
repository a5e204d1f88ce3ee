"""Settings for the HTTP benchmark (bench/over_http.py): the project's own, with the "hello" floor view added.

``BENCH_BARE=1`` gives the bare Django floor instead: the same hello view with no middleware at all."""

import os

from hpregister.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls_http"
if os.environ.get("BENCH_BARE") == "1":
    ROOT_URLCONF = "bench.urls_bare"
    MIDDLEWARE = []
