from djangorestframework_camel_case.render import CamelCaseJSONRenderer

from core.api.envelope import Envelope


class EnvelopeJSONRenderer(CamelCaseJSONRenderer):
    """camelCase JSON, wrapped in the success envelope unless already an envelope."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        response = (renderer_context or {}).get("response")
        if response is not None and response.status_code == 204:
            return b""
        if not isinstance(data, Envelope):
            data = Envelope(success=True, data=data)
        return super().render(data, accepted_media_type, renderer_context)
