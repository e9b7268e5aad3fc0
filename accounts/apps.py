from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self) -> None:
        from accounts import schema  # noqa: F401 - registers the OpenAPI authentication extension
        from accounts.realtime import user_channel
        from core.realtime.registry import register_channel_kind

        register_channel_kind(user_channel)
