"""Who may open which address: every URL pattern, every persona, one decided answer each.

The table below is the decision. A URL pattern that is not in it fails the test, so a new page
cannot ship without someone deciding who may see it. Every address is fetched with GET: a
POST-only address answers 405 to whoever gets past its access check, and 302/403 to others.

Codes: 200 shown, 302 sent elsewhere (the login page, or a redirect the page does on purpose),
403 refused, 404 hidden (a forbidden object looks missing), 405 wrong method for someone allowed in.

The API gets a second table, by operation (method and path) as the OpenAPI schema lists them: an
operation that is not in it fails the same way. Each operation is called with its own method, an
unsafe one with an empty JSON body, so someone let in gets 400 (the body is incomplete), or 200/201
where an empty body is a whole request; someone kept out gets 403, or 404 where a forbidden record
looks missing. Each call is rolled back, so every operation meets the same world.

Both walks also check that no answer to a logged-in person, nor the reporter's own pages, may be
kept by a browser or a cache (`Cache-Control: private, no-store`).
"""

import re

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from cases.referrals import referral_send
from cases.services import service_plan
from outreach.services import child_care_group_register, outreach_session_log, partner_register
from privacy.services import breach_record, subject_request_record
from reports.choices import Channel
from reports.services import report_submit
from tests.cases_data import new_report, referral_input, service_input
from tests.conftest import login_as
from tests.outreach_data import group_input, partner_input, session_input
from tests.privacy.data import breach_input, subject_request_input
from tests.reporting import jpeg_upload, report_input
from triage.services import report_accept

PERSONAS = [
    "anonymous",
    "other_volunteer",
    "volunteer",
    "other_officer",
    "officer",
    "supervisor",
    "head",
    "dpo",
    "sysadmin",
]
SKIPPED = ("admin/", "api/docs/", "static/")

