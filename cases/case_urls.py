from django.urls import path

from . import case_views as views
from . import legal_hold_views, legal_views, plan_views, referral_views

app_name = "cases"

urlpatterns = [
    path("", views.case_list_view, name="list"),
    path("<uuid:uuid>/", views.case_detail, name="detail"),
    path("<uuid:uuid>/akses/", views.case_access_log, name="access_log"),
    path("<uuid:uuid>/asesmen/", views.assess, name="assess"),
    path("<uuid:uuid>/simfoni/", views.record_simfoni, name="simfoni"),
    path("<uuid:uuid>/lanjut/", views.advance, name="advance"),
    path("<uuid:uuid>/anak/", views.add_child, name="add_child"),
    path("<uuid:uuid>/pelaku/", views.add_perpetrator, name="add_perpetrator"),
    path("<uuid:uuid>/layanan/", views.plan_service, name="plan_service"),
    path("<uuid:uuid>/layanan/<uuid:service_uuid>/", views.service_detail, name="service"),
    path("<uuid:uuid>/pemantauan/", views.record_follow_up, name="follow_up"),
    path("<uuid:uuid>/catatan/", views.add_note, name="add_note"),
    path("<uuid:uuid>/laporan/<uuid:report_uuid>/pesan/", views.reporter_message, name="reporter_message"),
    path("<uuid:uuid>/penutupan/", views.request_closure, name="request_closure"),
    path("<uuid:uuid>/penutupan/keputusan/", views.decide_closure, name="decide_closure"),
    path("<uuid:uuid>/buka-kembali/", views.reopen, name="reopen"),
    path("<uuid:uuid>/petugas/", views.assign, name="assign"),
    # the case plan and the supervisor's approvals (cases.plan_views)
    path("persetujuan/", plan_views.approvals, name="approvals"),
    path("<uuid:uuid>/rencana/tujuan/", plan_views.plan_goal_add, name="plan_goal"),
    path("<uuid:uuid>/rencana/ajukan/", plan_views.plan_submit, name="plan_submit"),
    path("<uuid:uuid>/rencana/keputusan/", plan_views.plan_decide, name="plan_decide"),
    path("<uuid:uuid>/rencana/cetak/", plan_views.plan_print, name="plan_print"),
    # outgoing referrals, the transfer to another UPTD PPA and their printable pages (cases.referral_views)
    path("<uuid:uuid>/rujukan/", referral_views.send_referral, name="send_referral"),
    path("<uuid:uuid>/rujukan/<uuid:referral_uuid>/", referral_views.answer_referral, name="answer_referral"),
    path(
        "<uuid:uuid>/rujukan/<uuid:referral_uuid>/surat/", referral_views.referral_letter_print, name="referral_letter"
    ),
    path("<uuid:uuid>/pindah/", referral_views.transfer, name="transfer"),
    path("<uuid:uuid>/pindah/paket/", referral_views.transfer_packet_print, name="transfer_packet"),
    # the legal process and UU TPKS duties (cases.legal_views)
    path("<uuid:uuid>/hukum/", legal_views.update_record, name="legal_update"),
    path("<uuid:uuid>/hukum/polisi/", legal_views.police_refer, name="legal_police_refer"),
    path("<uuid:uuid>/hukum/tidak-ke-polisi/", legal_views.police_waive, name="legal_police_waive"),
    path("<uuid:uuid>/hukum/sidang/", legal_views.add_hearing, name="legal_hearing"),
    # the legal hold: the retention schedule leaves the case alone (cases.legal_hold_views)
    path("<uuid:uuid>/penahanan/", legal_hold_views.place, name="legal_hold_place"),
    path("<uuid:uuid>/penahanan/lepas/", legal_hold_views.release, name="legal_hold_release"),
]
