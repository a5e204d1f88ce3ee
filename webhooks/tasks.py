from celery import shared_task


@shared_task
def deliver_webhook(delivery_id: str) -> str:
    from .delivery import deliver

    return deliver(delivery_id)


@shared_task
def sweep_webhooks() -> dict:
    from .delivery import sweep

    return sweep()