# route -> (object of the world whose uuid fills <uuid>, expected status for each persona, in this order:
#            anonymous  other_volunteer  volunteer  other_officer  officer  supervisor  head  dpo  sysadmin)
EXPECTED = {
    # --- public pages; staf/ sends each role to where its work is (the system admin has a page of its own)
    "": (None, "200 200 200 200 200 200 200 200 200"),
    "staf/": (None, "302 302 302 302 302 200 302 302 200"),
    "bahasa/<str:code>/": (None, "302 302 302 302 302 302 302 302 302"),
    # the quick exit: on to a page of another site, for everybody
    "keluar/": (None, "200 200 200 200 200 200 200 200 200"),
    "healthz": (None, "200 200 200 200 200 200 200 200 200"),
    # Meta's WhatsApp webhook: off in tests (no WHATSAPP_* secrets), so not there for anyone;
    # on, only a GET with the verify token or a signed POST gets in (tests/whatsapp/test_webhook.py).
    "whatsapp/webhook/": (None, "404 404 404 404 404 404 404 404 404"),
    "readyz": (None, "200 200 200 200 200 200 200 200 200"),
    "lapor/": (None, "200 200 200 200 200 200 200 200 200"),
    "lapor/status/": (None, "200 200 200 200 200 200 200 200 200"),
    "statistik/": (None, "200 200 200 200 200 200 200 200 200"),
    "statistik/data.json": (None, "200 200 200 200 200 200 200 200 200"),
    # --- RT volunteers: their own RTs only
    "relawan/lapor/": (None, "302 200 200 403 403 403 403 403 403"),
    "relawan/": (None, "302 200 200 403 403 403 403 403 403"),
    "relawan/sesi/": (None, "302 200 200 403 403 403 403 403 403"),
    "relawan/sesi/baru/": (None, "302 200 200 403 403 403 403 403 403"),
    "relawan/sesi/<uuid:uuid>/ubah/": ("session", "302 404 200 403 403 403 403 403 403"),
    "relawan/kelompok/": (None, "302 200 200 403 403 403 403 403 403"),
    "relawan/kelompok/<uuid:uuid>/ubah/": ("group", "302 404 200 403 403 403 403 403 403"),
    "relawan/forum-anak/": (None, "302 200 200 403 403 403 403 403 403"),
    # --- outreach as the agency reads it (officers, supervisors, head); unlocking is the supervisor's
    "staf/sesi-sosialisasi/<uuid:uuid>/": ("session", "302 403 403 200 200 200 200 403 403"),
    "staf/sesi-sosialisasi/<uuid:uuid>/buka-kunci/": ("session", "302 403 403 403 403 405 403 403 403"),
    "staf/sosialisasi/": (None, "302 403 403 200 200 200 200 403 403"),
    "staf/sosialisasi/sasaran/": (None, "302 403 403 200 200 200 200 403 403"),
    "staf/sosialisasi/ekspor/sesi.csv": (None, "302 403 403 200 200 200 200 403 403"),
    "staf/sosialisasi/ekspor/kelompok.csv": (None, "302 403 403 200 200 200 200 403 403"),
    # Forum Anak at every level and partner organisations: the agency reads; officers and supervisors
    # record (RECORD_AGENCY_OUTREACH); deactivating asks for confirmation first (GET)
    "staf/sosialisasi/forum-anak/": (None, "302 403 403 200 200 200 200 403 403"),
    "staf/sosialisasi/forum-anak/catat/": (None, "302 403 403 200 200 200 403 403 403"),
    "staf/sosialisasi/mitra/": (None, "302 403 403 200 200 200 200 403 403"),
    "staf/sosialisasi/mitra/baru/": (None, "302 403 403 200 200 200 403 403 403"),
    "staf/sosialisasi/mitra/<uuid:uuid>/": ("partner", "302 403 403 200 200 200 200 403 403"),
    "staf/sosialisasi/mitra/<uuid:uuid>/kegiatan/": ("partner", "302 403 403 200 200 200 403 403 403"),
    "staf/sosialisasi/mitra/<uuid:uuid>/nonaktifkan/": ("partner", "302 403 403 200 200 200 403 403 403"),
    # --- notifications (case readers) and the escalation ladder (supervisor, head)
    "staf/notifikasi/": (None, "302 403 403 200 200 200 200 200 403"),
    "staf/notifikasi/tandai-dibaca/": (None, "302 403 403 405 405 405 405 405 403"),
    "staf/eskalasi/": (None, "302 403 403 403 403 200 200 403 403"),
    "akun/notifikasi/": (None, "302 403 403 200 200 200 200 200 403"),
    # --- dashboards and exports: supervisor and head
    "staf/dasbor/": (None, "302 403 403 403 403 200 200 403 403"),
    "staf/dasbor/kla/": (None, "302 403 403 403 403 200 200 403 403"),
    "staf/ekspor/": (None, "302 403 403 403 403 200 200 403 403"),
    "staf/ekspor/unduh/": (None, "302 403 403 403 403 200 200 403 403"),
    # --- triage: officers and supervisors; the report is not in a case, so any officer may open it
    "staf/laporan/": (None, "302 403 403 200 200 200 403 403 403"),
    # --- staff intake ("Catat pengaduan"): officers and supervisors record a complaint from any door
    "staf/pengaduan/baru/": (None, "302 403 403 200 200 200 403 403 403"),
    "staf/laporan/<uuid:uuid>/": ("report", "302 403 403 200 200 200 403 403 403"),
    "staf/laporan/<uuid:uuid>/lampiran/<int:attachment_id>/": ("report", "302 403 403 200 200 200 403 403 403"),
    "staf/laporan/<uuid:uuid>/konfirmasi/": ("report", "302 403 403 405 405 405 403 403 403"),
    "staf/laporan/<uuid:uuid>/pesan/": ("report", "302 403 403 405 405 405 403 403 403"),
    "staf/laporan/<uuid:uuid>/prioritas/": ("report", "302 403 403 405 405 405 403 403 403"),
    "staf/laporan/<uuid:uuid>/duplikat/": ("report", "302 403 403 405 405 405 403 403 403"),
    "staf/laporan/<uuid:uuid>/tolak/": ("report", "302 403 403 405 405 405 403 403 403"),
    "staf/laporan/<uuid:uuid>/terima/": ("report", "302 403 403 405 405 405 403 403 403"),
    "staf/laporan/<uuid:uuid>/gabung-kasus/": ("report", "302 403 403 405 405 405 403 403 403"),
    # --- cases: the assigned officer, supervisors, the head (without identities); another officer sees
    # nothing. Actions are POST-only behind the readers' check; the edit right is checked on POST.
    "staf/kasus/": (None, "302 403 403 200 200 200 200 403 403"),
    "staf/kasus/<uuid:uuid>/": ("case", "302 403 403 404 200 200 200 403 403"),
    "staf/kasus/<uuid:uuid>/akses/": ("case", "302 403 403 403 403 200 403 403 403"),
    "staf/kasus/<uuid:uuid>/asesmen/": ("case", "302 403 403 405 405 405 405 403 403"),
    "staf/kasus/<uuid:uuid>/simfoni/": ("case", "302 403 403 405 405 405 405 403 403"),
    "staf/kasus/<uuid:uuid>/lanjut/": ("case", "302 403 403 405 405 405 405 403 403"),
    "staf/kasus/<uuid:uuid>/anak/": ("case", "302 403 403 405 405 405 405 403 403"),
    "staf/kasus/<uuid:uuid>/pelaku/": ("case", "302 403 403 405 405 405 405 403 403"),
    "staf/kasus/<uuid:uuid>/layanan/": ("case", "302 403 403 405 405 405 405 403 403"),
    "staf/kasus/<uuid:uuid>/layanan/<uuid:service_uuid>/": ("case", "302 403 403 404 200 200 403 403 403"),
    "staf/kasus/<uuid:uuid>/pemantauan/": ("case", "302 403 403 405 405 405 405 403 403"),
    "staf/kasus/<uuid:uuid>/catatan/": ("case", "302 403 403 405 405 405 405 403 403"),
    # answering a reporter from the case page: POST-only; the head gets 403 on POST (no triage)
    "staf/kasus/<uuid:uuid>/laporan/<uuid:report_uuid>/pesan/": ("case", "302 403 403 405 405 405 405 403 403"),
    "staf/kasus/<uuid:uuid>/penutupan/": ("case", "302 403 403 405 405 405 405 403 403"),
    "staf/kasus/<uuid:uuid>/penutupan/keputusan/": ("case", "302 403 403 405 405 405 405 403 403"),
    "staf/kasus/<uuid:uuid>/buka-kembali/": ("case", "302 403 403 405 405 405 405 403 403"),
    "staf/kasus/<uuid:uuid>/petugas/": ("case", "302 403 403 405 405 405 405 403 403"),
    # the case plan (POST-only actions; deciding is the supervisor's), its printout (readers), and what
    # waits for a supervisor's approval
    "staf/kasus/persetujuan/": (None, "302 403 403 403 403 200 403 403 403"),
    "staf/kasus/<uuid:uuid>/rencana/tujuan/": ("case", "302 403 403 405 405 405 405 403 403"),
    "staf/kasus/<uuid:uuid>/rencana/ajukan/": ("case", "302 403 403 405 405 405 405 403 403"),
    "staf/kasus/<uuid:uuid>/rencana/keputusan/": ("case", "302 403 403 405 405 405 405 403 403"),
    "staf/kasus/<uuid:uuid>/rencana/cetak/": ("case", "302 403 403 404 200 200 200 403 403"),
    # referrals and the transfer (POST-only actions); the letter and the hand-over packet print identities:
    # not for the head (403); the world's case is not transferred, so its packet is missing (404)
    "staf/kasus/<uuid:uuid>/rujukan/": ("case", "302 403 403 405 405 405 405 403 403"),
    "staf/kasus/<uuid:uuid>/rujukan/<uuid:referral_uuid>/": ("case", "302 403 403 405 405 405 405 403 403"),
    "staf/kasus/<uuid:uuid>/rujukan/<uuid:referral_uuid>/surat/": ("case", "302 403 403 404 200 200 403 403 403"),
    "staf/kasus/<uuid:uuid>/pindah/": ("case", "302 403 403 405 405 405 405 403 403"),
    "staf/kasus/<uuid:uuid>/pindah/paket/": ("case", "302 403 403 404 404 404 403 403 403"),
    # the legal process (POST-only actions): the case's officers and supervisors
    "staf/kasus/<uuid:uuid>/hukum/": ("case", "302 403 403 405 405 405 405 403 403"),
    "staf/kasus/<uuid:uuid>/hukum/polisi/": ("case", "302 403 403 405 405 405 405 403 403"),
    "staf/kasus/<uuid:uuid>/hukum/tidak-ke-polisi/": ("case", "302 403 403 405 405 405 405 403 403"),
    "staf/kasus/<uuid:uuid>/hukum/sidang/": ("case", "302 403 403 405 405 405 405 403 403"),
    # the legal hold (PLACE_LEGAL_HOLD: supervisors; 403 to others before any case is looked up): placing is
    # POST-only; releasing asks first (GET), and a case not held sends back to the case page
    "staf/kasus/<uuid:uuid>/penahanan/": ("case", "302 403 403 403 403 405 403 403 403"),
    "staf/kasus/<uuid:uuid>/penahanan/lepas/": ("case", "302 403 403 403 403 302 403 403 403"),
    # --- accounts: a logged-in person is sent on from the login and code pages; logout is POST-only
    "akun/masuk/": (None, "200 302 302 302 302 302 302 302 302"),
    "akun/verifikasi/": (None, "302 302 302 302 302 302 302 302 302"),
    "akun/2fa/pasang/": (None, "302 302 302 302 302 302 302 302 302"),
    "akun/keluar/": (None, "405 405 405 405 405 405 405 405 405"),
    # the staff quick exit: a POST that ends the session and goes on to the quick exit
    "akun/keluar-cepat/": (None, "405 405 405 405 405 405 405 405 405"),
    # staff roles are granted by supervisors and the head of agency, never the system administrator
    "akun/peran/": (None, "302 403 403 403 403 200 200 403 403"),
    # ... and they reset another agency account's login (POST-only); a temporary password opens only
    # sandi-baru/, where its owner chooses their own: without one, everybody is sent to the login page
    "akun/peran/atur-ulang-masuk/": (None, "302 403 403 403 403 405 405 403 403"),
    "akun/sandi-baru/": (None, "302 302 302 302 302 302 302 302 302"),
    # --- privacy (UU PDP): the notice is public; the registers are read by the head of agency and the
    # data protection officer (the head without their free text) and kept by the DPO; the audit trail is
    # the DPO's. Changes are POST-only.
    "privasi/": (None, "200 200 200 200 200 200 200 200 200"),
    "privasi/anak/": (None, "200 200 200 200 200 200 200 200 200"),
    "staf/privasi/permintaan/": (None, "302 403 403 403 403 403 200 200 403"),
    "staf/privasi/permintaan/baru/": (None, "302 403 403 403 403 403 403 200 403"),
    "staf/privasi/permintaan/<uuid:uuid>/": ("subject_request", "302 403 403 403 403 403 200 200 403"),
    "staf/privasi/permintaan/<uuid:uuid>/status/": ("subject_request", "302 403 403 403 403 403 403 405 403"),
    "staf/privasi/insiden/": (None, "302 403 403 403 403 403 200 200 403"),
    "staf/privasi/insiden/baru/": (None, "302 403 403 403 403 403 403 200 403"),
    "staf/privasi/insiden/<uuid:uuid>/": ("breach", "302 403 403 403 403 403 200 200 403"),
    "staf/privasi/insiden/<uuid:uuid>/pemberitahuan/": ("breach", "302 403 403 403 403 403 403 405 403"),
    "staf/privasi/insiden/<uuid:uuid>/ubah/": ("breach", "302 403 403 403 403 403 403 405 403"),
    "staf/privasi/insiden/<uuid:uuid>/tutup/": ("breach", "302 403 403 403 403 403 403 405 403"),
    "staf/privasi/audit/": (None, "302 403 403 403 403 403 403 200 403"),
    # --- API: GET on reports/ is the staff inbox (POST is the anonymous submission); status and
    # messages are the reporter's POST-only endpoints
    "api/v1/reports/": (None, "403 403 403 200 200 200 403 403 403"),
    "api/v1/reports/intake/": (None, "403 403 403 405 405 405 403 403 403"),
    "api/v1/reports/status/": (None, "405 405 405 405 405 405 405 405 405"),
    "api/v1/reports/messages/": (None, "405 405 405 405 405 405 405 405 405"),
    "api/v1/reports/<uuid:uuid>/": ("report", "403 403 403 200 200 200 403 403 403"),
    "api/v1/reports/<uuid:uuid>/acknowledge/": ("report", "403 403 403 405 405 405 403 403 403"),
    "api/v1/reports/<uuid:uuid>/message/": ("report", "403 403 403 405 405 405 403 403 403"),
    "api/v1/reports/<uuid:uuid>/priority/": ("report", "403 403 403 405 405 405 403 403 403"),
    "api/v1/reports/<uuid:uuid>/duplicate/": ("report", "403 403 403 405 405 405 403 403 403"),
    "api/v1/reports/<uuid:uuid>/reject/": ("report", "403 403 403 405 405 405 403 403 403"),
    "api/v1/reports/<uuid:uuid>/accept/": ("report", "403 403 403 405 405 405 403 403 403"),
    "api/v1/cases/": (None, "403 403 403 200 200 200 200 403 403"),
    "api/v1/cases/<uuid:uuid>/": ("case", "403 403 403 404 200 200 200 403 403"),
    "api/v1/cases/<uuid:uuid>/transitions/": ("case", "403 403 403 405 405 405 405 403 403"),
    "api/v1/cases/<uuid:uuid>/simfoni/": ("case", "403 403 403 405 405 405 405 403 403"),
    "api/v1/cases/<uuid:uuid>/assign/": ("case", "403 403 403 405 405 405 405 403 403"),
    "api/v1/cases/<uuid:uuid>/children/": ("case", "403 403 403 405 405 405 405 403 403"),
    "api/v1/cases/<uuid:uuid>/services/": ("case", "403 403 403 405 405 405 405 403 403"),
    "api/v1/cases/<uuid:uuid>/services/<uuid:service_uuid>/": ("case", "403 403 403 405 405 405 405 403 403"),
    "api/v1/cases/<uuid:uuid>/follow-ups/": ("case", "403 403 403 405 405 405 405 403 403"),
    "api/v1/cases/<uuid:uuid>/notes/": ("case", "403 403 403 405 405 405 405 403 403"),
    "api/v1/cases/approvals/": (None, "403 403 403 403 403 200 403 403 403"),
    "api/v1/cases/<uuid:uuid>/assessments/": ("case", "403 403 403 405 405 405 405 403 403"),
    "api/v1/cases/<uuid:uuid>/plan/": ("case", "403 403 403 404 200 200 200 403 403"),
    "api/v1/cases/<uuid:uuid>/plan/goals/": ("case", "403 403 403 405 405 405 405 403 403"),
    "api/v1/cases/<uuid:uuid>/plan/submit/": ("case", "403 403 403 405 405 405 405 403 403"),
    "api/v1/cases/<uuid:uuid>/plan/decision/": ("case", "403 403 403 405 405 405 405 403 403"),
    "api/v1/cases/<uuid:uuid>/approval-context/": ("case", "403 403 403 404 200 200 200 403 403"),
    "api/v1/cases/<uuid:uuid>/referrals/": ("case", "403 403 403 404 200 200 200 403 403"),
    "api/v1/cases/<uuid:uuid>/referrals/<uuid:referral_uuid>/": ("case", "403 403 403 405 405 405 405 403 403"),
    "api/v1/cases/<uuid:uuid>/transfer/": ("case", "403 403 403 404 404 404 404 403 403"),
    "api/v1/cases/<uuid:uuid>/legal/": ("case", "403 403 403 404 200 200 200 403 403"),
    "api/v1/cases/<uuid:uuid>/legal/police/": ("case", "403 403 403 405 405 405 405 403 403"),
    "api/v1/cases/<uuid:uuid>/legal/hearings/": ("case", "403 403 403 405 405 405 405 403 403"),
    "api/v1/cases/<uuid:uuid>/perpetrators/": ("case", "403 403 403 405 405 405 405 403 403"),
    "api/v1/cases/<uuid:uuid>/legal-hold/": ("case", "403 403 403 405 405 405 405 403 403"),
    "api/v1/outreach/sessions/": (None, "403 200 200 200 200 200 200 403 403"),
    "api/v1/outreach/sessions/<uuid:uuid>/": ("session", "403 404 200 200 200 200 200 403 403"),
    "api/v1/outreach/groups/": (None, "403 200 200 200 200 200 200 403 403"),
    "api/v1/outreach/groups/<uuid:uuid>/": ("group", "403 404 200 200 200 200 200 403 403"),
    "api/v1/outreach/forum-activities/": (None, "403 200 200 200 200 200 200 403 403"),
    "api/v1/outreach/partners/": (None, "403 403 403 200 200 200 200 403 403"),
    "api/v1/outreach/partners/<uuid:uuid>/": ("partner", "403 403 403 200 200 200 200 403 403"),
    "api/v1/outreach/partners/<uuid:uuid>/deactivate/": ("partner", "403 403 403 405 405 405 405 403 403"),
    "api/v1/outreach/partners/<uuid:uuid>/activities/": ("partner", "403 403 403 200 200 200 200 403 403"),
    # the machine-readable API description holds no data (api/docs/, its viewer, is not checked here)
    "api/schema/": (None, "200 200 200 200 200 200 200 200 200"),
}


