from django.db import models
from django.urls import reverse

from hpregister.models import Organisation, ScopedModel


class Inspection(ScopedModel):
    title = models.CharField(max_length=200)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField()
    done = models.BooleanField(default=False)

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("hpregister:organisation_detail", args=[self.organisation_id])
