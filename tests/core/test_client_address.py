"""The client address of rate limits and login lockout (core.clientip): X-Forwarded-For is read
only through TRUSTED_PROXY_COUNT proxies, so a client cannot pick its own bucket, and clients
behind the proxies still get one each."""

import pytest
from axes.helpers import get_client_ip_address
from django.test import RequestFactory
from django.urls import reverse

from core.clientip import client_ip
from core.ratelimit import client_fingerprint

pytestmark = pytest.mark.django_db

STATUS = reverse("reports:status")
LOGIN = reverse("accounts:login")
WRONG = "0000000000000000"
NGINX = "172.28.252.7"  # REMOTE_ADDR behind compose's nginx
TLS_PROXY = "10.0.0.2"  # what nginx appends: the TLS proxy's address


def request(remote, forwarded=None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **headers)


@pytest.mark.parametrize(
    ("count", "remote", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "198.51.100.1", "203.0.113.9"),  # nothing trusted: the socket's peer
        (1, NGINX, "198.51.100.1", "198.51.100.1"),
        (1, NGINX, "6.6.6.6, 198.51.100.1", "198.51.100.1"),  # the forged entry is left of it
        (2, NGINX, f"198.51.100.1, {TLS_PROXY}", "198.51.100.1"),
        (2, NGINX, f"6.6.6.6, 7.7.7.7, 198.51.100.1, {TLS_PROXY}", "198.51.100.1"),
        (2, NGINX, TLS_PROXY, TLS_PROXY),  # a TLS proxy that appends nothing: never the client's word
        (2, NGINX, None, NGINX),
        (2, NGINX, f"not-an-address, {TLS_PROXY}", NGINX),
        (2, NGINX, f"2001:db8::1, {TLS_PROXY}", "2001:db8::1"),
    ],
)
def test_it_takes_the_entry_the_outermost_trusted_proxy_appended(settings, count, remote, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = count

    assert client_ip(request(remote, forwarded)) == expected


def test_axes_counts_the_same_address_as_the_rate_limits(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    behind = request(NGINX, f"6.6.6.6, 198.51.100.1, {TLS_PROXY}")

    assert get_client_ip_address(behind) == "198.51.100.1"


def allowed_wrong_guesses(settings) -> int:
    return int(settings.RECEIPT_GUESS_RATE_CLIENT.split("/")[0])


def guess(client, address, forwarded):
    return client.post(STATUS, {"receipt_code": WRONG}, REMOTE_ADDR=address, HTTP_X_FORWARDED_FOR=forwarded)


def guesses_until_refused(client, address, forwards) -> int:
    for number, forwarded in enumerate(forwards, start=1):
        if guess(client, address, forwarded).status_code == 429:
            return number
    return 0


def test_a_direct_client_cannot_change_its_bucket_with_a_forged_header(client, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    forged = [f"198.51.100.{number}" for number in range(1, 30)]

    refused_at = guesses_until_refused(client, "203.0.113.9", forged)

    # "not found" as often as the limit allows, then the last try is answered "too many": one
    # bucket throughout, whatever the header said.
    assert refused_at == allowed_wrong_guesses(settings) + 1
    assert client_fingerprint("g", request("203.0.113.9", forged[0])) == client_fingerprint(
        "g", request("203.0.113.9", forged[1])
    )


def test_behind_two_proxies_each_client_has_a_bucket_of_its_own_whatever_it_forges(client, settings):
    settings.TRUSTED_PROXY_COUNT = 2
    one = [f"6.6.6.{number}, 198.51.100.1, {TLS_PROXY}" for number in range(1, 30)]

    assert guesses_until_refused(client, NGINX, one) == allowed_wrong_guesses(settings) + 1
    # Another client behind the same proxies is not refused because of the first.
    assert guess(client, NGINX, f"198.51.100.2, {TLS_PROXY}").status_code == 404  # looked up: "not found"
    assert client_fingerprint("g", request(NGINX, f"198.51.100.2, {TLS_PROXY}")) != client_fingerprint(
        "g", request(NGINX, f"198.51.100.3, {TLS_PROXY}")
    )
    # Without trusting the proxies, everybody behind them would share nginx's bucket.
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_fingerprint("g", request(NGINX, "198.51.100.2")) == client_fingerprint(
        "g", request(NGINX, "198.51.100.3")
    )


def test_behind_two_proxies_a_login_lockout_holds_one_client_not_the_city(client, officer, settings):
    settings.TRUSTED_PROXY_COUNT = 2
    guesser = f"198.51.100.1, {TLS_PROXY}"
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            LOGIN, {"username": officer.username, "password": "wrong"}, REMOTE_ADDR=NGINX, HTTP_X_FORWARDED_FOR=guesser
        )

    locked = client.post(
        LOGIN,
        {"username": officer.username, "password": "wrong"},
        REMOTE_ADDR=NGINX,
        HTTP_X_FORWARDED_FOR=f"9.9.9.9, {guesser}",
    )
    other = client.post(
        LOGIN,
        {"username": officer.username, "password": "wrong"},
        REMOTE_ADDR=NGINX,
        HTTP_X_FORWARDED_FOR=f"198.51.100.2, {TLS_PROXY}",
    )

    assert locked.status_code == 429
    assert other.status_code == 200