# "METHOD path" as the schema lists it -> (object of the world whose uuid fills {uuid}, expected status for
#                                         each persona, in the order of PERSONAS, with an empty JSON body)
API_EXPECTED = {
    # --- the reporter: anyone, logged in or not; an empty body is incomplete, an empty receipt code unknown
    "POST /api/v1/reports/": (None, "400 400 400 400 400 400 400 400 400"),
    "POST /api/v1/reports/status/": (None, "404 404 404 404 404 404 404 404 404"),
    "POST /api/v1/reports/messages/": (None, "404 404 404 404 404 404 404 404 404"),
    # --- triage: officers and supervisors; acknowledging needs no body, and accepting with none opens a case
    "GET /api/v1/reports/": (None, "403 403 403 200 200 200 403 403 403"),
    "GET /api/v1/reports/{uuid}/": ("report", "403 403 403 200 200 200 403 403 403"),
    "POST /api/v1/reports/{uuid}/acknowledge/": ("report", "403 403 403 200 200 200 403 403 403"),
    "POST /api/v1/reports/{uuid}/message/": ("report", "403 403 403 400 400 400 403 403 403"),
    "POST /api/v1/reports/{uuid}/priority/": ("report", "403 403 403 400 400 400 403 403 403"),
    "POST /api/v1/reports/{uuid}/duplicate/": ("report", "403 403 403 400 400 400 403 403 403"),
    "POST /api/v1/reports/{uuid}/reject/": ("report", "403 403 403 400 400 400 403 403 403"),
    "POST /api/v1/reports/{uuid}/accept/": ("report", "403 403 403 201 201 201 403 403 403"),
    # --- staff intake: officers and supervisors; an empty body is incomplete
    "POST /api/v1/reports/intake/": (None, "403 403 403 400 400 400 403 403 403"),
    # --- cases: read by the assigned officer, supervisors and the head; changed by the first two only
    # (the head reads without changing: 403); another officer does not see the case (404)
    "GET /api/v1/cases/": (None, "403 403 403 200 200 200 200 403 403"),
    "GET /api/v1/cases/{uuid}/": ("case", "403 403 403 404 200 200 200 403 403"),
    "PATCH /api/v1/cases/{uuid}/": ("case", "403 403 403 404 400 400 403 403 403"),
    "POST /api/v1/cases/{uuid}/transitions/": ("case", "403 403 403 404 400 400 403 403 403"),
    "PUT /api/v1/cases/{uuid}/simfoni/": ("case", "403 403 403 404 400 400 403 403 403"),
    "POST /api/v1/cases/{uuid}/assign/": ("case", "403 403 403 404 403 400 403 403 403"),
    "POST /api/v1/cases/{uuid}/children/": ("case", "403 403 403 404 400 400 403 403 403"),
    "POST /api/v1/cases/{uuid}/services/": ("case", "403 403 403 404 400 400 403 403 403"),
    "PATCH /api/v1/cases/{uuid}/services/{service_uuid}/": ("case", "403 403 403 404 400 400 403 403 403"),
    "POST /api/v1/cases/{uuid}/follow-ups/": ("case", "403 403 403 404 400 400 403 403 403"),
    "POST /api/v1/cases/{uuid}/notes/": ("case", "403 403 403 404 400 400 403 403 403"),
    # the structured assessment and the case plan: deciding the plan is the supervisor's; the pending
    # approvals are the supervisors' list
    "GET /api/v1/cases/approvals/": (None, "403 403 403 403 403 200 403 403 403"),
    "POST /api/v1/cases/{uuid}/assessments/": ("case", "403 403 403 404 400 400 403 403 403"),
    "GET /api/v1/cases/{uuid}/plan/": ("case", "403 403 403 404 200 200 200 403 403"),
    "POST /api/v1/cases/{uuid}/plan/goals/": ("case", "403 403 403 404 400 400 403 403 403"),
    "POST /api/v1/cases/{uuid}/plan/submit/": ("case", "403 403 403 404 400 400 403 403 403"),
    "POST /api/v1/cases/{uuid}/plan/decision/": ("case", "403 403 403 404 403 400 403 403 403"),
    "GET /api/v1/cases/{uuid}/approval-context/": ("case", "403 403 403 404 200 200 200 403 403"),
    # referrals: the head reads them without identities; the answer and the transfer need a body
    "GET /api/v1/cases/{uuid}/referrals/": ("case", "403 403 403 404 200 200 200 403 403"),
    "POST /api/v1/cases/{uuid}/referrals/": ("case", "403 403 403 404 400 400 403 403 403"),
    "PATCH /api/v1/cases/{uuid}/referrals/{referral_uuid}/": ("case", "403 403 403 404 400 400 403 403 403"),
    "POST /api/v1/cases/{uuid}/transfer/": ("case", "403 403 403 404 400 400 403 403 403"),
    # the world's case is not transferred: its transfer is missing for whoever may read the case
    "GET /api/v1/cases/{uuid}/transfer/": ("case", "403 403 403 404 404 404 404 403 403"),
    # the legal process: the head reads it without the encrypted fields; every change needs a body
    "GET /api/v1/cases/{uuid}/legal/": ("case", "403 403 403 404 200 200 200 403 403"),
    "PATCH /api/v1/cases/{uuid}/legal/": ("case", "403 403 403 404 400 400 403 403 403"),
    "POST /api/v1/cases/{uuid}/legal/police/": ("case", "403 403 403 404 400 400 403 403 403"),
    "POST /api/v1/cases/{uuid}/legal/hearings/": ("case", "403 403 403 404 400 400 403 403 403"),
    "POST /api/v1/cases/{uuid}/perpetrators/": ("case", "403 403 403 404 400 400 403 403 403"),
    # the legal hold: supervisors place and release it (an empty body is incomplete); its state is on the case
    "POST /api/v1/cases/{uuid}/legal-hold/": ("case", "403 403 403 404 403 400 403 403 403"),
    # --- outreach: volunteers write in their own RTs (another RT's record looks missing), the agency reads;
    # a PATCH with nothing in it changes nothing and answers the record
    "GET /api/v1/outreach/sessions/": (None, "403 200 200 200 200 200 200 403 403"),
    "POST /api/v1/outreach/sessions/": (None, "403 400 400 403 403 403 403 403 403"),
    "GET /api/v1/outreach/sessions/{uuid}/": ("session", "403 404 200 200 200 200 200 403 403"),
    "PUT /api/v1/outreach/sessions/{uuid}/": ("session", "403 404 400 403 403 403 403 403 403"),
    "PATCH /api/v1/outreach/sessions/{uuid}/": ("session", "403 404 200 403 403 403 403 403 403"),
    "GET /api/v1/outreach/groups/": (None, "403 200 200 200 200 200 200 403 403"),
    "POST /api/v1/outreach/groups/": (None, "403 400 400 403 403 403 403 403 403"),
    "GET /api/v1/outreach/groups/{uuid}/": ("group", "403 404 200 200 200 200 200 403 403"),
    "PUT /api/v1/outreach/groups/{uuid}/": ("group", "403 404 400 403 403 403 403 403 403"),
    "PATCH /api/v1/outreach/groups/{uuid}/": ("group", "403 404 200 403 403 403 403 403 403"),
    "GET /api/v1/outreach/forum-activities/": (None, "403 200 200 200 200 200 200 403 403"),
    "POST /api/v1/outreach/forum-activities/": (None, "403 400 400 400 400 400 403 403 403"),
    # --- partner organisations: the agency reads them; officers and supervisors register them and log
    # their activities; deactivating needs no body
    "GET /api/v1/outreach/partners/": (None, "403 403 403 200 200 200 200 403 403"),
    "POST /api/v1/outreach/partners/": (None, "403 403 403 400 400 400 403 403 403"),
    "GET /api/v1/outreach/partners/{uuid}/": ("partner", "403 403 403 200 200 200 200 403 403"),
    "POST /api/v1/outreach/partners/{uuid}/deactivate/": ("partner", "403 403 403 200 200 200 403 403 403"),
    "GET /api/v1/outreach/partners/{uuid}/activities/": ("partner", "403 403 403 200 200 200 200 403 403"),
    "POST /api/v1/outreach/partners/{uuid}/activities/": ("partner", "403 403 403 400 400 400 403 403 403"),
}
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# Never kept by a browser or a cache: every answer to a logged-in person (it may carry identities or
# case content, and names who is logged in), and the reporter's own pages, which show the thread.
REPORTER_ROUTES = frozenset({"lapor/", "lapor/status/", "privasi/", "privasi/anak/"})
REPORTER_OPERATIONS = frozenset(
    {"POST /api/v1/reports/", "POST /api/v1/reports/status/", "POST /api/v1/reports/messages/"}
)


