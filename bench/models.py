from django.db import models


class BaselineRow(models.Model):
    """What the baseline endpoint inserts: one row per request, nothing else."""

    name = models.CharField(max_length=100)
    value = models.IntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.name}={self.value}"
