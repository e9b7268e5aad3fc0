"""URL helpers: every API path matches with or without a trailing slash (the seeds use both)."""

from django.urls import re_path
from rest_framework.routers import SimpleRouter


def api_path(route: str, view, name: str):
    return re_path(rf"^{route}/?$", view, name=name)


class ApiRouter(SimpleRouter):
    def __init__(self):
        super().__init__()
        self.trailing_slash = "/?"