def stored_anywhere(response) -> str | None:
    """The Cache-Control header if it lets a browser or a shared cache keep the answer, else None."""
    directives = {part.strip().split("=")[0] for part in response.get("Cache-Control", "").split(",")}
    return None if {"private", "no-store"} <= directives else response.get("Cache-Control", "(none)")


def walk(patterns, prefix="", namespace=None):
    """(full route, namespaced name) of every URL pattern under `patterns`."""
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}" if namespace and entry.namespace else entry.namespace or namespace
            yield from walk(entry.url_patterns, route, inner)
        elif isinstance(entry, URLPattern):
            yield route, f"{namespace}:{entry.name}" if namespace and entry.name else entry.name


def url_patterns() -> list[tuple[str, str]]:
    return [
        (route, name) for route, name in walk(get_resolver().url_patterns) if not route.lstrip("^").startswith(SKIPPED)
    ]


@pytest.fixture
def world(settings, tmp_path, rt, volunteer, officer, dpo):
    settings.MEDIA_ROOT = tmp_path
    case = report_accept(report=new_report(), acting_user=officer)
    report = report_submit(data=report_input(), files=[jpeg_upload()], channel=Channel.WEB, acting_user=None).report
    return {
        "case": case,
        "service": service_plan(case=case, data=service_input(), acting_user=officer),
        "referral": referral_send(case=case, data=referral_input(), acting_user=officer),
        "report": report,
        "attachment": report.attachments.get(),
        "session": outreach_session_log(data=session_input(rt), acting_user=volunteer),
        "group": child_care_group_register(data=group_input(rt), acting_user=volunteer),
        "partner": partner_register(data=partner_input(), acting_user=officer),
        "subject_request": subject_request_record(data=subject_request_input(), acting_user=dpo),
        "breach": breach_record(data=breach_input(), acting_user=dpo),
    }


