"""The values users expect (issue 20): models built from keyword arguments, compared, hashed,
pickled (also across a process pool) and copied; dates as `datetime.date`; coded values as enum
members equal to their plain value. Decoded values come from the sandbox over loopback."""

from __future__ import annotations

import concurrent.futures
import copy
import datetime
import enum
import multiprocessing
import pickle
from typing import Any

import pytest

import cardboss
from conftest import Sandbox

MODELS = [
    obj
    for name in cardboss.__all__
    if isinstance(obj := getattr(cardboss, name), type) and hasattr(obj, "__getnewargs_ex__")
]

ENUMS = {
    "CardState": {"DISABLED": 0, "USABLE": 1, "PAUSED": 2},
    "MsStatus": {"STOCK": 0, "AWAITING_ACTIVATION": 1, "NORMAL": 2, "SUSPENDED": 3, "CLOSED": 4,
                 "OTHER": 5, "TEST": 6},
    "Cycle": {"OTHER": 0, "TEST": 1, "SILENT": 2, "ACTIVE": 3},
    "Audit": {"MANUAL": 1, "AUTOMATIC": 2},
}


def operator_equals(member: object, text: object) -> bool:
    """`==` between an operator and its letters (mypy sees no overlap between the literals)."""
    return member == text


def round_trips(value: Any) -> None:
    """Equal and equally hashed after every pickle protocol, copy, deepcopy and its kwargs."""
    again = [pickle.loads(pickle.dumps(value, protocol=p)) for p in range(2, pickle.HIGHEST_PROTOCOL + 1)]
    again += [copy.copy(value), copy.deepcopy(value)]
    args, kwargs = value.__getnewargs_ex__()
    again.append(type(value)(*args, **kwargs))
    for other in again:
        assert type(other) is type(value)
        assert other == value and not other != value
        assert hash(other) == hash(value)
        assert other.to_dict() == value.to_dict()
        assert repr(other) == repr(value)


def test_every_model_is_exported_once_and_round_trips_empty() -> None:
    names = {m.__name__ for m in MODELS}
    assert len(names) >= 23 and {"Customer", "Card", "CardDetail", "FleetRecord", "MissingPage"} <= names
    for model in MODELS:
        assert model.__module__ == "cardboss"
        if model is cardboss.BulkOutcome:
            # An outcome names its card and status (a journal line without them is refused too).
            round_trips(model(card="1440000000001", status=cardboss.OutcomeStatus.DONE))
            with pytest.raises(ValueError, match="card"):
                model()
            continue
        round_trips(model())


def test_a_fixture_from_keyword_arguments() -> None:
    card = cardboss.Card(msisdn="1440000000001", iccid="8986000000000000001", state=1,
                         extra={"vendor": "acme"})
    assert (card.msisdn, card.state, card.extra) == ("1440000000001", 1, {"vendor": "acme"})
    assert card == cardboss.Card(msisdn="1440000000001", iccid="8986000000000000001",
                                 state=cardboss.CardState.USABLE, extra={"vendor": "acme"})
    assert card != cardboss.Card(msisdn="1440000000001", iccid="8986000000000000001", state=2)
    assert len({card, copy.deepcopy(card), cardboss.Card()}) == 2
    round_trips(card)

    # Nested records, as records or as dicts; dates as dates or as the wire's text.
    record = cardboss.FleetRecord(
        msisdn="1440000000001", state=2, mno="CT", msstatus=3,
        activedate=datetime.date(2020, 4, 14), expiredate="2030-12-31",
        packages=[cardboss.Package(pkgcode="P1", startdate="2021-01-01", pkgcategory=1),
                  {"pkgcode": "P2", "enddate": "2021-12-31"}],  # type: ignore[list-item]
        history=cardboss.MonthlyUsage(month="202401", flowusage=1.5),
    )
    assert record.activedate == datetime.date(2020, 4, 14)
    assert record.expiredate == datetime.date(2030, 12, 31)
    assert record.packages is not None and [p.pkgcode for p in record.packages] == ["P1", "P2"]
    assert record.packages[0].startdate == datetime.date(2021, 1, 1)
    assert record.packages[1].enddate == datetime.date(2021, 12, 31)
    assert record.history is not None and record.history.flowusage == 1.5
    assert record.to_dict()["activedate"] == "2020-04-14"
    round_trips(record)

    # The spec's key where it differs from the attribute (`type`), like to_dict().
    warning = cardboss.UsageWarning(type=11, mon="CM", cardexpiry="2025-03-31")
    assert warning.warning_type is cardboss.WarningType.DATA_LOW
    assert warning.mon is cardboss.Operator.CHINA_MOBILE
    assert operator_equals(warning.mon, "CM")
    assert warning.cardexpiry == datetime.date(2025, 3, 31) and warning.planexpiry is None
    round_trips(warning)

    receipt = cardboss.SmsReceipt(count=2, fee=2, taskid="t1", taskids=["t1", "t2"])
    assert pickle.loads(pickle.dumps(receipt)).taskids == ["t1", "t2"]


