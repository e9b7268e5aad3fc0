from celery import shared_task


@shared_task(name="integrations.ai_key_check")
def ai_key_check_task(key_id: str) -> None:
    from integrations.models import AiProviderKey
    from integrations.services import ai_key_check

    key = AiProviderKey.objects.filter(pk=key_id).first()
    if key is not None:
        ai_key_check(key=key)
