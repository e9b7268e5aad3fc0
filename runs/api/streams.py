"""Server-sent events of a run: `GET /projects/{id}/runs/{runId}/events/stream` (DESIGN.md §5).

The stream replays the stored events after `Last-Event-ID` (or `?after=`, default 0: everything),
then sends live ones as they are published, each exactly once and in `seq` order
(`core.realtime.ordering`). Every SSE_HEARTBEAT_SECONDS without events it sends a comment and
catches up from the database, so an event lost by the channel layer still arrives. It ends after
the terminal event (RUN_COMPLETED, RUN_FAILED or RUN_CANCELLED).
"""

import asyncio
import json
from collections.abc import AsyncIterator

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.negotiation import BaseContentNegotiation

from core.api.views import BaseAPIView
from core.realtime.ordering import SequencedDelivery
from core.realtime.registry import group_name
from runs.events import TERMINAL_EVENTS, run_channel
from runs.models import Run
from runs.selectors import run_events_after


class JsonErrorsNegotiation(BaseContentNegotiation):
    """Clients ask for text/event-stream; errors before the stream starts are still JSON envelopes."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


def _frame(event: dict) -> str:
    return f"id: {event['seq']}\nevent: {event['eventType']}\ndata: {json.dumps(event)}\n\n"


def _run_ended(run_id: str) -> bool:
    return Run.objects.filter(pk=run_id, completed_at__isnull=False).exists()


async def run_event_stream(run_id: str, after: int) -> AsyncIterator[str]:
    layer = get_channel_layer()
    channel_name = await layer.new_channel()
    group = group_name(run_channel(run_id))
    fetch = database_sync_to_async(run_events_after)
    ended = database_sync_to_async(_run_ended)
    delivery = SequencedDelivery(lambda low, high: fetch(run_id, low, high), after)
    # Join the live group before replaying, so nothing published in between is missed.
    await layer.group_add(group, channel_name)
    try:
        yield "retry: 3000\n\n"
        pending = await delivery.replay()
        if not pending and await ended(run_id):
            return
        while True:
            for event in pending:
                yield _frame(event)
                if event["eventType"] in TERMINAL_EVENTS:
                    return
            try:
                message = await asyncio.wait_for(layer.receive(channel_name), settings.SSE_HEARTBEAT_SECONDS)
            except TimeoutError:
                yield ": heartbeat\n\n"
                pending = await delivery.replay()
                if not pending and await ended(run_id):
                    return
                continue
            pending = await delivery.live(message["data"])
    finally:
        await layer.group_discard(group, channel_name)


class RunEventStreamView(BaseAPIView):
    content_negotiation_class = JsonErrorsNegotiation

    @extend_schema(
        summary="Stream a run's events (server-sent events)",
        description="Each event: `id: <seq>`, `event: <eventType>`, `data: <the event as JSON>`. Replays from "
        "`Last-Event-ID` or `?after=`, heartbeats every 15 s, ends after RUN_COMPLETED, RUN_FAILED or RUN_CANCELLED.",
        parameters=[
            OpenApiParameter("project_pk", str, OpenApiParameter.PATH, description="The project's id."),
            OpenApiParameter("run_pk", str, OpenApiParameter.PATH, description="The run's id."),
            OpenApiParameter("after", int, description="Replay events with a higher seq (default 0)."),
            OpenApiParameter("Last-Event-ID", int, location=OpenApiParameter.HEADER, required=False),
        ],
        responses={(200, "text/event-stream"): OpenApiResponse(OpenApiTypes.STR, description="The event stream.")},
    )
    def get(self, request, project_pk=None, run_pk=None):
        if not Run.objects.filter(pk=run_pk, project_id=project_pk, owner=request.user).exists():
            raise NotFound("No such run.")
        raw = request.headers.get("Last-Event-ID") or request.query_params.get("after") or "0"
        if not raw.isdigit():
            raise ValidationError({"after": [f"Last-Event-ID and after must be an event seq; got {raw!r}."]})
        response = StreamingHttpResponse(run_event_stream(run_pk, int(raw)), content_type="text/event-stream")
        response["Cache-Control"] = "no-cache"
        response["X-Accel-Buffering"] = "no"
        return response
