"""Every exception class, raised by real exchanges with the sandbox."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest

import cardboss
from conftest import Sandbox


def test_auth_error_for_a_wrong_apikey(sandbox: Sandbox) -> None:
    wrong = "x" * 32
    with cardboss.Client(sandbox.sid, wrong, base_url=sandbox.base_url) as client:
        with pytest.raises(cardboss.AuthError) as err:
            client.customer()
    e = err.value
    assert isinstance(e, cardboss.ApiError)
    assert e.code == "1005" and e.kind == "auth" and e.http_status == 200
    assert e.endpoint == "customer/get" and e.msg
    assert wrong not in str(e) and sandbox.apikey not in str(e)


def test_api_error_carries_the_failed_result(client: cardboss.Client, sandbox: Sandbox) -> None:
    card = sandbox.fresh_cards(1)[0]
    with pytest.raises(cardboss.ApiError) as err:
        client.renew("NO-SUCH-PACKAGE", 12, msisdn=card.msisdn)
    e = err.value
    assert type(e) is cardboss.ApiError
    assert e.code == "1031" and e.kind == "api" and e.outcome_unknown is False
    assert e.result is not None and json.loads(e.result)["msisdn"] == card.msisdn


def test_carrier_shaped_error(sandbox: Sandbox) -> None:
    """A second whitelist removal in a month: the carrier's {status, message} shape (12144)."""
    card = sandbox.fresh_cards(1)[0]
    with sandbox.client(cooldown_guard=False) as client:
        client.add_voice_whitelist(["13800000011", "13800000012"], msisdn=card.msisdn)
        sandbox.admin("clock/advance", {"seconds": 61})
        client.remove_voice_whitelist(["13800000011"], msisdn=card.msisdn)
        sandbox.admin("clock/advance", {"seconds": 61})
        with pytest.raises(cardboss.ApiError) as err:
            client.remove_voice_whitelist(["13800000012"], msisdn=card.msisdn)
    e = err.value
    assert e.code == "12144" and e.carrier_code == "12144"
    assert e.endpoint == "card/setvoicewhitetable"


def test_carrier_rate_limit_is_rate_limited_error(sandbox: Sandbox) -> None:
    """Without the local guard the carrier refuses a repeat within 3 minutes: 1099 / 13009."""
    card = sandbox.fresh_cards(1)[0]
    with sandbox.client(cooldown_guard=False) as client:
        client.suspend(msisdn=card.msisdn)
        with pytest.raises(cardboss.RateLimitedError) as err:
            client.resume(msisdn=card.msisdn)
    e = err.value
    assert isinstance(e, cardboss.ApiError)
    assert e.code == "1099" and e.carrier_code == "13009" and e.retry_after_ms == 180_000


def test_cooldown_error_sends_nothing(client: cardboss.Client, sandbox: Sandbox) -> None:
    card = sandbox.fresh_cards(1)[0]
    client.suspend(msisdn=card.msisdn)
    before = sandbox.requests_to("card/stopkeep")
    with pytest.raises(cardboss.CooldownError) as err:
        client.resume(msisdn=card.msisdn)
    e = err.value
    assert e.code == "COOLDOWN" and e.kind == "cooldown"
    assert e.retry_after_ms is not None and 0 < e.retry_after_ms <= 180_000
    assert e.endpoint == "card/stopkeep"
    assert sandbox.requests_to("card/stopkeep") == before
    client.clear_cooldowns()


def test_invalid_input_sends_nothing(client: cardboss.Client, sandbox: Sandbox) -> None:
    before = sandbox.admin("stats")["total"]
    with pytest.raises(cardboss.InvalidInputError) as err:
        client.card_details(msisdns=["1064787000001", "not-an-msisdn"])
    assert err.value.code == "INVALID_INPUT" and "msisdn" in (err.value.field or "")
    with pytest.raises(cardboss.InvalidInputError):
        client.send_iot_sms([], "hello")
    with pytest.raises(cardboss.InvalidInputError):
        client.remove_voice_whitelist(["1", "2", "3"], msisdn="1064787000001")
    with pytest.raises(cardboss.InvalidInputError):
        client.enable_data(msisdn="1064787000001", min_left_percent=101)
    with pytest.raises(ValueError):
        client.renew("PKG", 12, msisdn="1064787000001", startdate="2024/01/01")
    assert sandbox.admin("stats")["total"] == before