def test_hash_follows_equality_whatever_the_order_of_extra() -> None:
    a = cardboss.Card(msisdn="1", extra={"a": "1", "b": "2", "c": "3"})
    b = cardboss.Card(msisdn="1", extra={"c": "3", "b": "2", "a": "1"})
    assert a == b and hash(a) == hash(b)
    assert cardboss.CardDetail(balance=0.0) == cardboss.CardDetail(balance=-0.0)
    assert hash(cardboss.CardDetail(balance=0.0)) == hash(cardboss.CardDetail(balance=-0.0))


def test_models_stay_frozen() -> None:
    card = cardboss.Card(msisdn="1")
    with pytest.raises(AttributeError):
        card.msisdn = "2"  # type: ignore[misc]


def test_bad_keyword_arguments_are_refused_clearly() -> None:
    with pytest.raises(TypeError, match="unexpected keyword argument 'msisdns'.*msisdn"):
        cardboss.Card(msisdns="1")  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="extra repeats the field 'state'"):
        cardboss.Card(extra={"state": "1"})
    with pytest.raises(TypeError, match="unexpected keyword argument 'extra'"):
        cardboss.CardPage(extra={})  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="Card"):
        cardboss.Card(state=1.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="cannot use a object"):
        cardboss.Card(msisdn=object())  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        cardboss.Card("1")  # type: ignore[call-arg]


def test_code_enums_come_from_the_core_tables_and_equal_their_values() -> None:
    for name, members in ENUMS.items():
        cls = getattr(cardboss, name)
        assert issubclass(cls, enum.IntEnum) and cls.__module__ == "cardboss"
        assert {m.name: m.value for m in cls} == members
        for m in cls:
            assert pickle.loads(pickle.dumps(m)) is m
    assert issubclass(cardboss.Operator, str)
    assert [m.value for m in cardboss.Operator] == ["CM", "CT", "UN", "CB"]
    # A code the table does not list stays the plain value; so does a date that is not one.
    odd = cardboss.CardDetail(state=9, mno="XX", activedate="sometime")
    assert odd.state == 9 and type(odd.state) is int
    assert odd.mno == "XX" and type(odd.mno) is str
    assert odd.activedate is None and odd.to_dict()["activedate"] == "sometime"
    round_trips(odd)


def test_decoded_values_are_dates_and_enums(client: cardboss.Client, sandbox: Sandbox) -> None:
    cards = sandbox.fresh_cards(3)
    assert all(isinstance(c.state, cardboss.CardState) for c in cards)
    details = client.card_details(msisdns=[c.msisdn for c in cards])
    for card, d in zip(cards, details):
        assert d.state == card.state and d.state == int(card.state)
        assert isinstance(d.state, cardboss.CardState)
        assert isinstance(d.msstatus, cardboss.MsStatus) and isinstance(d.cycle, cardboss.Cycle)
        assert isinstance(d.mno, cardboss.Operator) and d.mno in ("CM", "CT", "UN")
        for field in ("activedate", "stoptestdate", "stopsleepdate", "expiredate",
                      "statusyncdate", "pkgsyncdate", "monthsyncdate"):
            value = getattr(d, field)
            text = d.to_dict()[field]
            assert value is None or (isinstance(value, datetime.date) and value.isoformat() == text)
        round_trips(d)
    assert any(d.activedate is not None for d in details)
    pkgs = client.packages(msisdn=cards[0].msisdn)
    for p in pkgs.pkgs:
        assert isinstance(p.pkgtype, cardboss.PackageType)
        assert isinstance(p.pkgcategory, cardboss.PackageCategory)
        assert p.startdate is None or isinstance(p.startdate, datetime.date)
    round_trips(pkgs)
    me = client.customer()
    assert me.status == 1 and me.status is cardboss.Status.NORMAL
    round_trips(me)
    for pool in client.pools():
        assert isinstance(pool.state, cardboss.Status)
        round_trips(pool)


def describe(record: cardboss.FleetRecord) -> tuple[str, int, str | None]:
    """Runs in a worker process."""
    return record.msisdn, int(record.state), record.activedate.isoformat() if record.activedate else None


def test_fleet_records_cross_a_process_pool(client: cardboss.Client, sandbox: Sandbox) -> None:
    records = next(iter(client.fleet_sync()))[:20]
    assert records and any(r.activedate is not None for r in records)
    for r in records:
        round_trips(r)
    spawn = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(max_workers=2, mp_context=spawn) as pool:
        got = list(pool.map(describe, records))
    assert got == [describe(r) for r in records]
