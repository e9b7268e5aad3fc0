from celery import shared_task

from core.realtime.publish import publish_to_user


@shared_task(bind=True, name="core.realtime_ping")
def realtime_ping(self, user_id: str, nonce: str, requested_at: str) -> None:
    publish_to_user(user_id, "PING", {"nonce": nonce, "requestedAt": requested_at, "worker": self.request.hostname})
