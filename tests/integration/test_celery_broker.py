import pytest

from hpregister.tasks import ping

pytestmark = pytest.mark.integration


def test_a_task_round_trips_through_the_real_broker_to_a_real_worker(celery_worker_queue):
    result = ping.apply_async(args=["hp-42"], queue=celery_worker_queue)
    assert result.get(timeout=60) == "pong:hp-42"