def url_for(route: str, name: str, obj: str | None, world: dict) -> str:
    values = {
        "uuid": lambda: world[obj].uuid,
        "service_uuid": lambda: world["service"].uuid,
        "referral_uuid": lambda: world["referral"].uuid,
        "report_uuid": lambda: world["case"].case_reports.get().report.uuid,
        "attachment_id": lambda: world["attachment"].pk,
        "code": lambda: "en",
    }
    return reverse(name, kwargs={kwarg: values[kwarg]() for kwarg in re.findall(r"<(?:\w+:)?(\w+)>", route)})


def test_every_url_pattern_has_a_decision(db):
    routes = [route for route, _ in url_patterns()]
    assert len(routes) == len(set(routes)), "two URL patterns share a route"
    assert sorted(set(routes) - EXPECTED.keys()) == [], "URL patterns nobody decided on: add them to EXPECTED"
    assert sorted(EXPECTED.keys() - set(routes)) == [], "EXPECTED lists routes that no longer exist"


@pytest.mark.parametrize("persona", PERSONAS)
def test_access_matrix(persona, client, world, request):
    column = PERSONAS.index(persona)
    if persona != "anonymous":
        login_as(client, request.getfixturevalue(persona))
    failures = []
    for route, name in url_patterns():
        if route not in EXPECTED:
            failures.append(f"{route} ({name}): not in EXPECTED, decide who may open it")
            continue
        obj, codes = EXPECTED[route]
        expected = int(codes.split()[column])
        url = url_for(route, name, obj, world)
        response = client.get(url)
        if response.status_code != expected:
            where = f" -> {response['Location']}" if response.has_header("Location") else ""
            failures.append(f"GET {url} ({name}): expected {expected}, got {response.status_code}{where}")
        if (persona != "anonymous" or route in REPORTER_ROUTES) and (cache := stored_anywhere(response)):
            failures.append(f"GET {url} ({name}): may be stored, Cache-Control: {cache}")
    assert not failures, f"{persona}: {len(failures)} unexpected answer(s):\n" + "\n".join(failures)


