import itertools
import re
from collections import Counter
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import dateformat, timezone, translation
from django.utils.translation import gettext

from areas.models import Kelurahan
from cases.models import Case
from dashboard.public_selectors import HIDDEN, public_statistics, suppress_column
from outreach.services import child_care_group_register, outreach_session_log
from reports.choices import RejectionReason
from reports.models import Report
from tests.cases_data import new_report
from tests.outreach_data import group_input, session_input
from tests.reporting import NARRATIVE
from triage.services import report_accept, report_reject

pytestmark = pytest.mark.django_db

INDEX = reverse("dashboard_public:index")
DATA = reverse("dashboard_public:data")
CHILD_NAME = "Budi Santoso"
KECAMATAN = [
    "Balikpapan Barat",
    "Balikpapan Kota",
    "Balikpapan Selatan",
    "Balikpapan Tengah",
    "Balikpapan Timur",
    "Balikpapan Utara",
]
# (kelurahan, kecamatan, forms of violence, how many, accepted into a case, received 40 days ago)
PLAN = [
    ("Gunung Samarinda", "Balikpapan Utara", ["seksual"], 6, True, False),
    ("Sepinggan", "Balikpapan Selatan", ["fisik", "perundungan"], 1, True, False),
    ("Sepinggan", "Balikpapan Selatan", ["fisik", "perundungan"], 1, False, False),
    ("Damai", "Balikpapan Kota", ["fisik"], 4, False, False),
    ("Damai", "Balikpapan Kota", ["fisik"], 3, False, True),
]
SIMFONI = {"perundungan": "psikis", "online": "lainnya"}


@pytest.fixture
def figures(officer, volunteer, rt):
    """Reports and cases made with the real services, and the counts expected, tallied here."""
    expected = {"kecamatan": Counter(), "kecamatan_cases": Counter(), "months": Counter(), "months_cases": Counter()}
    expected["violence"], expected["violence_cases"] = Counter(), Counter()
    now = timezone.localtime()
    earlier = now - timedelta(days=40)
    for kelurahan, kecamatan, forms, count, accept, old in PLAN:
        for _ in range(count):
            report = new_report(
                kelurahan=Kelurahan.objects.get(name=kelurahan), violence_types=forms, child_name=CHILD_NAME
            )
            received = earlier if old else now
            if old:
                Report.objects.filter(pk=report.pk).update(received_at=received)
            categories = {SIMFONI.get(form, form) for form in forms}
            expected["kecamatan"][kecamatan] += 1
            expected["months"][f"{received:%Y-%m}"] += 1
            expected["violence"].update(categories)
            if accept:
                report_accept(report=report, acting_user=officer)
                expected["kecamatan_cases"][kecamatan] += 1
                expected["months_cases"][f"{now:%Y-%m}"] += 1
                expected["violence_cases"].update(categories)
    rejected = new_report(kelurahan=Kelurahan.objects.get(name="Damai"), violence_types=["online"])
    report_reject(report=rejected, reason=RejectionReason.SPAM, acting_user=officer)

    outreach_session_log(data=session_input(rt), acting_user=volunteer)
    child_care_group_register(data=group_input(rt), acting_user=volunteer)
    return expected


def _table(html: str, caption: str, part: str = "tbody") -> dict[str, list[str]]:
    """The rows of a table on the page (or its total row, with part="tfoot"), label to cells."""
    with translation.override("id"):  # the page is Indonesian: look for the caption as shown
        caption = gettext(caption)
    table = re.search(r"<caption>" + re.escape(caption) + r"</caption>(.*?)</table>", html, re.S).group(1)
    section = re.search(rf"<{part}>(.*?)</{part}>", table, re.S)
    table = section.group(1) if section else ""
    rows = re.findall(r'<th scope="row">([^<]+)</th><td class="num">([^<]+)</td><td class="num">([^<]+)</td>', table)
    return {label: [reports.replace("&lt;", "<"), cases.replace("&lt;", "<")] for label, reports, cases in rows}


def _expected_cell(true_count: int, shown: str) -> None:
    if 1 <= true_count <= 4:
        assert shown == "<5"
    else:
        assert shown in (str(true_count), HIDDEN)


def _hidden_cells_have_several_possible_values(values: list[int], shown: list[str], total: str) -> None:
    """Try every value the hidden cells could take, as an outsider who knows the rule would."""
    if total == HIDDEN:
        return
    hidden = [index for index, cell in enumerate(shown) if cell in ("<5", HIDDEN)]
    visible = [int(cell) for cell in shown if cell not in ("<5", HIDDEN)]
    hidden_sum = int(total) - sum(visible) if total != "<5" else sum(values[index] for index in hidden)
    ceiling = min([value for value in visible if value] or [hidden_sum])
    ranges = [range(1, 5) if shown[index] == "<5" else range(5, ceiling + 1) for index in hidden]
    possible = [combo for combo in itertools.product(*ranges) if sum(combo) == hidden_sum]
    assert tuple(values[index] for index in hidden) in possible
    for position in range(len(hidden)):
        assert len({combo[position] for combo in possible}) > 1, (values, shown, total)


