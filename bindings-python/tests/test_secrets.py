"""The apikey (and any sign) appears in no repr, str, exception or log line."""

from __future__ import annotations

import asyncio
import logging
import pickle

import pytest

import cardboss
from conftest import Sandbox


def all_text(obj: object) -> str:
    parts = [repr(obj), str(obj)]
    if isinstance(obj, BaseException):
        parts += [repr(getattr(obj, name, None)) for name in
                  ("code", "msg", "detail", "endpoint", "result", "carrier_code", "args")]
    return "\n".join(parts)


def test_apikey_is_in_no_repr_str_exception_or_log_line(
    sandbox: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    key = sandbox.apikey
    caplog.set_level(logging.DEBUG, logger="cardboss")
    seen: list[object] = []
    with sandbox.client(cooldown_guard=True) as client:
        seen.append(client)
        card = sandbox.fresh_cards(1)[0]
        seen += [client.customer(), client.list_cards(), client.card_details(msisdns=[card.msisdn])[0]]
        seen.append(client.send_iot_sms_encrypted([card.msisdn], "secret?"))
        client.suspend(msisdn=card.msisdn)
        for call in (
            lambda: client.resume(msisdn=card.msisdn),  # cooldown
            lambda: client.card_details(msisdns=["bad"]),  # invalid input
            lambda: client.renew("NOPE", 12, msisdn=card.msisdn),  # api error with a result
        ):
            with pytest.raises(cardboss.CardBossError) as err:
                call()
            seen.append(err.value)
    with cardboss.Client(sandbox.sid, key[::-1], base_url=sandbox.base_url) as wrong:
        with pytest.raises(cardboss.AuthError) as auth:
            wrong.customer()
        seen += [auth.value, wrong]
    async_client = sandbox.async_client()
    seen.append(async_client)

    for obj in seen:
        text = all_text(obj)
        assert key not in text, text
        assert key[::-1] not in text, text
    # the first or last 16 characters (the SMS key and IV) do not leak either
    for record in caplog.records:
        line = record.getMessage() + repr(getattr(record, "cardboss", {}))
        assert key not in line and key[:16] not in line and key[16:] not in line, line
    assert any(r.name == "cardboss" for r in caplog.records)


def test_request_log_reaches_python_logging(example_sandbox: Sandbox, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="cardboss")
    with example_sandbox.client() as client:
        client.pools()
    records = [r for r in caplog.records if r.name == "cardboss" and "pool/list" in r.getMessage()]
    assert records, [r.getMessage() for r in caplog.records]
    fields = getattr(records[0], "cardboss")
    assert fields["endpoint"] == "pool/list" and "elapsed_ms" in fields
    assert records[0].levelno == logging.DEBUG


def test_quiet_logger_gets_nothing(example_sandbox: Sandbox, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="cardboss")
    with example_sandbox.client() as client:
        client.pools()
    assert not [r for r in caplog.records if r.name == "cardboss" and r.levelno < logging.WARNING]


def test_async_log_lines_have_no_secret(example_sandbox: Sandbox, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="cardboss")

    async def main() -> None:
        async with example_sandbox.async_client() as client:
            await asyncio.gather(*(client.customer() for _ in range(10)))

    asyncio.run(main())
    assert sum("customer/get" in r.getMessage() for r in caplog.records) >= 10
    assert all(example_sandbox.apikey not in r.getMessage() for r in caplog.records)


def test_exceptions_pickle_without_the_key(example_sandbox: Sandbox) -> None:
    with example_sandbox.client() as client:
        with pytest.raises(cardboss.InvalidInputError) as err:
            client.card_details()
    clone = pickle.loads(pickle.dumps(err.value))
    assert type(clone) is cardboss.InvalidInputError and clone.code == "INVALID_INPUT"
    assert example_sandbox.apikey.encode() not in pickle.dumps(err.value)
