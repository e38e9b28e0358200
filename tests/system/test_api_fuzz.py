"""Every API operation, fuzzed from our own OpenAPI schema (schemathesis), in-process against
the real database: no answer is a server error, and every answer is one the schema documents
(its status code, content type and body).

The schema is the one /api/schema/ serves. Each operation is called as someone who may use it:
the reporter's endpoints anonymously, the staff endpoints as a logged-in supervisor (who may do
everything an officer may, and assign), the outreach endpoints as the RT volunteer, each with
a real session cookie and CSRF token. A refusal fails the test: it would mean the fuzzer never got
in. Path parameters are pointed at real records, a generated receipt code is swapped for a real
one, and valid bodies get real values where the schema cannot state them, so the fuzzer gets past
"not found" into the serializers and the services (every operation reaches a 2xx answer).

The reporter's endpoints are rate limited and document their 429; the counters are reset
before each example so that the fuzzer spends its examples behind the limiter, not on it.
Bounded and reproducible: a few examples per operation, no deadline, derandomized.
"""

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from django.utils import timezone
from django.utils.crypto import get_random_string
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from cases.services import case_record_assessment, service_plan
from outreach.services import child_care_group_register, outreach_session_log, partner_register
from reports.choices import Channel
from reports.services import report_submit
from tests.cases_data import new_report, service_input
from tests.conftest import login_as
from tests.outreach_data import group_input, partner_input, session_input
from tests.reporting import report_input
from triage.services import report_accept

pytestmark = pytest.mark.django_db

EXAMPLES_PER_OPERATION = 15
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# Positive and negative examples, fuzzed; the exhaustive "coverage" phase would send several
# hundred requests per operation, more than a test run can spend.
CONFIG = schemathesis.Config.from_dict({"phases": {"coverage": {"enabled": False}}})

schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application(), config=CONFIG)

ANONYMOUS = {("POST", "/api/v1/reports/"), ("POST", "/api/v1/reports/status/"), ("POST", "/api/v1/reports/messages/")}
RECORDS = {
    "/api/v1/reports/": "report",
    "/api/v1/cases/": "case",
    "/api/v1/outreach/sessions/": "session",
    "/api/v1/outreach/groups/": "group",
    "/api/v1/outreach/partners/": "partner",
}
# Partners are the agency's (RECORD_AGENCY_OUTREACH), not a volunteer's: a supervisor tries them.
AGENCY_OUTREACH = "/api/v1/outreach/partners/"


@pytest.fixture(autouse=True)
def _keep_the_test_transaction():
    """The WSGI handler closes the database connection after each request, and with it the
    test's transaction; Django's own test client turns that off the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def world(settings, tmp_path, rt, volunteer, officer, supervisor):
    settings.MEDIA_ROOT = tmp_path
    opened = report_accept(report=new_report(), acting_user=officer)
    # Assessed, so that follow-ups and the later steps are open to the fuzzer too.
    case = case_record_assessment(
        case=opened,
        risk_level="sedang",
        needs="Pendampingan psikologis",
        expected_version=opened.version,
        acting_user=officer,
    )
    submitted = report_submit(data=report_input(), channel=Channel.WEB, acting_user=None)
    return {
        "rt": rt,
        "case": case,
        "service": service_plan(case=case, data=service_input(), acting_user=officer),
        "report": submitted.report,
        "earlier_report": new_report(),
        "receipt_code": submitted.receipt_code,
        "session": outreach_session_log(data=session_input(rt), acting_user=volunteer),
        "group": child_care_group_register(data=group_input(rt), acting_user=volunteer),
        "partner": partner_register(data=partner_input(), acting_user=supervisor),
        "sessionid": {"supervisor": session_of(supervisor), "volunteer": session_of(volunteer)},
    }


def session_of(user) -> str:
    """The session cookie of `user`, logged in past both factors."""
    return login_as(Client(), user).cookies["sessionid"].value


def persona_for(method: str, path: str) -> str:
    if (method, path) in ANONYMOUS:
        return "anonymous"
    if path.startswith(AGENCY_OUTREACH):
        return "supervisor"
    return "volunteer" if path.startswith("/api/v1/outreach/") else "supervisor"


def point_at_real_records(case, world) -> None:
    """Real values where the fuzzer could only guess: path parameters always, and in valid
    (positive) bodies the fields whose valid values the schema cannot state (a record's name, the
    current version, a visit not in the future), so that some requests get all the way through."""
    path, path_parameters = case.operation.path, case.path_parameters or {}
    if "uuid" in path_parameters:
        record = next(name for prefix, name in RECORDS.items() if path.startswith(prefix))
        path_parameters["uuid"] = str(world[record].uuid)
    if "service_uuid" in path_parameters:
        path_parameters["service_uuid"] = str(world["service"].uuid)
    if not isinstance(case.body, dict):
        return
    if "receipt_code" in case.body:
        case.body["receipt_code"] = world["receipt_code"]
    if case.meta is None or case.meta.generation.mode != schemathesis.GenerationMode.POSITIVE:
        return
    service = world["service"]
    service.refresh_from_db()
    world["case"].refresh_from_db()
    realistic = {
        "kelurahan": "Gunung Samarinda",
        "rt": world["rt"].pk if path.startswith("/api/v1/outreach/") else world["rt"].number,
        "provider": service.provider.name,
        "officer": world["case"].assigned_officer.username,
        "of_report": world["earlier_report"].reference,
        "of_case": world["case"].reference,
        "visited_on": timezone.localdate().isoformat(),
        "version": (service if "service_uuid" in path_parameters else world["case"]).version,
    }
    for name, value in realistic.items():
        if name in case.body:
            case.body[name] = value


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_api_operation(case, world):
    cache.clear()
    point_at_real_records(case, world)
    persona = persona_for(case.method, case.operation.path)
    cookies, headers = {}, {}
    if persona != "anonymous":
        csrf = get_random_string(32)
        cookies = {"sessionid": world["sessionid"][persona], "csrftoken": csrf}
        headers = {"X-CSRFToken": csrf}
    response = case.call(cookies=cookies, headers=headers)
    # Refused would mean the fuzzer is not getting in, and so testing nothing behind the door.
    assert response.status_code not in (401, 403), f"{persona} was refused: {response.text[:300]}"
    case.validate_response(response, checks=CHECKS)
