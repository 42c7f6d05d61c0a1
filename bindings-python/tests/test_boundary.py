"""The boundary the core defines once: ClientOptions (None = the core's default, durations in ms,
from_env with the CLI's names), the flat error description, and the core's push types."""

from __future__ import annotations

import copy
import pickle
import socket

import pytest

import cardboss
from cardboss import errors
from cardboss.testing import Sandbox

APIKEY = "0123456789abcdef0123456789abcdef"


def closed_port() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"


def test_from_env_reads_the_clis_names_and_keywords_override(monkeypatch: pytest.MonkeyPatch) -> None:
    url = closed_port()
    monkeypatch.setenv("CARDBOSS_SID", "10043")
    monkeypatch.setenv("CARDBOSS_APIKEY", APIKEY)
    monkeypatch.setenv("CARDBOSS_URL", url)
    monkeypatch.setenv("CARDBOSS_OPS_URL", "")  # empty = unset
    for cls in (cardboss.Client, cardboss.AsyncClient):
        client = cls.from_env()
        assert isinstance(client, cls)
        assert (client.sid, client.base_url, client.ops_url) == ("10043", url, None)
        assert APIKEY not in repr(client)
        client.close()
        other = cls.from_env(sid="9", ops_url="http://h:1")
        assert (other.sid, other.base_url, other.ops_url) == ("9", url, "http://h:1")
        other.close()
    # the environment's URL is really used: the call goes to the closed port
    with cardboss.Client.from_env(max_retries=0) as client, pytest.raises(cardboss.TransportError):
        client.customer()


def test_from_env_without_credentials_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CARDBOSS_SID", raising=False)
    monkeypatch.setenv("CARDBOSS_APIKEY", APIKEY)
    with pytest.raises(cardboss.InvalidInputError) as e:
        cardboss.Client.from_env()
    assert e.value.field == "sid" and "CARDBOSS_SID" in str(e.value)


def test_none_options_are_the_core_defaults(table_sandbox: Sandbox) -> None:
    # utc_offset_minutes None is UTC+8 and cooldown_guard None is on: both observable
    with cardboss.Client(table_sandbox.sid, table_sandbox.apikey, base_url=table_sandbox.base_url,
                         ops_url=table_sandbox.ops_url, timeout_ms=None, max_retries=None) as c:
        assert c.customer().balance is not None


def test_timeout_ms_is_milliseconds() -> None:
    # a listening socket that never answers: the client must give up after ~timeout_ms
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        url = f"http://127.0.0.1:{server.getsockname()[1]}"
        with cardboss.Client("10043", APIKEY, base_url=url, timeout_ms=50, max_retries=0) as c:
            with pytest.raises(cardboss.TimeoutError) as e:
                c.customer()
    assert e.value.kind == "timeout" and e.value.code == "TIMEOUT" and e.value.msg == "timed out"


def test_local_errors_fill_every_field_the_same_way() -> None:
    with pytest.raises(cardboss.InvalidInputError) as e:
        cardboss.Client("10043", "short")
    err = e.value
    assert (err.kind, err.code, err.field) == ("invalid_input", "INVALID_INPUT", "apikey")
    assert err.msg == "must be 32 ASCII characters" and err.detail == ""
    assert str(err) == "invalid apikey: must be 32 ASCII characters"
    assert (err.endpoint, err.http_status, err.retry_after_ms, err.carrier_code, err.result) == (None,) * 5
    with pytest.raises(cardboss.PushRejectedError) as p:
        cardboss.parse_sms_push(b"{}")
    assert p.value.kind == "push_rejected" and p.value.msg and p.value.field is None
    with pytest.raises(cardboss.InternalError) as i:
        cardboss._native._debug_panic()
    assert i.value.kind == "internal" and "deliberate panic" in i.value.msg


def test_exceptions_are_a_real_module_constructible_and_picklable() -> None:
    assert cardboss.CardBossError is errors.CardBossError
    assert cardboss.RateLimitedError.__module__ == "cardboss.errors"
    e = cardboss.RateLimitedError(
        "card/stopkeep answered 1099: m", kind="rate_limited", code="1099", msg="m",
        detail="通道方返回错误码:13009", endpoint="card/stopkeep", http_status=200,
        retry_after_ms=180_000, carrier_code="13009", result='{"status":"0"}',
    )
    for again in (pickle.loads(pickle.dumps(e)), copy.deepcopy(e)):
        assert type(again) is cardboss.RateLimitedError and str(again) == str(e)
        assert vars(again) == vars(e)
    assert isinstance(cardboss.InvalidInputError("x"), ValueError)
    assert isinstance(cardboss.TimeoutError("x"), TimeoutError)


def test_push_types_are_the_cores() -> None:
    sms = cardboss.parse_sms_push(b'{"type":"P0001","data":"[{\\"mobile\\":\\"1\\",\\"state\\":\\"DELIVRD\\",\\"taskId\\":\\"T\\"}]"}')
    assert isinstance(sms, cardboss.SmsPush) and sms.type == "P0001"
    assert sms.reports[0].taskid == "T" and sms.replies == []
    assert sms.to_dict()["type"] == "P0001" and "SmsPush" in repr(sms)
    plain = cardboss.decrypt_sms(APIKEY, cardboss.encrypt_sms(APIKEY, ["1", "2"], "hi"))
    assert isinstance(plain, cardboss.SmsPlaintext)
    assert (plain.mobiles, plain.content) == (["1", "2"], "hi")
    assert plain.to_dict() == {"mobiles": ["1", "2"], "content": "hi"}
    guard = cardboss.PushGuard()
    assert repr(guard) == 'PushGuard(store="memory:", capacity=100000, ttl_ms=86400000, in_flight_ms=60000)'
    with pytest.raises(cardboss.InvalidInputError) as e:
        cardboss.PushGuard(capacity=0)
    assert e.value.field == "capacity"
    with pytest.raises(cardboss.InvalidInputError):
        cardboss.PushGuard(store="ftp://x")
    with pytest.raises(cardboss.InvalidInputError):
        cardboss.PushGuard(in_flight_ms=-1)
    with pytest.raises(cardboss.InvalidInputError) as e:
        cardboss.verify_push(b"{}", APIKEY, max_age_ms=-1)
    assert e.value.field == "max_age_ms"