@pytest.fixture
def faulted(faulty: Sandbox) -> Iterator[Sandbox]:
    yield faulty
    faulty.admin("faults", {"rate": 0})


def set_faults(sb: Sandbox, kind: str, **extra: object) -> None:
    sb.admin("faults", {"rate": 1.0, "kinds": [kind], **extra})


def test_timeout_error(faulted: Sandbox) -> None:
    set_faults(faulted, "delay", delay_secs=3)
    with faulted.client(timeout_ms=500, max_retries=0) as client:
        with pytest.raises(cardboss.TimeoutError) as err:
            client.customer()
    e = err.value
    assert isinstance(e, TimeoutError)  # the builtin
    assert e.code == "TIMEOUT" and e.endpoint == "customer/get" and e.outcome_unknown is False


def test_timeout_of_a_post_says_the_outcome_is_unknown(faulted: Sandbox) -> None:
    card = faulted.fresh_cards(1)[0]
    set_faults(faulted, "delay", delay_secs=3)
    with faulted.client(timeout_ms=500) as client:
        with pytest.raises(cardboss.TimeoutError) as err:
            client.send_iot_sms([card.msisdn], "hello")
    assert err.value.outcome_unknown is True
    assert "outcome is unknown" in str(err.value)


def test_http_error(faulted: Sandbox) -> None:
    set_faults(faulted, "http502")
    with faulted.client(max_retries=0) as client:
        with pytest.raises(cardboss.HttpError) as err:
            client.pools()
    e = err.value
    assert isinstance(e, cardboss.TransportError)
    assert e.code == "HTTP" and e.http_status == 502 and "502" in e.detail


def test_decode_error(faulted: Sandbox) -> None:
    set_faults(faulted, "truncated")
    with faulted.client(max_retries=0) as client:
        with pytest.raises(cardboss.DecodeError) as err:
            client.customer()
    assert err.value.code == "DECODE" and err.value.endpoint == "customer/get"


def test_connection_reset_is_a_transport_error(faulted: Sandbox) -> None:
    set_faults(faulted, "reset")
    with faulted.client(max_retries=0) as client:
        with pytest.raises(cardboss.TransportError):
            client.customer()


def test_internal_platform_error_1090(faulted: Sandbox) -> None:
    set_faults(faulted, "code1090")
    with faulted.client(max_retries=0) as client:
        with pytest.raises(cardboss.ApiError) as err:
            client.customer()
    assert err.value.code == "1090"


def test_retries_recover_from_a_transient_fault(faulted: Sandbox) -> None:
    faulted.admin("faults", {"rate": 0.5, "kinds": ["http500"]})
    with faulted.client(max_retries=8) as client:
        for _ in range(5):
            assert client.customer().sid == faulted.sid


def retry_delays(caplog: pytest.LogCaptureFixture) -> list[int]:
    """The backoff delays (ms) the core logged ("cardboss retrying GET", field delay_ms)."""
    records = [r for r in caplog.records if r.name == "cardboss" and "retrying" in r.getMessage()]
    return [int(r.__dict__["cardboss"]["delay_ms"]) for r in records]


@pytest.mark.parametrize(
    ("base", "cap", "bounds"),
    [
        (4, 60_000, [4, 8, 16, 32]),  # doubling from retry_base_ms
        (30_000, 3, [3, 3, 3, 3]),  # never beyond retry_cap_ms
    ],
)
def test_retry_base_and_retry_cap_bound_the_backoff(
    faulted: Sandbox, caplog: pytest.LogCaptureFixture, base: int, cap: int, bounds: list[int]
) -> None:
    caplog.set_level(logging.DEBUG, logger="cardboss")
    set_faults(faulted, "http500")
    with faulted.client(max_retries=4, retry_base_ms=base, retry_cap_ms=cap) as client:
        with pytest.raises(cardboss.HttpError):
            client.pools()
    delays = retry_delays(caplog)
    # full jitter: uniform in [0, min(cap, base * 2**n)]; with the defaults (200 ms, 5 s) four
    # delays this small would be all but impossible
    assert len(delays) == 4, delays
    assert all(d <= b for d, b in zip(delays, bounds)), delays


def test_withdrawn_endpoint_answers_1098(faulty: Sandbox) -> None:
    with faulty.client() as client, pytest.warns(DeprecationWarning):
        with pytest.raises(cardboss.ApiError) as err:
            client.arrears()
    assert err.value.code == "1098"
