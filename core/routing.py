"""One address whose HTTP methods are served by different views, chosen in the URLconf.

`/api/v1/reports/` is the reporter's anonymous submission on POST and the staff inbox on GET: two
apps, two audiences, two views. `by_method` routes each method to its own view, which keeps its
own authentication, permissions and headers; `SchemaGenerator` (drf-spectacular's, set as its
DEFAULT_GENERATOR_CLASS) lists each method's operation from its own view.
"""

from collections.abc import Callable

from django.views import View
from drf_spectacular import generators


def by_method(*, otherwise: Callable, **views: Callable) -> Callable:
    """A view sending each request to the view named after its method (`get=`, `post=`...).

    HEAD goes where GET goes; any other method (OPTIONS, or one the address does not take, which
    `otherwise` answers with its 405) goes to `otherwise`. Every answer names all the address's
    methods in `Allow`, as one view serving them all would.
    """
    handlers = {method.upper(): view for method, view in views.items()}
    if "GET" in handlers:
        handlers.setdefault("HEAD", handlers["GET"])
    allowed = {*handlers, "OPTIONS"}
    allow = ", ".join(method.upper() for method in View.http_method_names if method.upper() in allowed)

    def dispatch(request, *args, **kwargs):
        response = handlers.get(request.method, otherwise)(request, *args, **kwargs)
        if response.has_header("Allow"):
            response["Allow"] = allow
        return response

    dispatch.views_by_method = {method: view for method, view in handlers.items() if method != "HEAD"}
    # The CSRF middleware asks the URLconf's view; each view here decides for itself (DRF's do).
    dispatch.csrf_exempt = all(getattr(view, "csrf_exempt", False) for view in (*handlers.values(), otherwise))
    return dispatch


class EndpointEnumerator(generators.EndpointEnumerator):
    def should_include_endpoint(self, path, callback):
        routed = getattr(callback, "views_by_method", None)
        if routed is None:
            return super().should_include_endpoint(path, callback)
        include = super().should_include_endpoint
        return any(include(path, view) for view in routed.values())

    def get_allowed_methods(self, callback):
        routed = getattr(callback, "views_by_method", None)
        if routed is None:
            return super().get_allowed_methods(callback)
        allowed = super().get_allowed_methods
        return [method for method, view in routed.items() if method in allowed(view)]


class SchemaGenerator(generators.SchemaGenerator):
    endpoint_inspector_cls = EndpointEnumerator

    def create_view(self, callback, method, request=None):
        routed = getattr(callback, "views_by_method", {})
        return super().create_view(routed.get(method, callback), method, request)
