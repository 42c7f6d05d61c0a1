"""The shared vectors (tests/vectors/*.json), the package surface, the exception hierarchy, and
what needs no server: panics, a closed port, local validation."""

from __future__ import annotations

import ast
import asyncio
import builtins
import datetime
import enum
import inspect
import json
import socket
from typing import Any
from pathlib import Path

import pytest

import cardboss
from cardboss import _native
from conftest import load_vectors

APIKEY = "0123456789abcdef0123456789abcdef"


# ------------------------------------------------------------------------------------ vectors


def test_sign_vectors() -> None:
    for case in load_vectors("sign.json"):
        assert cardboss.sign(case["parts"]) == case["sign"], case["name"]


def test_timestamp_vectors() -> None:
    for case in load_vectors("timestamp.json"):
        utc = datetime.datetime.strptime(case["utc"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)
        assert cardboss.timestamp(utc, utc_offset_minutes=case["offset_minutes"]) == case["ts"], case


def test_timestamp_now_is_china_time_by_default() -> None:
    ts = cardboss.timestamp()
    china = datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=8))).replace(tzinfo=None)
    parsed = datetime.datetime.strptime(ts, "%Y%m%d%H%M%S")
    assert abs((parsed - china).total_seconds()) < 60


def test_sms_encrypt_vectors() -> None:
    for case in load_vectors("sms_encrypt.json"):
        assert cardboss.encrypt_sms(case["apikey"], case["mobiles"], case["content"]) == case["base64"], case["name"]
        for text in (case["base64"], case["base64_wrapped"]):
            plain = cardboss.decrypt_sms(case["apikey"], text)
            assert plain.mobiles == case["mobiles"], case["name"]
            assert plain.content == case["content"], case["name"]
            assert plain == cardboss.decrypt_sms(case["apikey"], case["base64"])


def test_push_sign_vectors_verify_and_forgeries_fail() -> None:
    for case in load_vectors("push_sign.json"):
        push = cardboss.verify_push(case["body"].encode(), case["apikey"])
        assert push.id == case["id"] and push.sid == case["sid"], case["name"]
        assert push.sn == case["sn"].strip()
        assert push.data == case["data"]
        if push.sn == "OD1002":
            assert push.content.kind == "renewal_result"
            assert push.content.result is not None
        elif push.sn == "OD1010":
            assert push.content.kind == "usage_warnings"
            assert len(push.content.warnings) >= 1
        # str bodies work too
        assert cardboss.verify_push(case["body"], case["apikey"]) == push
        # the same body with another key, or one field changed, is refused
        with pytest.raises(cardboss.PushRejectedError):
            cardboss.verify_push(case["body"].encode(), "f" * 32)
        body = json.loads(case["body"])
        body["desc"] = (body.get("desc") or "") + "x"
        with pytest.raises(cardboss.PushRejectedError) as err:
            cardboss.verify_push(json.dumps(body).encode(), case["apikey"])
        assert err.value.code == "PUSH_REJECTED"
        assert isinstance(err.value, ValueError)


def test_billing_vectors() -> None:
    for case in load_vectors("billing.json"):
        assert cardboss.sms_billing_count(case["content"]) == case["billed"], case["content_chars"]


# ------------------------------------------------------------------------------------ pushes


def test_push_guard_refuses_a_replay() -> None:
    case = load_vectors("push_sign.json")[0]
    guard = cardboss.PushGuard(capacity=10, ttl_ms=60_000)
    with guard.begin(case["body"].encode(), case["apikey"]) as first:
        assert first.id == case["id"]
        with pytest.raises(cardboss.PushInFlightError):
            guard.begin(case["body"].encode(), case["apikey"])
    with pytest.raises(cardboss.PushReplayError, match="replay"):
        guard.begin(case["body"].encode(), case["apikey"])
    # a guard of its own does not know the id: guards share ids only through a store
    assert cardboss.PushGuard().begin(case["body"], case["apikey"]).commit().id == case["id"]
    assert "PushGuard(" in repr(guard)


def test_push_options_expected_sid_and_max_age() -> None:
    case = load_vectors("push_sign.json")[0]
    with pytest.raises(cardboss.PushRejectedError, match="sid"):
        cardboss.verify_push(case["body"], case["apikey"], expected_sid="99999")
    # the vector's time is in 2024: far older than an hour
    with pytest.raises(cardboss.PushRejectedError):
        cardboss.verify_push(case["body"], case["apikey"], max_age_ms=3600000)
    assert cardboss.verify_push(case["body"], case["apikey"], expected_sid=case["sid"]).sid == case["sid"]


