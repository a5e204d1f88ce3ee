"""The risk register's share of ``manage.py benchmark`` (registered in contributions.py)."""

import datetime as dt

from django.utils import timezone

from hpregister.registry import BenchPage, BenchScenario

from .choices import Dimension
from .models import Risk, ScaleStep

BATCH = 5000


def build(rng, sizes, organisation_ids):
    today = timezone.localdate()
    steps_p = list(ScaleStep.objects.filter(dimension=Dimension.PROBABILITY, scale__is_active=True))
    steps_c = list(ScaleStep.objects.filter(dimension=Dimension.CONSEQUENCE, scale__is_active=True))
    Risk.objects.bulk_create(
        (
            Risk(
                title=f"Benchmark risk {n}",
                organisation_id=rng.choice(organisation_ids),
                residual_probability=rng.choice(steps_p),
                residual_consequence=rng.choice(steps_c),
                next_review=today + dt.timedelta(days=rng.randint(-30, 300)),
            )
            for n in range(sizes["risks"])
        ),
        batch_size=BATCH,
    )


scenario = BenchScenario(
    name="risks",
    build=build,
    pages=(
        BenchPage("Risk list, page 1", "alice", lambda: "/risks/"),
        BenchPage("Admin risk change list, page 1", "root", lambda: "/admin/risks/risk/"),
        BenchPage("Top-10 page", "mona", lambda: "/risks/top10/"),
        BenchPage("Heatmap", "alice", lambda: "/risks/matrix/"),
    ),
    order=20,
)
