from celery import shared_task


@shared_task
def ping(token: str) -> str:
    """Round trip through the broker; used by /healthz-style checks and the integration tests."""
    return f"pong:{token}"
