"""AI for architectures: generate from a prompt, review, estimate the monthly cost (nothing is stored)."""

from drf_spectacular.utils import extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from core.api.schema import error_response
from core.api.views import BaseAPIView
from workspaces.api.workspace_serializers import (
    AiCostSerializer,
    AiGeneratedSerializer,
    AiGenerateSerializer,
    AiSuggestionsSerializer,
    AiSuggestSerializer,
    CostEstimateSerializer,
)
from workspaces.services.architecture_ai import (
    ai_architecture_generate,
    ai_architecture_suggest,
    architecture_cost_estimate,
)

INVALID = error_response("VALIDATION_ERROR: a bad field, or an architecture with errors (the result in details).")
AI_FAILED = error_response("GENERATION_FAILED: the AI provider failed or answered invalid output twice.")


def _snake_keys(data: dict) -> dict:
    """The services answer in camelCase (the API's form); the serializers read snake_case fields."""
    return {"".join(f"_{c.lower()}" if c.isupper() else c for c in key): value for key, value in data.items()}


class AiGenerateView(BaseAPIView):
    permission_classes = [IsAuthenticated]
    throttle_scope = "generation"

    @extend_schema(
        summary="Generate an architecture from a prompt",
        description="The answer always passes our validator for the provider. The built-in provider composes "
        "from the templates and the prompt's keywords; an AI provider answers under a schema, validated and "
        "repaired once. Rate limit scope `generation`.",
        request=AiGenerateSerializer,
        responses={200: AiGeneratedSerializer, 400: INVALID, 500: AI_FAILED},
    )
    def post(self, request):
        serializer = AiGenerateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        generated = ai_architecture_generate(user=request.user, **serializer.validated_data)
        return Response(AiGeneratedSerializer(_snake_keys(generated)).data)


class AiSuggestView(BaseAPIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Review an architecture: suggestions and scores",
        request=AiSuggestSerializer,
        responses={200: AiSuggestionsSerializer, 400: INVALID, 500: AI_FAILED},
    )
    def post(self, request):
        serializer = AiSuggestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        review = ai_architecture_suggest(user=request.user, **serializer.validated_data)
        review["suggestions"] = [_snake_keys(item) for item in review["suggestions"]]
        review["score"] = _snake_keys(review["score"])
        return Response(AiSuggestionsSerializer(_snake_keys(review)).data)


class AiCostView(BaseAPIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Estimate the monthly cost of an architecture",
        description="Per resource and in total, with the assumptions of every line, from the built-in price "
        "catalog (`source: builtin`, `catalogVersion`), or from Infracost on the generated Terraform when "
        "INFRACOST_API_KEY is set and the CLI is installed (`source: infracost`).",
        request=AiCostSerializer,
        responses={200: CostEstimateSerializer, 400: INVALID},
    )
    def post(self, request):
        serializer = AiCostSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        estimate = architecture_cost_estimate(**serializer.validated_data)
        estimate["lines"] = [_snake_keys(line) for line in estimate["lines"]]
        return Response(CostEstimateSerializer(_snake_keys(estimate)).data)
