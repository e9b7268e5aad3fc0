from core.api.routing import api_path
from templates.api.views import TemplateApplyView, TemplateDetailView, TemplateListView

TEMPLATE = r"templates/(?P<template_id>[^/.]+)"

urlpatterns = [
    api_path("templates", TemplateListView.as_view(), "templates"),
    api_path(TEMPLATE, TemplateDetailView.as_view(), "template"),
    api_path(f"{TEMPLATE}/apply", TemplateApplyView.as_view(), "template-apply"),
]
