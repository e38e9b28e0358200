"""The case management API, mounted at api/v1/."""

from django.urls import path

from . import api, legal_api, legal_hold_api, plan_api, referral_api

urlpatterns = [
    path("cases/", api.CaseListAPI.as_view(), name="api-cases"),
    path("cases/<uuid:uuid>/", api.CaseDetailAPI.as_view(), name="api-case"),
    path("cases/<uuid:uuid>/simfoni/", api.CaseSimfoniAPI.as_view(), name="api-case-simfoni"),
    path("cases/<uuid:uuid>/transitions/", api.CaseTransitionAPI.as_view(), name="api-case-transitions"),
    path("cases/<uuid:uuid>/assign/", api.CaseAssignAPI.as_view(), name="api-case-assign"),
    path("cases/<uuid:uuid>/children/", api.CaseChildAddAPI.as_view(), name="api-case-children"),
    path("cases/<uuid:uuid>/services/", api.CaseServicePlanAPI.as_view(), name="api-case-services"),
    path(
        "cases/<uuid:uuid>/services/<uuid:service_uuid>/",
        api.CaseServiceUpdateAPI.as_view(),
        name="api-case-service",
    ),
    path("cases/<uuid:uuid>/follow-ups/", api.CaseFollowUpRecordAPI.as_view(), name="api-case-follow-ups"),
    path("cases/<uuid:uuid>/notes/", api.CaseNoteAddAPI.as_view(), name="api-case-notes"),
    path("cases/<uuid:uuid>/legal/", legal_api.CaseLegalAPI.as_view(), name="api-case-legal"),
    path("cases/<uuid:uuid>/legal/police/", legal_api.CaseLegalPoliceAPI.as_view(), name="api-case-legal-police"),
    path("cases/<uuid:uuid>/legal/hearings/", legal_api.CaseHearingAddAPI.as_view(), name="api-case-hearings"),
    path("cases/<uuid:uuid>/perpetrators/", legal_api.CasePerpetratorAddAPI.as_view(), name="api-case-perpetrators"),
    path("cases/<uuid:uuid>/legal-hold/", legal_hold_api.CaseLegalHoldAPI.as_view(), name="api-case-legal-hold"),
    # the structured assessment, the case plan and the supervisor's approvals (cases.plan_api)
    path("cases/approvals/", plan_api.PendingApprovalsAPI.as_view(), name="api-case-approvals"),
    path("cases/<uuid:uuid>/assessments/", plan_api.CaseAssessmentAPI.as_view(), name="api-case-assessments"),
    path("cases/<uuid:uuid>/plan/", plan_api.CasePlanAPI.as_view(), name="api-case-plan"),
    path("cases/<uuid:uuid>/plan/goals/", plan_api.CasePlanGoalAPI.as_view(), name="api-case-plan-goals"),
    path("cases/<uuid:uuid>/plan/submit/", plan_api.CasePlanSubmitAPI.as_view(), name="api-case-plan-submit"),
    path("cases/<uuid:uuid>/plan/decision/", plan_api.CasePlanDecisionAPI.as_view(), name="api-case-plan-decision"),
    path(
        "cases/<uuid:uuid>/approval-context/",
        plan_api.CaseApprovalContextAPI.as_view(),
        name="api-case-approval-context",
    ),
    # outgoing referrals and the transfer to another UPTD PPA (cases.referral_api)
    path("cases/<uuid:uuid>/referrals/", referral_api.CaseReferralListAPI.as_view(), name="api-case-referrals"),
    path(
        "cases/<uuid:uuid>/referrals/<uuid:referral_uuid>/",
        referral_api.CaseReferralAnswerAPI.as_view(),
        name="api-case-referral",
    ),
    path("cases/<uuid:uuid>/transfer/", referral_api.CaseTransferAPI.as_view(), name="api-case-transfer"),
]