def test_it_shows_small_counts_as_less_than_five_and_the_others_exactly(client, figures):
    html = client.get(INDEX).content.decode()

    by_kecamatan = _table(html, "Reports and cases by kecamatan")
    assert list(by_kecamatan) == KECAMATAN
    for name, (reports, cases) in by_kecamatan.items():
        _expected_cell(figures["kecamatan"][name], reports)
        _expected_cell(figures["kecamatan_cases"][name], cases)
    assert by_kecamatan["Balikpapan Kota"] == ["7", "0"]
    assert by_kecamatan["Balikpapan Selatan"] == ["<5", "<5"]

    by_month = _table(html, "Reports and cases per month")
    assert len(by_month) == 12
    now, earlier = timezone.localdate(), timezone.localdate() - timedelta(days=40)
    for month, expected in ((now, ["*", "7"]), (earlier, ["<5", "0"])):
        assert by_month[dateformat.format(month, "F Y")] == expected
        _expected_cell(figures["months"][f"{month:%Y-%m}"], expected[0])

    by_form = _table(html, "Reports and cases by form of violence (SIMFONI-PPA)")
    assert len(by_form) == 7
    assert by_form["Fisik"] == [str(figures["violence"]["fisik"]), "<5"] == ["9", "<5"]
    assert by_form["Psikis"] == ["<5", "<5"]
    assert by_form["Seksual"] == ["6", "6"]
    assert by_form["Lainnya"] == ["0", "0"], "a rejected report is not counted"


def test_it_hides_a_second_cell_so_a_small_one_cannot_be_worked_out_from_the_total(client, figures):
    payload = client.get(DATA).json()

    kecamatan = payload["kecamatan"]
    reports = [row["reports"] for row in kecamatan["rows"]]
    # Selatan 2 would be 15 - 7 - 6 with only itself hidden: the smallest other cell goes too.
    assert reports == ["0", "7", "<5", "0", "0", HIDDEN]
    assert kecamatan["total"] == {"reports": "15", "cases": "7"}
    for table in (payload["monthly"], kecamatan):
        for measure in ("reports", "cases"):
            column = [row[measure] for row in table["rows"]]
            if "<5" in column:
                assert sum(cell in ("<5", HIDDEN) for cell in column) >= 2
    true_reports = [figures["kecamatan"][name] for name in KECAMATAN]
    _hidden_cells_have_several_possible_values(true_reports, reports, kecamatan["total"]["reports"])


@pytest.mark.parametrize(
    ("values", "cells", "total"),
    [
        ([3, 9, 12], ["<5", HIDDEN, "12"], "24"),
        ([4, 4, 20], ["<5", "<5", HIDDEN], "28"),  # 4 + 4 = 8 alone would give both away
        ([3, 5, 5, 9], ["<5", HIDDEN, HIDDEN, "9"], "22"),  # a "*" next to a shown 5 must be 5
        ([2, 0, 0], ["<5", "0", "0"], HIDDEN),
        ([0, 6, 7], ["0", "6", "7"], "13"),
    ],
)
def test_the_suppression_rule_on_known_columns(values, cells, total):
    assert suppress_column(values, sum(values)) == (cells, total)


def test_no_hidden_cell_can_be_worked_out_in_any_small_column():
    columns = itertools.chain.from_iterable(
        itertools.product([0, 1, 2, 3, 4, 5, 6, 9, 14], repeat=length) for length in (2, 3, 4)
    )
    for values in map(list, columns):
        shown, total = suppress_column(values, sum(values))
        for value, cell in zip(values, shown, strict=True):
            assert cell in ("<5", HIDDEN) if 1 <= value <= 4 else cell in (str(value), HIDDEN)
        _hidden_cells_have_several_possible_values(values, shown, total)


def test_the_json_has_the_same_figures_as_the_page(client, figures):
    html = client.get(INDEX).content.decode()
    payload = client.get(DATA).json()

    for key, caption in (
        ("monthly", "Reports and cases per month"),
        ("kecamatan", "Reports and cases by kecamatan"),
        ("violence", "Reports and cases by form of violence (SIMFONI-PPA)"),
    ):
        page = _table(html, caption)
        assert page == {row["label"]: [row["reports"], row["cases"]] for row in payload[key]["rows"]}
        total = payload[key].get("total")
        assert _table(html, caption, "tfoot") == ({"Total": [total["reports"], total["cases"]]} if total else {})
    assert payload["outreach"]["rts_known"] == "<5" and payload["outreach"]["active_groups"] == "<5"
    assert "kelurahan" not in str(payload).lower().replace("kecamatan", "")


