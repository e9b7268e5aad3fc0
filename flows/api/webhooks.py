"""Public webhook endpoints: `POST /webhooks/{token}` fires the trigger, `GET /webhooks/{token}/test` checks it.

The token is the only credential, unless the trigger also requires a signature. Order of checks: the
token (404), the flow running (400, as in the seed), the body size (413), the owner's webhook rate
(429), the signature (401), then the execution is written — counted against the month, deduplicated
by the delivery id — and queued. The 202 is sent only after the execution row is committed. When
Redis (quotas, the queue) is down the answer is 503 and nothing is written.
"""

from django.conf import settings
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, Throttled
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from core.api.exceptions import ApplicationError, ValidationFailed
from core.api.responses import envelope_response
from core.api.schema import error_response
from core.api.throttling import OwnerPlanRateThrottle
from core.api.views import BaseAPIView
from flows.api.serializers import WebhookAcceptedSerializer, WebhookTestSerializer
from flows.events import execution_channel
from flows.models import TERMINAL_EXECUTION_STATUSES, Execution, FlowStatus, Trigger, TriggerType
from flows.services.executions import execution_start, webhook_payload
from flows.services.triggers import token_hash
from flows.signatures import SignatureRejected, delivery_key, verify_signature

ACCEPTED_MESSAGE = "Webhook received and execution started"


class PayloadTooLarge(ApplicationError):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    code = "PAYLOAD_TOO_LARGE"


class SignatureInvalid(ApplicationError):
    status_code = status.HTTP_401_UNAUTHORIZED
    code = "UNAUTHORIZED"


def _trigger(token: str) -> Trigger:
    trigger = (
        Trigger.objects.select_related("flow__owner")
        .filter(webhook_token_hash=token_hash(token), type=TriggerType.WEBHOOK)
        .first()
    )
    if trigger is None:
        raise NotFound("Webhook not found")
    return trigger


class ExecutionOutcome:
    """A `sync` webhook's wait: the finished execution's status and output, or None while it runs."""

    def __init__(self, execution: Execution, wait_seconds: float):
        self.execution_id = execution.pk
        self.wait_seconds = wait_seconds
        self.channel = execution_channel(execution.pk)

    def outcome(self):
        execution = (
            Execution.objects.filter(pk=self.execution_id).only("status", "output_payload", "error_message").first()
        )
        if execution is None or execution.status not in TERMINAL_EXECUTION_STATUSES:
            return None
        return envelope_response(
            {
                "status": execution.status,
                "executionId": execution.pk,
                "output": execution.output_payload,
                "errorMessage": execution.error_message,
            }
        )


class WebhookView(BaseAPIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes: list = []

    @extend_schema(
        summary="Fire a webhook trigger",
        description="Any body (JSON is parsed, anything else kept as text) becomes the execution's input. "
        "`async` triggers answer 202 `{status: accepted, executionId}` once the execution is stored; `sync` triggers "
        "wait up to their `syncTimeoutSeconds` and answer 200 with the execution's status and output, else 202. "
        "A repeat of a delivery (same `Idempotency-Key`, or the sender's delivery id with a signature preset) answers "
        "with the first execution and creates nothing.",
        request=None,
        responses={
            202: WebhookAcceptedSerializer,
            400: error_response("VALIDATION_ERROR: 'Flow is not running (status: stopped)'."),
            401: error_response("UNAUTHORIZED: the signature is missing or wrong."),
            404: error_response("NOT_FOUND: 'Webhook not found'."),
            413: error_response("PAYLOAD_TOO_LARGE: the body is over the webhook limit."),
            429: error_response("RATE_LIMITED or QUOTA_EXCEEDED (the month's executions are used)."),
            503: error_response("SERVICE_UNAVAILABLE: quotas or the queue cannot be reached; retry."),
        },
    )
    def post(self, request, token: str):
        trigger = _trigger(token)
        flow = trigger.flow
        if flow.status != FlowStatus.RUNNING:
            raise ValidationFailed(f"Flow is not running (status: {flow.status})", details={"status": flow.status})
        if not trigger.enabled:
            raise ValidationFailed("This webhook trigger is disabled.")
        limit = settings.FLOW_WEBHOOK_MAX_BODY_BYTES
        declared = request.META.get("CONTENT_LENGTH") or "0"
        if (declared.isdigit() and int(declared) > limit) or len(request.body) > limit:
            raise PayloadTooLarge(f"The webhook body is larger than {limit} bytes.", details={"limit": limit})
        throttle = OwnerPlanRateThrottle()
        if not throttle.allow_for(request, owner=flow.owner, scope="webhooks"):
            raise Throttled(wait=throttle.wait())
        body = request.body
        signature = trigger.config.get("signature") or {}
        preset = signature.get("preset")
        if preset:
            try:
                verify_signature(
                    preset=preset,
                    secret=trigger.signing_secret,
                    headers=request.headers,
                    body=body,
                    header=signature.get("header", ""),
                )
            except SignatureRejected as exc:
                raise SignatureInvalid(str(exc)) from exc
        execution, created = execution_start(
            flow=flow,
            trigger=trigger,
            trigger_type=TriggerType.WEBHOOK,
            payload=webhook_payload(body, request.content_type or ""),
            delivery_key=delivery_key(preset=preset, headers=request.headers, body=body),
        )
        data = {"status": "accepted", "executionId": execution.pk, "message": ACCEPTED_MESSAGE}
        if not created:
            data["message"] = "Duplicate delivery; this is the execution it started"
        response = Response(data, status=status.HTTP_202_ACCEPTED)
        if trigger.config.get("responseMode") == "sync":
            response.pending_job = ExecutionOutcome(execution, float(trigger.config.get("syncTimeoutSeconds", 10)))
        return response


class WebhookTestView(BaseAPIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        summary="Check a webhook token",
        responses={200: WebhookTestSerializer, 404: OpenApiResponse(description="Webhook not found")},
    )
    def get(self, request, token: str):
        trigger = _trigger(token)
        return Response(
            WebhookTestSerializer(
                {
                    "valid": True,
                    "trigger_name": trigger.name,
                    "flow_name": trigger.flow.name,
                    "flow_status": trigger.flow.status,
                }
            ).data
        )
