"""The small test override: faster hashing, plain static storage, nothing else."""

from .settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405

# Tests that enqueue after commit must not leave messages in the developer's file broker;
# with REDIS_URL set (CI), the real Redis broker is used as it is.
if CELERY_BROKER_URL.startswith("filesystem://"):  # noqa: F405
    CELERY_BROKER_URL = "memory://"
