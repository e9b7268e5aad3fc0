from core.api.jobs import await_pending_job
from core.api.routing import api_path
from runs.api import views
from runs.api.streams import RunEventStreamView

PROJECT = r"projects/(?P<project_pk>[^/.]+)"
RUN = rf"{PROJECT}/runs/(?P<pk>[^/.]+)"
RUN_CHILD = rf"{PROJECT}/runs/(?P<run_pk>[^/.]+)"

runs = views.RunViewSet.as_view
tasks = views.TaskViewSet.as_view
exports = views.ExportViewSet.as_view
deployments = views.DeploymentViewSet.as_view
files = views.ProjectFilesViewSet.as_view

urlpatterns = [
    api_path(f"{PROJECT}/runs", runs({"get": "list", "post": "create"}), "project-runs"),
    api_path(RUN, runs({"get": "retrieve"}), "project-run"),
    api_path(f"{RUN}/cancel", await_pending_job(runs({"post": "cancel"})), "project-run-cancel"),
    api_path(f"{RUN}/retry", runs({"post": "retry"}), "project-run-retry"),
    api_path(f"{RUN}/events", runs({"get": "events"}), "project-run-events"),
    api_path(f"{RUN_CHILD}/events/stream", RunEventStreamView.as_view(), "project-run-event-stream"),
    api_path(f"{RUN_CHILD}/tasks", tasks({"get": "list"}), "project-run-tasks"),
    api_path(rf"{RUN_CHILD}/tasks/(?P<pk>[^/.]+)", tasks({"get": "retrieve"}), "project-run-task"),
    api_path(f"{PROJECT}/files", files({"get": "list"}), "project-files"),
    api_path(rf"{PROJECT}/files/(?P<path>.+?)", files({"get": "retrieve"}), "project-file"),
    api_path(f"{PROJECT}/export", exports({"post": "create"}), "project-export"),
    api_path(rf"{PROJECT}/exports/(?P<pk>[^/.]+)", exports({"get": "retrieve"}), "project-export-detail"),
    api_path(rf"{PROJECT}/exports/(?P<pk>[^/.]+)/download", exports({"get": "download"}), "project-export-download"),
    api_path(f"{PROJECT}/deploy", deployments({"post": "create"}), "project-deploy"),
    api_path(
        rf"{PROJECT}/deployments/(?P<pk>[^/.]+)",
        deployments({"get": "retrieve", "delete": "destroy"}),
        "project-deployment",
    ),
    api_path("admin/stats", views.SystemStatsView.as_view(), "admin-stats"),
]
