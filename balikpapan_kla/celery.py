import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "balikpapan_kla.settings")

app = Celery("balikpapan_kla")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
