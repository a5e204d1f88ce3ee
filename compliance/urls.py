from django.urls import path
from django.views.generic import RedirectView

from hpregister.measures import effect_view

from . import views
from .models import GapAction

app_name = "compliance"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="compliance:obligation_list"), name="index"),
    path("obligations/", views.ObligationListView.as_view(), name="obligation_list"),
    path("obligations/matrix/", views.obligation_matrix, name="obligation_matrix"),
    path("obligations/<int:pk>/", views.ObligationView.as_view(), name="obligation_detail"),
    path("assessments/", views.AssessmentListView.as_view(), name="assessment_list"),
    path("assessments/<int:pk>/", views.AssessmentView.as_view(), name="assessment_detail"),
    path("assessments/<int:pk>/edit/", views.AssessmentEditView.as_view(), name="assessment_edit"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("gaps/", views.GapListView.as_view(), name="gap_list"),
    path("gaps/add/", views.GapEditView.as_view(), name="gap_add"),
    path("gaps/<int:pk>/", views.GapView.as_view(), name="gap_detail"),
    path("gaps/<int:pk>/edit/", views.GapEditView.as_view(), name="gap_edit"),
    path("gaps/<int:parent_pk>/actions/add/", views.GapActionEditView.as_view(), name="gapaction_add"),
    path("gaps/<int:parent_pk>/actions/<int:pk>/edit/", views.GapActionEditView.as_view(), name="gapaction_edit"),
    path("gaps/<int:parent_pk>/actions/<int:pk>/effect/", effect_view(GapAction), name="gapaction_effect"),
    path("subprocessors/", views.SubProcessorListView.as_view(), name="subprocessor_list"),
    path("subprocessors/add/", views.SubProcessorEditView.as_view(), name="subprocessor_add"),
    path("subprocessors/import/", views.subprocessor_import, name="subprocessor_import"),
    path("subprocessors/<int:pk>/", views.SubProcessorView.as_view(), name="subprocessor_detail"),
    path("subprocessors/<int:pk>/edit/", views.SubProcessorEditView.as_view(), name="subprocessor_edit"),
    path("adequacy/", views.AdequacyDecisionListView.as_view(), name="adequacydecision_list"),
    path("adequacy/add/", views.AdequacyDecisionEditView.as_view(), name="adequacydecision_add"),
    path("adequacy/<int:pk>/", views.AdequacyDecisionView.as_view(), name="adequacydecision_detail"),
    path("adequacy/<int:pk>/edit/", views.AdequacyDecisionEditView.as_view(), name="adequacydecision_edit"),
    path("agreements/", views.ProcessorAgreementListView.as_view(), name="processoragreement_list"),
    path("agreements/add/", views.ProcessorAgreementEditView.as_view(), name="processoragreement_add"),
    path("agreements/<int:pk>/", views.ProcessorAgreementView.as_view(), name="processoragreement_detail"),
    path("agreements/<int:pk>/edit/", views.ProcessorAgreementEditView.as_view(), name="processoragreement_edit"),
    path("notices/", views.NoticeListView.as_view(), name="subprocessornotice_list"),
    path("notices/add/", views.NoticeEditView.as_view(), name="subprocessornotice_add"),
    path("notices/<int:pk>/", views.NoticeView.as_view(), name="subprocessornotice_detail"),
    path("notices/<int:pk>/edit/", views.NoticeEditView.as_view(), name="subprocessornotice_edit"),
    path("notices/<int:pk>/decide/", views.notice_decide, name="subprocessornotice_decide"),
]
