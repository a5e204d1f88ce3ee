import pytest

from hpregister.tasks import ping

pytestmark = pytest.mark.integration


def test_a_task_round_trips_through_the_real_broker_to_a_real_worker(celery_worker_queue):
    result = ping.apply_async(args=["hp-42"], queue=celery_worker_queue)
    assert result.get(timeout=60) == "pong:hp-42"


def test_a_task_runs_under_the_request_id_of_the_request_that_queued_it(celery_worker_queue):
    """django-guid carries the request id in the message's headers; the worker's log lines show it too."""
    from django_guid import clear_guid, set_guid

    from hpregister.tasks import request_id

    set_guid("c0ffeec0ffeec0ffeec0ffeec0ffee00")
    try:
        result = request_id.apply_async(queue=celery_worker_queue)
        assert result.get(timeout=60) == "c0ffeec0ffeec0ffeec0ffeec0ffee00"
    finally:
        clear_guid()
