"""Template routes: the catalog (built-in and the user's own), applying one, saving a workspace as one."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from core.api.pagination import EnvelopePagination
from core.api.views import BaseAPIView
from templates.api.serializers import (
    TemplateApplySerializer,
    TemplateCreateSerializer,
    TemplateDetailSerializer,
    TemplateListQuerySerializer,
    TemplateSerializer,
)
from templates.selectors import template_get, templates_visible
from templates.services import template_apply, template_create, template_delete
from workspaces.api.workspace_serializers import WorkspaceSerializer
from workspaces.models import Workspace


class TemplateListView(BaseAPIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Templates: the built-in ones first, then yours (newest first)",
        parameters=[
            OpenApiParameter("kind", str, enum=["architecture"]),
            OpenApiParameter("category", str, description="web, serverless, containers, data, networking, ml …"),
            OpenApiParameter("provider", str, enum=["aws", "azure", "gcp"], description="Generates for it."),
            OpenApiParameter("search", str, description="Words that must all appear in the name or description."),
        ],
        responses=TemplateSerializer(many=True),
    )
    def get(self, request):
        query = TemplateListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        templates = templates_visible(user=request.user, **query.validated_data)
        paginator = EnvelopePagination()
        page = paginator.paginate_queryset(templates, request, view=self)
        return paginator.get_paginated_response(TemplateSerializer(page, many=True).data)

    @extend_schema(
        summary="Save a workspace's architecture as your template",
        request=TemplateCreateSerializer,
        responses={201: TemplateDetailSerializer},
    )
    def post(self, request):
        serializer = TemplateCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        workspace = Workspace.objects.filter(pk=data.pop("workspace_id"), owner=request.user).first()
        if workspace is None:
            raise NotFound("No such workspace.")
        template = template_create(user=request.user, workspace=workspace, **data)
        return Response(TemplateDetailSerializer(template).data, status=status.HTTP_201_CREATED)


TEMPLATE_ID = OpenApiParameter("template_id", str, OpenApiParameter.PATH, description="The template's id.")


@extend_schema(parameters=[TEMPLATE_ID])
class TemplateDetailView(BaseAPIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(summary="A template with its architecture", responses=TemplateDetailSerializer)
    def get(self, request, template_id):
        return Response(TemplateDetailSerializer(template_get(user=request.user, template_id=template_id)).data)

    @extend_schema(summary="Delete your template (built-in ones cannot be)", responses={204: None})
    def delete(self, request, template_id):
        template_delete(user=request.user, template=template_get(user=request.user, template_id=template_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(parameters=[TEMPLATE_ID])
class TemplateApplyView(BaseAPIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Create a workspace from a template",
        description="The architecture is drawn for `provider` (every block's provider and default subtype).",
        request=TemplateApplySerializer,
        responses={201: WorkspaceSerializer},
    )
    def post(self, request, template_id):
        template = template_get(user=request.user, template_id=template_id)
        serializer = TemplateApplySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        workspace = template_apply(user=request.user, template=template, **serializer.validated_data)
        return Response(WorkspaceSerializer(workspace).data, status=status.HTTP_201_CREATED)
