"""The compliance register's share of ``manage.py benchmark`` (registered in contributions.py)."""

from hpregister.registry import BenchPage, BenchScenario

from .models import SubProcessor

BATCH = 5000


def build(rng, sizes, organisation_ids):
    SubProcessor.objects.bulk_create(
        (
            SubProcessor(
                name=f"Benchmark vendor {n}",
                processing_activity="Support",
                country=rng.choice(["NO", "SE", "US", "GB", "IN"]),
                transfer_basis="within_eea",
            )
            for n in range(sizes["subprocessors"])
        ),
        batch_size=BATCH,
    )


scenario = BenchScenario(
    name="compliance",
    build=build,
    pages=(
        BenchPage("Obligation matrix", "alice", lambda: "/compliance/obligations/matrix/"),
        BenchPage("Sub-processor list", "alice", lambda: "/compliance/subprocessors/"),
    ),
    order=30,
)
