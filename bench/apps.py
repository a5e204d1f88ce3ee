from django.apps import AppConfig


class BenchConfig(AppConfig):
    """The performance benchmark (``manage.py benchmark``, ``make bench``): a harness across the apps,
    outside the kernel, which never imports a domain app."""

    name = "bench"
    verbose_name = "Benchmark"