def test_sms_push_parsing() -> None:
    reports = cardboss.parse_sms_push(
        b'{"type":"P0001","data":"[{\\"mobile\\":\\"1064807400778\\",\\"state\\":\\"DELIVRD\\",\\"taskId\\":\\"T1\\"}]"}'
    )
    assert reports.type == "P0001"
    assert reports.reports[0].taskid == "T1" and reports.reports[0].delivered()
    assert reports.replies == []
    replies = cardboss.parse_sms_push(
        '{"type":"P0002","data":[{"mobile":"1064807400778","apmid":"259c","spcode":"1064899102015","content":"hi"}]}'
    )
    assert replies.type == "P0002" and replies.replies[0].scode == "1064899102015"
    assert replies.to_dict()["type"] == "P0002"
    with pytest.raises(cardboss.PushRejectedError):
        cardboss.parse_sms_push(b'{"type":"P0003","data":"[]"}')


# ------------------------------------------------------------------------------------ errors


def test_exception_hierarchy() -> None:
    assert issubclass(cardboss.ApiError, cardboss.CardBossError)
    assert issubclass(cardboss.AuthError, cardboss.ApiError)
    assert issubclass(cardboss.RateLimitedError, cardboss.ApiError)
    assert issubclass(cardboss.InvalidInputError, cardboss.CardBossError)
    assert issubclass(cardboss.InvalidInputError, ValueError)
    assert issubclass(cardboss.CooldownError, cardboss.CardBossError)
    assert issubclass(cardboss.TimeoutError, cardboss.CardBossError)
    assert issubclass(cardboss.TimeoutError, builtins.TimeoutError)
    assert issubclass(cardboss.TransportError, cardboss.CardBossError)
    assert issubclass(cardboss.HttpError, cardboss.TransportError)
    assert issubclass(cardboss.DecodeError, cardboss.CardBossError)
    assert issubclass(cardboss.PushRejectedError, cardboss.CardBossError)
    for name in ("PushReplayError", "PushInFlightError", "StoreUnavailableError"):
        assert issubclass(getattr(cardboss, name), cardboss.CardBossError)
        assert not issubclass(getattr(cardboss, name), cardboss.PushRejectedError)
    assert issubclass(cardboss.InternalError, cardboss.CardBossError)
    assert issubclass(cardboss.CardBossError, Exception)
    for name in ("CardBossError", "ApiError", "TimeoutError", "InternalError"):
        assert getattr(cardboss, name).__module__ == "cardboss.errors"  # a real module: real tracebacks


def test_panic_becomes_internal_error() -> None:
    with pytest.raises(cardboss.InternalError) as err:
        _native._debug_panic()
    assert err.value.code == "INTERNAL" and err.value.kind == "internal"
    assert "deliberate panic" in str(err.value)
    # and the module still works afterwards
    assert cardboss.sign(["a", "b", "c"]) == "900150983cd24fb0d6963f7d28e17f72"


def test_panic_in_a_task_becomes_internal_error() -> None:
    async def main() -> None:
        with pytest.raises(cardboss.InternalError, match="deliberate panic"):
            await _native._debug_panic_async()

    asyncio.run(main())


def closed_port() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"


def test_closed_port_is_a_transport_error() -> None:
    url = closed_port()
    with cardboss.Client("10043", APIKEY, base_url=url, ops_url=url, max_retries=0, connect_timeout_ms=2000) as client:
        with pytest.raises(cardboss.TransportError) as err:
            client.customer()
    e = err.value
    assert e.code == "TRANSPORT" and e.kind == "transport"
    assert e.endpoint == "customer/get"
    assert e.http_status is None and e.retry_after_ms is None and e.outcome_unknown is False
    assert APIKEY not in str(e) and APIKEY not in repr(e)


def test_closed_port_async() -> None:
    url = closed_port()

    async def main() -> None:
        async with cardboss.AsyncClient("10043", APIKEY, base_url=url, max_retries=0) as client:
            with pytest.raises(cardboss.TransportError):
                await client.pools()

    asyncio.run(main())


def test_local_validation_without_a_server() -> None:
    url = closed_port()
    client = cardboss.Client("10043", APIKEY, base_url=url)
    with pytest.raises(cardboss.InvalidInputError) as err:
        client.card_details()
    assert err.value.code == "INVALID_INPUT" and err.value.endpoint is None
    with pytest.raises(ValueError):
        client.card_details(msisdns=["not-a-number"])
    with pytest.raises(cardboss.InvalidInputError):
        client.packages()
    with pytest.raises(cardboss.InvalidInputError):
        client.list_cards(0)
    with pytest.raises(cardboss.InvalidInputError):
        client.list_cards(-1)
    with pytest.raises(cardboss.InvalidInputError):
        client.renew("PKG", 0, msisdn="1064787000001")
    with pytest.raises(cardboss.InvalidInputError, match="audit"):
        client.renew("PKG", 12, msisdn="1064787000001", audit="sometimes")  # type: ignore[arg-type]
    with pytest.raises(cardboss.InvalidInputError):
        client.send_iot_sms(["1064787000001"], "x" * 351)
    with pytest.raises(cardboss.InvalidInputError):
        client.add_voice_whitelist([str(13800000000 + i) for i in range(6)], msisdn="1064787000001")
    with pytest.raises(TypeError):
        client.card_details(msisdns="1064787000001")


