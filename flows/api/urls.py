from core.api.jobs import await_pending_job
from core.api.routing import api_path
from flows.api.views import (
    ExecutionViewSet,
    FlowLogViewSet,
    FlowMemoryViewSet,
    FlowVersionViewSet,
    FlowViewSet,
    TriggerViewSet,
    UsageStatsView,
)
from flows.api.webhooks import WebhookTestView, WebhookView

FLOW = r"flows/(?P<pk>[^/.]+)"
CHILD = r"flows/(?P<flow_pk>[^/.]+)"
TRIGGER = rf"{CHILD}/triggers/(?P<pk>[^/.]+)"
EXECUTION = rf"{CHILD}/executions/(?P<pk>[^/.]+)"
VERSION = rf"{CHILD}/versions/(?P<number>[^/.]+)"
MEMORY_KEY = rf"{CHILD}/memory/(?P<key>[^/]+)"


def webhook_routes(*, documented: bool) -> list:
    """Public webhook routes, mounted at /api/v1/webhooks/ (documented) and /webhooks/ (DESIGN.md §4)."""
    schema = {} if documented else {"schema": None}
    return [
        api_path(r"(?P<token>[A-Za-z0-9_-]+)", await_pending_job(WebhookView.as_view(**schema)), "webhook"),
        api_path(r"(?P<token>[A-Za-z0-9_-]+)/test", WebhookTestView.as_view(**schema), "webhook-test"),
    ]


urlpatterns = [
    api_path("flows", FlowViewSet.as_view({"get": "list", "post": "create"}), "flows"),
    api_path(FLOW, FlowViewSet.as_view({"get": "retrieve", "patch": "partial_update", "delete": "destroy"}), "flow"),
    api_path(f"{FLOW}/validate", FlowViewSet.as_view({"post": "validate"}), "flow-validate"),
    api_path(f"{FLOW}/start", FlowViewSet.as_view({"post": "start"}), "flow-start"),
    api_path(f"{FLOW}/stop", FlowViewSet.as_view({"post": "stop"}), "flow-stop"),
    api_path(f"{FLOW}/stats", FlowViewSet.as_view({"get": "stats"}), "flow-stats"),
    # The seed's route, which BloxServer shadowed with /executions/{id}; declared before it here.
    api_path(f"{FLOW}/executions/stats", FlowViewSet.as_view({"get": "stats"}), "flow-execution-stats"),
    api_path(f"{CHILD}/versions", FlowVersionViewSet.as_view({"get": "list"}), "flow-versions"),
    api_path(VERSION, FlowVersionViewSet.as_view({"get": "retrieve"}), "flow-version"),
    api_path(f"{VERSION}/restore", FlowVersionViewSet.as_view({"post": "restore"}), "flow-version-restore"),
    api_path(f"{CHILD}/triggers", TriggerViewSet.as_view({"get": "list", "post": "create"}), "flow-triggers"),
    api_path(
        TRIGGER,
        TriggerViewSet.as_view({"get": "retrieve", "patch": "partial_update", "delete": "destroy"}),
        "flow-trigger",
    ),
    api_path(
        f"{TRIGGER}/regenerate-token",
        TriggerViewSet.as_view({"post": "regenerate_token"}),
        "flow-trigger-regenerate-token",
    ),
    api_path(f"{CHILD}/executions", ExecutionViewSet.as_view({"get": "list"}), "flow-executions"),
    api_path(f"{CHILD}/executions/run", ExecutionViewSet.as_view({"post": "run"}), "flow-execution-run"),
    api_path(EXECUTION, ExecutionViewSet.as_view({"get": "retrieve"}), "flow-execution"),
    api_path(f"{EXECUTION}/cancel", ExecutionViewSet.as_view({"post": "cancel"}), "flow-execution-cancel"),
    api_path(f"{EXECUTION}/replay", ExecutionViewSet.as_view({"post": "replay"}), "flow-execution-replay"),
    api_path(f"{CHILD}/logs", FlowLogViewSet.as_view({"get": "list"}), "flow-logs"),
    api_path(
        f"{CHILD}/memory",
        FlowMemoryViewSet.as_view({"get": "summary", "patch": "configure", "delete": "clear"}),
        "flow-memory",
    ),
    api_path(
        MEMORY_KEY,
        FlowMemoryViewSet.as_view({"get": "entry", "put": "write", "delete": "remove"}),
        "flow-memory-entry",
    ),
    api_path("usage/stats", UsageStatsView.as_view(), "usage-stats"),
]
