from django.apps import AppConfig


class DevdataConfig(AppConfig):
    """Fictional data, never part of the product: `seed_demo` (the laptop demo, through each app's
    services and its `demo` builders) and `seed_volume` (volume for benchmarks, by COPY). It may
    import every app, and no app imports it. No models, no URLs; both commands refuse to run with
    DJANGO_DEBUG=false unless forced."""

    name = "devdata"