def test_bad_configuration() -> None:
    with pytest.raises(cardboss.InvalidInputError, match="apikey"):
        cardboss.Client("10043", "short")
    with pytest.raises(cardboss.InvalidInputError) as e:
        cardboss.Client("10043", APIKEY, timeout_ms=-1)
    assert e.value.field == "timeout_ms"
    with pytest.raises(cardboss.InvalidInputError) as e:
        cardboss.Client("10043", APIKEY, concurrency=0)
    assert e.value.field == "concurrency" and e.value.msg == "must be at least 1"
    with pytest.raises(cardboss.InvalidInputError):
        cardboss.AsyncClient("", APIKEY)
    with pytest.raises(cardboss.InvalidInputError) as e:
        cardboss.Client(None, APIKEY)
    assert e.value.field == "sid" and "CARDBOSS_SID" in str(e.value)
    for cls in (cardboss.Client, cardboss.AsyncClient):
        for field in ("retry_base_ms", "retry_cap_ms"):
            with pytest.raises(cardboss.InvalidInputError, match=field):
                kwargs: dict[str, Any] = {field: -1}
                cls("10043", APIKEY, **kwargs)
            with pytest.raises(TypeError):
                bad: dict[str, Any] = {field: "1"}
                cls("10043", APIKEY, **bad)
        # accepted: zero (retry at once) and a cap below the base
        cls("10043", APIKEY, retry_base_ms=0, retry_cap_ms=0).close()
        cls("10043", APIKEY, retry_base_ms=1500, retry_cap_ms=500).close()


def test_constructors_share_one_signature_and_restate_no_default() -> None:
    sync = inspect.signature(cardboss.Client)
    asyn = inspect.signature(cardboss.AsyncClient)
    assert sync == asyn
    assert list(sync.parameters) == [
        "sid", "apikey", "base_url", "ops_url", "timeout_ms", "connect_timeout_ms", "max_retries",
        "retry_base_ms", "retry_cap_ms", "concurrency", "utc_offset_minutes", "cooldown_guard", "cooldown_store",
    ]
    # every option's default is the core's, so the signature says None
    assert all(p.default is None for name, p in sync.parameters.items() if name not in ("sid", "apikey"))
    assert all(p.kind is p.KEYWORD_ONLY for name, p in sync.parameters.items() if name not in ("sid", "apikey"))


def test_closed_client_refuses_calls() -> None:
    client = cardboss.Client("10043", APIKEY, base_url=closed_port())
    with client as same:
        assert same is client
        assert not client.closed
    assert client.closed
    with pytest.raises(cardboss.InvalidInputError, match="closed"):
        client.customer()
    client.close()  # idempotent


def test_async_call_is_a_lazy_coroutine() -> None:
    url = closed_port()
    client = cardboss.AsyncClient("10043", APIKEY, base_url=url, max_retries=0)
    # created outside any event loop, run by asyncio.run
    coro = client.customer()
    with pytest.raises(cardboss.TransportError):
        asyncio.run(coro)


# ------------------------------------------------------------------------------------ surface


def test_every_exported_name_exists() -> None:
    for name in cardboss.__all__:
        assert hasattr(cardboss, name), name
    assert cardboss.PUSH_ACK == "success"
    assert cardboss.__version__


STUB = Path(cardboss.__file__).with_name("_native.pyi")


def stub_classes() -> dict[str, set[str]]:
    tree = ast.parse(STUB.read_text(encoding="utf-8"))
    classes: dict[str, set[str]] = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            members = set()
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    members.add(item.name)
                elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                    members.add(item.target.id)
            classes[node.name] = members
    return classes


def test_stubs_cover_every_class_method_and_field() -> None:
    classes = stub_classes()
    tree = ast.parse(STUB.read_text(encoding="utf-8"))
    stub_names = set(classes) | {
        n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
    } | {
        t.id for n in tree.body if isinstance(n, (ast.AnnAssign, ast.Assign))
        for t in ([n.target] if isinstance(n, ast.AnnAssign) else n.targets) if isinstance(t, ast.Name)
    }
    runtime_names = {n for n in dir(_native) if not n.startswith("__") or n == "__version__"}
    assert runtime_names - stub_names == set(), "names without a stub"
    for name, members in classes.items():
        cls = getattr(_native, name)
        if issubclass(cls, (BaseException, enum.Enum)):
            continue  # (test.sh's stubtest checks enum members and everything's signatures)
        runtime = {m for m in dir(cls) if not m.startswith("_")}
        assert runtime - members == set(), f"{name}: members without a stub"
        public = {m for m in members if not m.startswith("_")}
        assert public - runtime == set(), f"{name}: stubbed members missing at run time"


def test_client_and_async_client_have_the_same_methods() -> None:
    sync = {m for m in dir(cardboss.Client) if not m.startswith("_")}
    asyn = {m for m in dir(cardboss.AsyncClient) if not m.startswith("_")}
    assert asyn - sync == {"aclose"}
    assert sync - asyn == set()