def api_operations(client) -> list[str]:
    """Every operation of the API, as "METHOD path", from the schema the API publishes."""
    paths = client.get(reverse("api-schema"), {"format": "json"}).json()["paths"]
    return [f"{method.upper()} {path}" for path, item in paths.items() for method in item if method in HTTP_METHODS]


def api_url_for(path: str, obj: str | None, world: dict) -> str:
    if obj is not None:
        path = path.replace("{uuid}", str(world[obj].uuid))
    path = path.replace("{referral_uuid}", str(world["referral"].uuid))
    return path.replace("{service_uuid}", str(world["service"].uuid))


def test_every_api_operation_has_a_decision(client, db):
    operations = api_operations(client)
    assert len(operations) == len(set(operations))
    assert sorted(set(operations) - API_EXPECTED.keys()) == [], "API operations nobody decided on: add to API_EXPECTED"
    assert sorted(API_EXPECTED.keys() - set(operations)) == [], "API_EXPECTED lists operations that no longer exist"


@pytest.mark.parametrize("persona", PERSONAS)
def test_api_access_matrix(persona, client, world, request):
    column = PERSONAS.index(persona)
    operations = api_operations(client)
    if persona != "anonymous":
        login_as(client, request.getfixturevalue(persona))
    failures = []
    for operation in operations:
        if operation not in API_EXPECTED:
            failures.append(f"{operation}: not in API_EXPECTED, decide who may use it")
            continue
        obj, codes = API_EXPECTED[operation]
        expected = int(codes.split()[column])
        method, path = operation.split(" ", 1)
        url = api_url_for(path, obj, world)
        body = {} if method in ("GET", "HEAD") else {"data": "{}", "content_type": "application/json"}
        with transaction.atomic():
            response = client.generic(method, url, **body)
            transaction.set_rollback(True)
        if response.status_code != expected:
            failures.append(
                f"{method} {url}: expected {expected}, got {response.status_code} {response.content[:200]!r}"
            )
        if (persona != "anonymous" or operation in REPORTER_OPERATIONS) and (cache := stored_anywhere(response)):
            failures.append(f"{method} {url}: may be stored, Cache-Control: {cache}")
    assert not failures, f"{persona}: {len(failures)} unexpected answer(s):\n" + "\n".join(failures)