def test_it_shows_a_chosen_year_without_javascript(client, figures):
    year = timezone.localdate().year
    response = client.get(INDEX, {"tahun": year})

    html = response.content.decode()
    assert f'<option value="{year}" selected>' in html
    assert len(_table(html, "Reports and cases per month")) == timezone.localdate().month
    assert client.get(DATA, {"tahun": year}).json()["year"] == year
    assert client.get(INDEX, {"tahun": "1999"}).status_code == 404
    assert client.get(INDEX, {"tahun": "x"}).status_code == 404


def test_it_is_public_cached_and_sets_no_cookie(client, figures):
    for url in (INDEX, DATA):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200
        assert not response.cookies
        assert set(response.headers["Cache-Control"].split(", ")) == {"public", "max-age=600"}
    assert '<html lang="id">' in client.get(INDEX).content.decode()


def test_the_second_request_reads_the_figures_from_the_cache(client, figures):
    with CaptureQueriesContext(connection) as first:
        client.get(INDEX)
    with CaptureQueriesContext(connection) as second:
        client.get(INDEX)
    with CaptureQueriesContext(connection) as data:
        client.get(DATA)

    assert len(first) > 0
    assert len(second) == 0 and len(data) == 0


def test_it_counts_a_case_once_per_simfoni_form_and_an_unlisted_form_as_lainnya(officer):
    # "kode_lama" stands for a form no write path stores any more (an old code, say).
    stored = [["online"]] * 3 + [["lainnya", "online"], ["kode_lama", "perundungan"], ["perundungan", "psikis"]]
    stored += [["psikis"]] * 4 + [[]]
    for forms in stored:
        case = report_accept(report=new_report(violence_types=["fisik"]), acting_user=officer)
        Case.objects.filter(pk=case.pk).update(violence_types=forms)

    figures = public_statistics(year=None, today=timezone.localdate())

    cases = {row["code"]: row["cases"] for row in figures["violence"]["rows"]}
    assert cases == {
        "fisik": "0",
        "psikis": "6",
        "seksual": "0",
        "eksploitasi": "0",
        "trafficking": "0",
        "penelantaran": "0",
        "lainnya": "5",
    }


def test_it_never_shows_a_child_a_narrative_or_a_kelurahan(client, figures):
    for url in (INDEX, DATA):
        text = client.get(url).content.decode()
        assert CHILD_NAME not in text and NARRATIVE not in text
        for name in Kelurahan.objects.values_list("name", flat=True):
            assert not re.search(rf"\b{re.escape(name)}\b", text), name
        assert not re.search(r"\bRT \d", text)


def test_it_loads_nothing_from_another_host_and_has_the_quick_exit(client, figures):
    response = client.get(INDEX)
    html = response.content.decode()

    loaded = re.findall(r'<(?:script|img|link|iframe|source|audio|video)\b[^>]*\b(?:src|href)="([^"]+)"', html)
    assert loaded
    for address in loaded:
        assert address.startswith("/") and not address.startswith("//"), address
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["Referrer-Policy"] == "no-referrer"
    # Through the neutral leaving page (core:leave), which goes on to another site without JavaScript.
    assert re.search(r'<a class="quick-exit" href="/keluar/"[^>]*data-quick-exit', html)
    assert "<svg" in html and "<table" in html


def test_the_home_page_links_to_the_statistics(client):
    assert f'href="{INDEX}"' in client.get("/").content.decode()


@pytest.mark.parametrize(
    ("today", "start"),
    [(date(2026, 12, 3), date(2026, 1, 1)), (date(2026, 3, 31), date(2025, 4, 1))],
)
def test_the_page_has_one_period_named_for_what_it_is(client, today, start):
    """Jan 1 to Dec 3 is "this month and the 11 before it", never "the last 12 months"; the
    outreach block counts the same days as the report tables."""
    figures = public_statistics(year=None, today=today)

    assert (figures["start"], figures["end"]) == (start.isoformat(), today.isoformat())
    assert (figures["outreach"]["start"], figures["outreach"]["end"]) == (figures["start"], figures["end"])
    this_year = public_statistics(year=today.year, today=today)
    assert (this_year["outreach"]["start"], this_year["outreach"]["end"]) == (this_year["start"], this_year["end"])

    html = client.get(INDEX).content.decode()
    assert "Bulan ini dan 11 bulan sebelumnya" in html and "(sampai hari ini)" in html
    assert "12 bulan terakhir" not in html
