"""Type stubs of `cardboss._native`, the compiled core of the `cardboss` package.

Results are immutable: their attributes are the spec's table field names, `to_dict()` gives
them as a dict, `==` compares them field by field, `hash()` by content, and `repr()` shows them
without secrets. They are built from keyword arguments named like `to_dict()`'s keys (decoded
like an answer), and pickle and copy. Dates are `datetime.date`; coded values are the enums
below (equal to their plain value), or the plain value when the spec does not list it.

The code enums and the models (between the `<generated>` markers) are rendered by the core from
the models' own schemas and code tables (`bindings-python/stubs.py --write`); the rest is written
by hand. `bindings-python/test.sh` checks both against the built module: `stubs.py --check` (the
generated section is what the module renders) and mypy's stubtest (every name, signature,
property and enum member).
"""

import builtins
import datetime
import enum
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping, Sequence
from types import TracebackType
from typing import Any, ClassVar, Literal, TypeAlias, TypeVar, final, overload

from typing_extensions import Self, deprecated, disjoint_base

__version__: str
PUSH_ACK: Literal["success"]
"""The body a push receiver must answer with (within 5 seconds)."""
DEFAULT_BASE_URL: str

# ---------------------------------------------------------------------------------------------
# <generated: bindings-python/stubs.py --write, from the core's models and code tables>
# Code tables (the core's `codes`): coded fields are these members, equal to their plain value;
# a value a table does not list stays a plain int / str.

class CardState(enum.IntEnum):
    """A card's platform state (`state`): 0 disabled, 1 usable, 2 paused."""
    DISABLED = 0
    USABLE = 1
    PAUSED = 2

class MsStatus(enum.IntEnum):
    """A card's state at the carrier (`msstatus`)."""
    STOCK = 0
    AWAITING_ACTIVATION = 1
    NORMAL = 2
    SUSPENDED = 3
    CLOSED = 4
    OTHER = 5
    TEST = 6

class Cycle(enum.IntEnum):
    """A card's life-cycle phase (`cycle`)."""
    OTHER = 0
    TEST = 1
    SILENT = 2
    ACTIVE = 3

class Status(enum.IntEnum):
    """An account's or a pool's status: 0 disabled, 1 normal."""
    DISABLED = 0
    NORMAL = 1

class PackageType(enum.IntEnum):
    """What a package provides (`pkgtype`)."""
    DATA = 1
    VOICE = 2
    NB = 3
    SMS = 4

class PackageCategory(enum.IntEnum):
    """A package's category (`pkgcategory`); month packs are ordered 12 months at least."""
    MONTH_PACK = 1
    LONG_PACK = 2
    ADD_ON = 3
    ASSURANCE = 4
    TEST = 5
    OFF_PEAK = 6
    POSTPAID = 7

class RenewalStatus(enum.IntEnum):
    """How a renewal order ended (OD1002 `status`)."""
    FAILED = 0
    SUCCEEDED = 1

class WarningType(enum.IntEnum):
    """What a usage warning is about (OD1010 `type`)."""
    DATA_LOW = 11
    VOICE_LOW = 12
    SMS_LOW = 13
    CONNECTIONS_LOW = 14
    POOL_CARD_AT_QUOTA = 15
    DATA_EXCEEDED = 21
    VOICE_EXCEEDED = 22
    SMS_EXCEEDED = 23
    CONNECTIONS_EXCEEDED = 24
    PACKAGE_EXPIRING = 31
    PACKAGE_EXPIRED = 32
    NO_PACKAGE = 41
    CARD_EXPIRING = 42
    SUSPENDED_AT_QUOTA = 51

class Audit(enum.IntEnum):
    """A renewal's review mode (`audit`): 1 manual, 2 automatic."""
    MANUAL = 1
    AUTOMATIC = 2

class Operator(str, enum.Enum):
    """A card's operator (`mno`, `mon`): CM, CT, UN or CB."""
    CHINA_MOBILE = "CM"
    CHINA_TELECOM = "CT"
    CHINA_UNICOM = "UN"
    CHINA_BROADNET = "CB"

class OutcomeStatus(str, enum.Enum):
    """How a bulk run's operation ended on one card: done, refused, unknown, skipped or not_attempted."""
    DONE = "done"
    REFUSED = "refused"
    UNKNOWN = "unknown"
    SKIPPED = "skipped"
    NOT_ATTEMPTED = "not_attempted"

# ---------------------------------------------------------------------------------------------
# Results


@final
class Customer:
    """3.1.1 customer/get: the account."""

    def __new__(
        cls,
        *,
        sid: str = ...,
        name: str = ...,
        telephone: str = ...,
        status: int = ...,
        balance: float = ...,
        extcode: str = ...,
        loginname: str = ...,
        linkman: str = ...,
        warningmails: str = ...,
        warningphones: str = ...,
        cardqty: int = ...,
        extra: Mapping[str, str] = ...,
    ) -> Self:
        """Keyword arguments are `to_dict()`'s keys; values are decoded as an answer would be."""

    @property
    def sid(self) -> str: ...

    @property
    def name(self) -> str: ...

    @property
    def telephone(self) -> str: ...

    @property
    def status(self) -> Status | int:
        """0 disabled, 1 normal."""

    @property
    def balance(self) -> float:
        """Account balance in yuan."""

    @property
    def extcode(self) -> str:
        """Extension code used for SMS sub-numbers."""

    @property
    def loginname(self) -> str: ...

    @property
    def linkman(self) -> str: ...

    @property
    def warningmails(self) -> str: ...

    @property
    def warningphones(self) -> str: ...

    @property
    def cardqty(self) -> int:
        """Cards held directly by this account (not its sub-accounts)."""

    @property
    def extra(self) -> dict[str, str]:
        """Fields the spec does not list, as JSON text by name."""

    def to_dict(self) -> dict[str, Any]:
        """The record as a `dict` keyed by the spec's table names."""

    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __copy__(self) -> Self: ...
    def __deepcopy__(self, memo: Any, /) -> Self: ...
    def __getnewargs_ex__(self) -> tuple[tuple[()], dict[str, Any]]: ...


@final
class Card:
    """3.2.1 card/list: one card of the account."""

    def __new__(
        cls,
        *,
        msisdn: str = ...,
        iccid: str = ...,
        imsi: str = ...,
        state: int = ...,
        extra: Mapping[str, str] = ...,
    ) -> Self:
        """Keyword arguments are `to_dict()`'s keys; values are decoded as an answer would be."""

    @property
    def msisdn(self) -> str:
        """The example calls it `msisdns`."""

    @property
    def iccid(self) -> str: ...

    @property
    def imsi(self) -> str: ...

    @property
    def state(self) -> CardState | int:
        """Platform state: 0 disabled, 1 usable, 2 paused."""

    @property
    def extra(self) -> dict[str, str]:
        """Fields the spec does not list, as JSON text by name."""

    def to_dict(self) -> dict[str, Any]:
        """The record as a `dict` keyed by the spec's table names."""

    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __copy__(self) -> Self: ...
    def __deepcopy__(self, memo: Any, /) -> Self: ...
    def __getnewargs_ex__(self) -> tuple[tuple[()], dict[str, Any]]: ...


@final
class CardPage:
    """3.2.1 card/list: one page of 100 cards."""

    def __new__(
        cls,
        *,
        count: int = ...,
        pageindex: int = ...,
        totalpage: int = ...,
        cards: Sequence[Card] = ...,
    ) -> Self:
        """Keyword arguments are `to_dict()`'s keys; values are decoded as an answer would be."""

    @property
    def count(self) -> int:
        """Cards in the account."""

    @property
    def pageindex(self) -> int: ...

    @property
    def totalpage(self) -> int: ...

    @property
    def cards(self) -> list[Card]: ...

    def to_dict(self) -> dict[str, Any]:
        """The record as a `dict` keyed by the spec's table names."""

    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __copy__(self) -> Self: ...
    def __deepcopy__(self, memo: Any, /) -> Self: ...
    def __getnewargs_ex__(self) -> tuple[tuple[()], dict[str, Any]]: ...


@final
class CardDetail:
    """3.2.2 card/detail: everything the platform knows of a card."""

    def __new__(
        cls,
        *,
        msisdn: str = ...,
        iccid: str = ...,
        imsi: str = ...,
        imei: str = ...,
        state: int = ...,
        balance: float = ...,
        status: str = ...,
        msstatus: int = ...,
        cycle: int = ...,
        activedate: datetime.date | str | None = ...,
        stoptestdate: datetime.date | str | None = ...,
        stopsleepdate: datetime.date | str | None = ...,
        expiredate: datetime.date | str | None = ...,
        openpool: int = ...,
        mno: str = ...,
        pkgcode: str = ...,
        pkgname: str = ...,
        isxn: str = ...,
        isjyb: str = ...,
        isaxb: str = ...,
        sbbh: str = ...,
        openapns: str = ...,
        apnstatus: str = ...,
        onoff: str = ...,
        online: str = ...,
        apn: str = ...,
        rat: str = ...,
        ip: str = ...,
        pkgtotalflow: float = ...,
        pkgusedflow: float = ...,
        pkgtotalusedflow: float = ...,
        pkgleftflow: float = ...,
        flowusage: float = ...,
        smsusage: int = ...,
        voiceusage: int = ...,
        connectusage: int = ...,
        outflowusage: float = ...,
        statusyncdate: datetime.date | str | None = ...,
        pkgsyncdate: datetime.date | str | None = ...,
        monthsyncdate: datetime.date | str | None = ...,
        extra: Mapping[str, str] = ...,
    ) -> Self:
        """Keyword arguments are `to_dict()`'s keys; values are decoded as an answer would be."""

    @property
    def msisdn(self) -> str: ...

    @property
    def iccid(self) -> str: ...

    @property
    def imsi(self) -> str: ...

    @property
    def imei(self) -> str: ...

    @property
    def state(self) -> CardState | int:
        """Platform state: 0 disabled, 1 usable, 2 paused."""

    @property
    def balance(self) -> float:
        """The card's own balance at the carrier, yuan."""

    @property
    def status(self) -> str:
        """Withdrawn by the spec ("作废"); kept as sent."""

    @property
    def msstatus(self) -> MsStatus | int:
        """0 stock, 1 awaiting activation, 2 normal, 3 suspended, 4 closed, 5 other, 6 test."""

    @property
    def cycle(self) -> Cycle | int:
        """Life cycle: 0 other, 1 test, 2 silent, 3 active."""

    @property
    def activedate(self) -> datetime.date | None: ...

    @property
    def stoptestdate(self) -> datetime.date | None: ...

    @property
    def stopsleepdate(self) -> datetime.date | None: ...

    @property
    def expiredate(self) -> datetime.date | None: ...

    @property
    def openpool(self) -> int:
        """1 in a data pool, 0 not."""

    @property
    def mno(self) -> Operator | str:
        """Operator: CM, CT or UN. The example calls it `yys`."""

    @property
    def pkgcode(self) -> str: ...

    @property
    def pkgname(self) -> str: ...

    @property
    def isxn(self) -> str: ...

    @property
    def isjyb(self) -> str: ...

    @property
    def isaxb(self) -> str: ...

    @property
    def sbbh(self) -> str:
        """Customer's own device number."""

    @property
    def openapns(self) -> str:
        """Open APNs, comma separated."""

    @property
    def apnstatus(self) -> str:
        """e.g. `CMIOT:正常,M2MIOT:暂停`."""

    @property
    def onoff(self) -> str:
        """Power state: the table says 开机/关机, the example (`onOff`) says "1"."""

    @property
    def online(self) -> str:
        """在线/离线; the example calls it `gprsStatus`."""

    @property
    def apn(self) -> str: ...

    @property
    def rat(self) -> str: ...

    @property
    def ip(self) -> str: ...

    @property
    def pkgtotalflow(self) -> float:
        """kb (0 for pooled cards), likewise the next three."""

    @property
    def pkgusedflow(self) -> float: ...

    @property
    def pkgtotalusedflow(self) -> float: ...

    @property
    def pkgleftflow(self) -> float: ...

    @property
    def flowusage(self) -> float:
        """kb this month."""

    @property
    def smsusage(self) -> int: ...

    @property
    def voiceusage(self) -> int:
        """Minutes."""

    @property
    def connectusage(self) -> int: ...

    @property
    def outflowusage(self) -> float:
        """kb over the package."""

    @property
    def statusyncdate(self) -> datetime.date | None: ...

    @property
    def pkgsyncdate(self) -> datetime.date | None: ...

    @property
    def monthsyncdate(self) -> datetime.date | None:
        """The table misspells it `monthsincdate`."""

    @property
    def extra(self) -> dict[str, str]:
        """Fields the spec does not list, as JSON text by name."""

    def to_dict(self) -> dict[str, Any]:
        """The record as a `dict` keyed by the spec's table names."""

    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __copy__(self) -> Self: ...
    def __deepcopy__(self, memo: Any, /) -> Self: ...
    def __getnewargs_ex__(self) -> tuple[tuple[()], dict[str, Any]]: ...


@final
class CurrentUsage:
    """3.2.3 card/usage/current: this month's usage of a card."""

    def __new__(
        cls,
        *,
        msisdn: str = ...,
        iccids: str = ...,
        imsi: str = ...,
        state: int = ...,
        pkgtotalflow: float = ...,
        pkgusedflow: float = ...,
        pkgtotalusedflow: float = ...,
        pkgleftflow: float = ...,
        flowusage: float = ...,
        smsusage: int = ...,
        voiceusage: int = ...,
        connectusage: int = ...,
        outflowusage: float = ...,
        extra: Mapping[str, str] = ...,
    ) -> Self:
        """Keyword arguments are `to_dict()`'s keys; values are decoded as an answer would be."""

    @property
    def msisdn(self) -> str: ...

    @property
    def iccids(self) -> str:
        """One iccid; the table names it `iccids`, the example `iccid`."""

    @property
    def imsi(self) -> str:
        """Only the example has it."""

    @property
    def state(self) -> CardState | int: ...

    @property
    def pkgtotalflow(self) -> float: ...

    @property
    def pkgusedflow(self) -> float: ...

    @property
    def pkgtotalusedflow(self) -> float: ...

    @property
    def pkgleftflow(self) -> float: ...

    @property
    def flowusage(self) -> float: ...

    @property
    def smsusage(self) -> int: ...

    @property
    def voiceusage(self) -> int: ...

    @property
    def connectusage(self) -> int: ...

    @property
    def outflowusage(self) -> float: ...

    @property
    def extra(self) -> dict[str, str]:
        """Fields the spec does not list, as JSON text by name."""

    @property
    def iccid(self) -> str:
        """The card's iccid (the field carries the table's name, `iccids`)."""

    def to_dict(self) -> dict[str, Any]:
        """The record as a `dict` keyed by the spec's table names."""

    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __copy__(self) -> Self: ...
    def __deepcopy__(self, memo: Any, /) -> Self: ...
    def __getnewargs_ex__(self) -> tuple[tuple[()], dict[str, Any]]: ...


@final
class MonthlyUsage:
    """3.2.4 card/usage/past: one month's usage of a card."""

    def __new__(
        cls,
        *,
        month: str = ...,
        msisdn: str = ...,
        iccid: str = ...,
        flowusage: float = ...,
        smsusage: int = ...,
        voiceusage: int = ...,
        connectusage: int = ...,
        outflowusage: float = ...,
        extra: Mapping[str, str] = ...,
    ) -> Self:
        """Keyword arguments are `to_dict()`'s keys; values are decoded as an answer would be."""

    @property
    def month(self) -> str:
        """`yyyyMM`."""

    @property
    def msisdn(self) -> str: ...

    @property
    def iccid(self) -> str: ...

    @property
    def flowusage(self) -> float: ...

    @property
    def smsusage(self) -> int: ...

    @property
    def voiceusage(self) -> int: ...

    @property
    def connectusage(self) -> int: ...

    @property
    def outflowusage(self) -> float: ...

    @property
    def extra(self) -> dict[str, str]:
        """Fields the spec does not list, as JSON text by name."""

    def to_dict(self) -> dict[str, Any]:
        """The record as a `dict` keyed by the spec's table names."""

    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __copy__(self) -> Self: ...
    def __deepcopy__(self, memo: Any, /) -> Self: ...
    def __getnewargs_ex__(self) -> tuple[tuple[()], dict[str, Any]]: ...


@final
class ArrearsCard:
    """3.2.5 card/abnormal (withdrawn): a card in arrears."""

    def __new__(
        cls,
        *,
        msisdn: str = ...,
        iccid: str = ...,
        imsi: str = ...,
        state: int = ...,
        balance: float = ...,
        extra: Mapping[str, str] = ...,
    ) -> Self:
        """Keyword arguments are `to_dict()`'s keys; values are decoded as an answer would be."""

    @property
    def msisdn(self) -> str: ...

    @property
    def iccid(self) -> str: ...

    @property
    def imsi(self) -> str: ...

    @property
    def state(self) -> CardState | int: ...

    @property
    def balance(self) -> float:
        """Negative when in arrears, yuan."""

    @property
    def extra(self) -> dict[str, str]:
        """Fields the spec does not list, as JSON text by name."""

    def to_dict(self) -> dict[str, Any]:
        """The record as a `dict` keyed by the spec's table names."""

    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __copy__(self) -> Self: ...
    def __deepcopy__(self, memo: Any, /) -> Self: ...
    def __getnewargs_ex__(self) -> tuple[tuple[()], dict[str, Any]]: ...


@final
class ArrearsPage:
    """3.2.5 card/abnormal (withdrawn): one page of cards in arrears."""

    def __new__(
        cls,
        *,
        count: int = ...,
        pageindex: int = ...,
        totalpage: int = ...,
        cards: Sequence[ArrearsCard] = ...,
    ) -> Self:
        """Keyword arguments are `to_dict()`'s keys; values are decoded as an answer would be."""

    @property
    def count(self) -> int: ...

    @property
    def pageindex(self) -> int: ...

    @property
    def totalpage(self) -> int: ...

    @property
    def cards(self) -> list[ArrearsCard]: ...

    def to_dict(self) -> dict[str, Any]:
        """The record as a `dict` keyed by the spec's table names."""

    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __copy__(self) -> Self: ...
    def __deepcopy__(self, memo: Any, /) -> Self: ...
    def __getnewargs_ex__(self) -> tuple[tuple[()], dict[str, Any]]: ...


@final
class Package:
    """3.2.6 card/pkg/get: one package a card has ordered."""

    def __new__(
        cls,
        *,
        msisdn: str = ...,
        pkgcode: str = ...,
        pkgname: str = ...,
        startdate: datetime.date | str | None = ...,
        enddate: datetime.date | str | None = ...,
        buycycle: int = ...,
        pkgtype: int = ...,
        pkgcategory: int = ...,
        mainpkg: bool = ...,
        totalflow: float = ...,
        extra: Mapping[str, str] = ...,
    ) -> Self:
        """Keyword arguments are `to_dict()`'s keys; values are decoded as an answer would be."""

    @property
    def msisdn(self) -> str: ...

    @property
    def pkgcode(self) -> str:
        """The id to renew with."""

    @property
    def pkgname(self) -> str: ...

    @property
    def startdate(self) -> datetime.date | None: ...

    @property
    def enddate(self) -> datetime.date | None: ...

    @property
    def buycycle(self) -> int:
        """Minimum months per order (month packs: 12)."""

    @property
    def pkgtype(self) -> PackageType | int:
        """1 data, 2 voice, 3 NB, 4 SMS."""

    @property
    def pkgcategory(self) -> PackageCategory | int:
        """1 month pack, 2 long pack, 3 add-on, 4 安心包, 5 test, 6 idle-time, 7 post-paid."""

    @property
    def mainpkg(self) -> bool: ...

    @property
    def totalflow(self) -> float:
        """kb; -1 unlimited. Only the example has it."""

    @property
    def extra(self) -> dict[str, str]:
        """Fields the spec does not list, as JSON text by name."""

    def to_dict(self) -> dict[str, Any]:
        """The record as a `dict` keyed by the spec's table names."""

    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __copy__(self) -> Self: ...
    def __deepcopy__(self, memo: Any, /) -> Self: ...
    def __getnewargs_ex__(self) -> tuple[tuple[()], dict[str, Any]]: ...


@final
class PackageList:
    """3.2.6 card/pkg/get: a card's packages."""

    def __new__(
        cls,
        *,
        msisdn: str = ...,
        count: int = ...,
        pkgs: Sequence[Package] = ...,
    ) -> Self:
        """Keyword arguments are `to_dict()`'s keys; values are decoded as an answer would be."""

    @property
    def msisdn(self) -> str: ...

    @property
    def count(self) -> int: ...

    @property
    def pkgs(self) -> list[Package]: ...

    def to_dict(self) -> dict[str, Any]:
        """The record as a `dict` keyed by the spec's table names."""

    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __copy__(self) -> Self: ...
    def __deepcopy__(self, memo: Any, /) -> Self: ...
    def __getnewargs_ex__(self) -> tuple[tuple[()], dict[str, Any]]: ...


@final
class DayUsage:
    """3.2.7 card/usage/day (withdrawn): one card's usage on a day."""

    def __new__(
        cls,
        *,
        msisdn: str = ...,
        iccids: str = ...,
        usage: float = ...,
        extra: Mapping[str, str] = ...,
    ) -> Self:
        """Keyword arguments are `to_dict()`'s keys; values are decoded as an answer would be."""

    @property
    def msisdn(self) -> str: ...

    @property
    def iccids(self) -> str:
        """The table names it `iccids`."""

    @property
    def usage(self) -> float:
        """kb."""

    @property
    def extra(self) -> dict[str, str]:
        """Fields the spec does not list, as JSON text by name."""

    def to_dict(self) -> dict[str, Any]:
        """The record as a `dict` keyed by the spec's table names."""

    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __copy__(self) -> Self: ...
    def __deepcopy__(self, memo: Any, /) -> Self: ...
    def __getnewargs_ex__(self) -> tuple[tuple[()], dict[str, Any]]: ...


@final
class DailyUsage:
    """3.2.7 card/usage/day (withdrawn): usage of several cards on one day."""

    def __new__(
        cls,
        *,
        count: int = ...,
        day: str = ...,
        usages: Sequence[DayUsage] = ...,
    ) -> Self:
        """Keyword arguments are `to_dict()`'s keys; values are decoded as an answer would be."""

    @property
    def count(self) -> int: ...

    @property
    def day(self) -> str:
        """`yyyyMMdd`."""

    @property
    def usages(self) -> list[DayUsage]: ...

    def to_dict(self) -> dict[str, Any]:
        """The record as a `dict` keyed by the spec's table names."""

    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __copy__(self) -> Self: ...
    def __deepcopy__(self, memo: Any, /) -> Self: ...
    def __getnewargs_ex__(self) -> tuple[tuple[()], dict[str, Any]]: ...


@final
class Pool:
    """3.3.1 pool/list: one data pool, of this account or of a sub-account (`sid`)."""

    def __new__(
        cls,
        *,
        sid: str = ...,
        state: int = ...,
        tbsj: str = ...,
        poolid: str = ...,
        poolname: str = ...,
        ptcardcount: int = ...,
        pttotalflow: float = ...,
        ptactcardcount: int = ...,
        ptacttotalflow: float = ...,
        pkgid: str = ...,
        pkgname: str = ...,
        pkgsize: float = ...,
        usedflow: float = ...,
        extra: Mapping[str, str] = ...,
    ) -> Self:
        """Keyword arguments are `to_dict()`'s keys; values are decoded as an answer would be."""

    @property
    def sid(self) -> str:
        """Owning account."""

    @property
    def state(self) -> Status | int:
        """0 disabled, 1 normal."""

    @property
    def tbsj(self) -> str:
        """Last data sync time."""

    @property
    def poolid(self) -> str: ...

    @property
    def poolname(self) -> str: ...

    @property
    def ptcardcount(self) -> int: ...

    @property
    def pttotalflow(self) -> float:
        """kb."""

    @property
    def ptactcardcount(self) -> int: ...

    @property
    def ptacttotalflow(self) -> float:
        """kb."""

    @property
    def pkgid(self) -> str: ...

    @property
    def pkgname(self) -> str: ...

    @property
    def pkgsize(self) -> float:
        """kb."""

    @property
    def usedflow(self) -> float:
        """kb."""

    @property
    def extra(self) -> dict[str, str]:
        """Fields the spec does not list, as JSON text by name."""

    def to_dict(self) -> dict[str, Any]:
        """The record as a `dict` keyed by the spec's table names."""

    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __copy__(self) -> Self: ...
    def __deepcopy__(self, memo: Any, /) -> Self: ...
    def __getnewargs_ex__(self) -> tuple[tuple[()], dict[str, Any]]: ...


@final
class RenewalOrder:
    """3.4.1 card/pkg/renew: the order the renewal created. The platform confirms it later with an
    OD1002 push."""

    def __new__(
        cls,
        *,
        msisdn: str = ...,
        orderid: str = ...,
        ordertime: str | None = ...,
        orderamount: float = ...,
        extra: Mapping[str, str] = ...,
    ) -> Self:
        """Keyword arguments are `to_dict()`'s keys; values are decoded as an answer would be."""

    @property
    def msisdn(self) -> str: ...

    @property
    def orderid(self) -> str: ...

    @property
    def ordertime(self) -> str | None: ...

    @property
    def orderamount(self) -> float:
        """Yuan; charged when the order takes effect."""

    @property
    def extra(self) -> dict[str, str]:
        """Fields the spec does not list, as JSON text by name."""

    def to_dict(self) -> dict[str, Any]:
        """The record as a `dict` keyed by the spec's table names."""

    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __copy__(self) -> Self: ...
    def __deepcopy__(self, memo: Any, /) -> Self: ...
    def __getnewargs_ex__(self) -> tuple[tuple[()], dict[str, Any]]: ...


@final
class RenewalResult:
    """OD1002: the final result of a renewal order."""

    def __new__(
        cls,
        *,
        level: str = ...,
        msg: str = ...,
        status: int = ...,
        orderid: str = ...,
        msisdn: str = ...,
        iccid: str = ...,
        imsi: str = ...,
        equipment: str = ...,
        pkgcode: str = ...,
        pkgname: str = ...,
        month: int = ...,
        extra: Mapping[str, str] = ...,
    ) -> Self:
        """Keyword arguments are `to_dict()`'s keys; values are decoded as an answer would be."""

    @property
    def level(self) -> str:
        """info, warning or error."""

    @property
    def msg(self) -> str: ...

    @property
    def status(self) -> RenewalStatus | int:
        """1 success, 0 failure."""

    @property
    def orderid(self) -> str: ...

    @property
    def msisdn(self) -> str: ...

    @property
    def iccid(self) -> str: ...

    @property
    def imsi(self) -> str: ...

    @property
    def equipment(self) -> str:
        """The customer's device label."""

    @property
    def pkgcode(self) -> str: ...

    @property
    def pkgname(self) -> str: ...

    @property
    def month(self) -> int:
        """Months ordered."""

    @property
    def extra(self) -> dict[str, str]:
        """Fields the spec does not list, as JSON text by name."""

    def succeeded(self) -> bool:
        """True when the renewal went through (`status == 1`)."""

    def to_dict(self) -> dict[str, Any]:
        """The record as a `dict` keyed by the spec's table names."""

    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __copy__(self) -> Self: ...
    def __deepcopy__(self, memo: Any, /) -> Self: ...
    def __getnewargs_ex__(self) -> tuple[tuple[()], dict[str, Any]]: ...


@final
class UsageWarning:
    """OD1010: one usage or expiry warning."""

    def __new__(
        cls,
        *,
        id: str = ...,
        date: str = ...,
        mon: str = ...,
        msisdn: str = ...,
        iccid: str = ...,
        imei: str = ...,
        equipment: str = ...,
        type: int = ...,
        planname: str = ...,
        cardexpiry: datetime.date | str | None = ...,
        planexpiry: datetime.date | str | None = ...,
        total: float = ...,
        usage: float = ...,
        outflow: float = ...,
        extra: Mapping[str, str] = ...,
    ) -> Self:
        """Keyword arguments are `to_dict()`'s keys; values are decoded as an answer would be."""

    @property
    def id(self) -> str: ...

    @property
    def date(self) -> str:
        """Year and month of the warning."""

    @property
    def mon(self) -> Operator | str:
        """Operator: CM, CT, UN or CB."""

    @property
    def msisdn(self) -> str: ...

    @property
    def iccid(self) -> str: ...

    @property
    def imei(self) -> str: ...

    @property
    def equipment(self) -> str: ...

    @property
    def warning_type(self) -> WarningType | int:
        """The spec's `type`: 11 data low, 12 voice low, 13 SMS low, 14 connections low, 15 pooled
        card at its quota, 21–24 the same exceeded, 31 package expiring, 32 package expired,
        41 no package, 42 card expiring, 51 suspended at quota."""

    @property
    def planname(self) -> str: ...

    @property
    def cardexpiry(self) -> datetime.date | None: ...

    @property
    def planexpiry(self) -> datetime.date | None: ...

    @property
    def total(self) -> float: ...

    @property
    def usage(self) -> float: ...

    @property
    def outflow(self) -> float: ...

    @property
    def extra(self) -> dict[str, str]:
        """Fields the spec does not list, as JSON text by name."""

    def to_dict(self) -> dict[str, Any]:
        """The record as a `dict` keyed by the spec's table names."""

    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __copy__(self) -> Self: ...
    def __deepcopy__(self, memo: Any, /) -> Self: ...
    def __getnewargs_ex__(self) -> tuple[tuple[()], dict[str, Any]]: ...


@final
class SmsReceipt:
    """3.5.1/3.5.2/3.5.5: what an SMS submission returns."""

    def __new__(
        cls,
        *,
        count: int = ...,
        fee: int = ...,
        taskid: str = ...,
        taskids: Sequence[str] = ...,
        extra: Mapping[str, str] = ...,
    ) -> Self:
        """Keyword arguments are `to_dict()`'s keys; values are decoded as an answer would be."""

    @property
    def count(self) -> int:
        """Messages sent."""

    @property
    def fee(self) -> int:
        """Messages billed (70 characters in one, longer ones per 67)."""

    @property
    def taskid(self) -> str:
        """The task id delivery reports refer to; the table misspells it `tasked`."""

    @property
    def taskids(self) -> list[str]:
        """Every task id when the SDK split a large send into several requests (first = `taskid`).
        (Decoded too, so a record rebuilt from its own fields keeps them.)"""

    @property
    def extra(self) -> dict[str, str]:
        """Fields the spec does not list, as JSON text by name."""

    def to_dict(self) -> dict[str, Any]:
        """The record as a `dict` keyed by the spec's table names."""

    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __copy__(self) -> Self: ...
    def __deepcopy__(self, memo: Any, /) -> Self: ...
    def __getnewargs_ex__(self) -> tuple[tuple[()], dict[str, Any]]: ...


@final
class SmsReport:
    """3.5.3 sms/rpt/get and the P0001 push: a delivery report."""

    def __new__(
        cls,
        *,
        taskid: str = ...,
        mobile: str = ...,
        state: str = ...,
        rpttime: str | None = ...,
        extra: Mapping[str, str] = ...,
    ) -> Self:
        """Keyword arguments are `to_dict()`'s keys; values are decoded as an answer would be."""

    @property
    def taskid(self) -> str:
        """The push calls it `taskId`."""

    @property
    def mobile(self) -> str: ...

    @property
    def state(self) -> str:
        """`DELIVRD` when delivered; anything else is a failure. The example calls it `stat`."""

    @property
    def rpttime(self) -> str | None:
        """Missing in the example."""

    @property
    def extra(self) -> dict[str, str]:
        """Fields the spec does not list, as JSON text by name."""

    def delivered(self) -> bool:
        """True when the message was delivered (`state == "DELIVRD"`)."""

    def to_dict(self) -> dict[str, Any]:
        """The record as a `dict` keyed by the spec's table names."""

    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __copy__(self) -> Self: ...
    def __deepcopy__(self, memo: Any, /) -> Self: ...
    def __getnewargs_ex__(self) -> tuple[tuple[()], dict[str, Any]]: ...


@final
class SmsReply:
    """3.5.4 sms/mo/get and the P0002 push: a message a device or phone sent back."""

    def __new__(
        cls,
        *,
        content: str = ...,
        apmid: str = ...,
        scode: str = ...,
        mobile: str = ...,
        extra: Mapping[str, str] = ...,
    ) -> Self:
        """Keyword arguments are `to_dict()`'s keys; values are decoded as an answer would be."""

    @property
    def content(self) -> str: ...

    @property
    def apmid(self) -> str:
        """Message id."""

    @property
    def scode(self) -> str:
        """The service code it was sent to; the example calls it `spcode`."""

    @property
    def mobile(self) -> str:
        """Sender."""

    @property
    def extra(self) -> dict[str, str]:
        """Fields the spec does not list, as JSON text by name."""

    def to_dict(self) -> dict[str, Any]:
        """The record as a `dict` keyed by the spec's table names."""

    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __copy__(self) -> Self: ...
    def __deepcopy__(self, memo: Any, /) -> Self: ...
    def __getnewargs_ex__(self) -> tuple[tuple[()], dict[str, Any]]: ...


@final
class FleetRecord:
    """One card: the list's fields, its details, and its current usage, which wins over the
    detail's copy of the same counters (it is the fresher figure). Fields of a part the sync did
    not ask for, or that the platform did not return for this card, are `None`."""

    def __new__(
        cls,
        *,
        msisdn: str = ...,
        iccid: str = ...,
        imsi: str = ...,
        state: int = ...,
        mno: str | None = ...,
        msstatus: int | None = ...,
        cycle: int | None = ...,
        imei: str | None = ...,
        balance: float | None = ...,
        openpool: int | None = ...,
        pkgcode: str | None = ...,
        pkgname: str | None = ...,
        activedate: datetime.date | str | None = ...,
        stoptestdate: datetime.date | str | None = ...,
        stopsleepdate: datetime.date | str | None = ...,
        expiredate: datetime.date | str | None = ...,
        openapns: str | None = ...,
        apnstatus: str | None = ...,
        onoff: str | None = ...,
        online: str | None = ...,
        apn: str | None = ...,
        rat: str | None = ...,
        ip: str | None = ...,
        sbbh: str | None = ...,
        pkgtotalflow: float | None = ...,
        pkgusedflow: float | None = ...,
        pkgtotalusedflow: float | None = ...,
        pkgleftflow: float | None = ...,
        flowusage: float | None = ...,
        smsusage: int | None = ...,
        voiceusage: int | None = ...,
        connectusage: int | None = ...,
        outflowusage: float | None = ...,
        statusyncdate: datetime.date | str | None = ...,
        pkgsyncdate: datetime.date | str | None = ...,
        monthsyncdate: datetime.date | str | None = ...,
        detail_found: bool = ...,
        usage_found: bool = ...,
        packages: Sequence[Package] | None = ...,
        history: MonthlyUsage | None = ...,
    ) -> Self:
        """Keyword arguments are `to_dict()`'s keys; values are decoded as an answer would be."""

    @property
    def msisdn(self) -> str: ...

    @property
    def iccid(self) -> str: ...

    @property
    def imsi(self) -> str: ...

    @property
    def state(self) -> CardState | int:
        """From the list: 0 disabled, 1 usable, 2 paused (see `rules::state_name`)."""

    @property
    def mno(self) -> Operator | str | None: ...

    @property
    def msstatus(self) -> MsStatus | int | None: ...

    @property
    def cycle(self) -> Cycle | int | None: ...

    @property
    def imei(self) -> str | None: ...

    @property
    def balance(self) -> float | None: ...

    @property
    def openpool(self) -> int | None: ...

    @property
    def pkgcode(self) -> str | None: ...

    @property
    def pkgname(self) -> str | None: ...

    @property
    def activedate(self) -> datetime.date | None: ...

    @property
    def stoptestdate(self) -> datetime.date | None: ...

    @property
    def stopsleepdate(self) -> datetime.date | None: ...

    @property
    def expiredate(self) -> datetime.date | None: ...

    @property
    def openapns(self) -> str | None: ...

    @property
    def apnstatus(self) -> str | None: ...

    @property
    def onoff(self) -> str | None: ...

    @property
    def online(self) -> str | None: ...

    @property
    def apn(self) -> str | None: ...

    @property
    def rat(self) -> str | None: ...

    @property
    def ip(self) -> str | None: ...

    @property
    def sbbh(self) -> str | None: ...

    @property
    def pkgtotalflow(self) -> float | None: ...

    @property
    def pkgusedflow(self) -> float | None: ...

    @property
    def pkgtotalusedflow(self) -> float | None: ...

    @property
    def pkgleftflow(self) -> float | None: ...

    @property
    def flowusage(self) -> float | None: ...

    @property
    def smsusage(self) -> int | None: ...

    @property
    def voiceusage(self) -> int | None: ...

    @property
    def connectusage(self) -> int | None: ...

    @property
    def outflowusage(self) -> float | None: ...

    @property
    def statusyncdate(self) -> datetime.date | None: ...

    @property
    def pkgsyncdate(self) -> datetime.date | None: ...

    @property
    def monthsyncdate(self) -> datetime.date | None: ...

    @property
    def detail_found(self) -> bool:
        """card/detail answered for this card. (In Node too the records keep these names: they
        cross as JSON, see bindings-node/src/records.rs.)"""

    @property
    def usage_found(self) -> bool:
        """card/usage/current answered for this card."""

    @property
    def packages(self) -> list[Package] | None:
        """card/pkg/get, when the sync asked for packages."""

    @property
    def history(self) -> MonthlyUsage | None:
        """card/usage/past for the sync's month, when it asked for one and the platform answered."""

    def to_dict(self) -> dict[str, Any]:
        """The record as a `dict` keyed by the spec's table names."""

    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __copy__(self) -> Self: ...
    def __deepcopy__(self, memo: Any, /) -> Self: ...
    def __getnewargs_ex__(self) -> tuple[tuple[()], dict[str, Any]]: ...


@final
class FleetSyncReport:
    """How a fleet sync went. `complete` is true only when every listed card was delivered and no
    page is missing; otherwise `missing_cards` and `missing_pages` name everything not delivered."""

    def __new__(
        cls,
        *,
        finished: bool = ...,
        complete: bool = ...,
        cards: int = ...,
        duplicates: int = ...,
        pages: int = ...,
        batches: int = ...,
        requests: int = ...,
        retries: int = ...,
        missing_cards: Sequence[MissingCard] = ...,
        missing_pages: Sequence[MissingPage] = ...,
    ) -> Self:
        """Keyword arguments are `to_dict()`'s keys; values are decoded as an answer would be."""

    @property
    def finished(self) -> bool:
        """The run reached its end (false while it runs, or if it was dropped or failed)."""

    @property
    def complete(self) -> bool: ...

    @property
    def cards(self) -> int:
        """Cards delivered by this run."""

    @property
    def duplicates(self) -> int:
        """List entries skipped because the card was already delivered (a fleet changing while it
        is listed)."""

    @property
    def pages(self) -> int:
        """Pages of card/list fetched."""

    @property
    def batches(self) -> int:
        """Batch requests (details, usage, history) and package requests that succeeded."""

    @property
    def requests(self) -> int:
        """HTTP requests sent: every attempt, the transport's retries (`Config::max_retries`) and
        the sync's re-tries included."""

    @property
    def retries(self) -> int:
        """Requests the sync tried again, later, after they failed every attempt."""

    @property
    def missing_cards(self) -> list[MissingCard]: ...

    @property
    def missing_pages(self) -> list[MissingPage]: ...

    def to_dict(self) -> dict[str, Any]:
        """The record as a `dict` keyed by the spec's table names."""

    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __copy__(self) -> Self: ...
    def __deepcopy__(self, memo: Any, /) -> Self: ...
    def __getnewargs_ex__(self) -> tuple[tuple[()], dict[str, Any]]: ...


@final
class MissingCard:
    """A card the sync listed but could not fetch a part of, after every retry its budget allowed."""

    def __new__(
        cls,
        *,
        msisdn: str = ...,
        iccid: str = ...,
        endpoint: str = ...,
        code: str = ...,
        error: str = ...,
    ) -> Self:
        """Keyword arguments are `to_dict()`'s keys; values are decoded as an answer would be."""

    @property
    def msisdn(self) -> str: ...

    @property
    def iccid(self) -> str: ...

    @property
    def endpoint(self) -> str:
        """The endpoint that failed, e.g. `card/detail`."""

    @property
    def code(self) -> str:
        """The error's stable code (`Error::code`) and message."""

    @property
    def error(self) -> str: ...

    def to_dict(self) -> dict[str, Any]:
        """The record as a `dict` keyed by the spec's table names."""

    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __copy__(self) -> Self: ...
    def __deepcopy__(self, memo: Any, /) -> Self: ...
    def __getnewargs_ex__(self) -> tuple[tuple[()], dict[str, Any]]: ...


@final
class MissingPage:
    """A page of card/list the sync could not fetch: its cards are unknown, so they are named by
    the page (resuming from the checkpoint fetches it again)."""

    def __new__(
        cls,
        *,
        page: int = ...,
        code: str = ...,
        error: str = ...,
    ) -> Self:
        """Keyword arguments are `to_dict()`'s keys; values are decoded as an answer would be."""

    @property
    def page(self) -> int: ...

    @property
    def code(self) -> str: ...

    @property
    def error(self) -> str: ...

    def to_dict(self) -> dict[str, Any]:
        """The record as a `dict` keyed by the spec's table names."""

    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __copy__(self) -> Self: ...
    def __deepcopy__(self, memo: Any, /) -> Self: ...
    def __getnewargs_ex__(self) -> tuple[tuple[()], dict[str, Any]]: ...


@final
class BulkOutcome:
    """One card's outcome."""

    def __new__(
        cls,
        *,
        card: str = ...,
        status: OutcomeStatus | str = ...,
        code: str | None = ...,
        msg: str | None = ...,
        detail: str | None = ...,
        observed_msstatus: int | None = ...,
        note: str | None = ...,
        orderid: str | None = ...,
        attempts: int = ...,
        reconciled: bool = ...,
    ) -> Self:
        """Keyword arguments are `to_dict()`'s keys (`card`, `status` required); values are decoded as an answer would be."""

    @property
    def card(self) -> str:
        """The card as it was given (msisdn or iccid)."""

    @property
    def status(self) -> OutcomeStatus: ...

    @property
    def code(self) -> str | None:
        """The refusal's platform code (or the carrier's, for 1099), when refused or unknown."""

    @property
    def msg(self) -> str | None: ...

    @property
    def detail(self) -> str | None: ...

    @property
    def observed_msstatus(self) -> int | None:
        """`msstatus` (card/detail) when the card was read back: reconciliation or `check_state`."""

    @property
    def note(self) -> str | None:
        """Why, in words: what a dry run would send, why it was not attempted, what to check."""

    @property
    def orderid(self) -> str | None:
        """A renewal's order id."""

    @property
    def attempts(self) -> int:
        """Requests sent for this card's operation in this run (0: none)."""

    @property
    def reconciled(self) -> bool:
        """The outcome was settled by reading the card back after an unknown answer."""

    def to_dict(self) -> dict[str, Any]:
        """The record as a `dict` keyed by the spec's table names."""

    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __copy__(self) -> Self: ...
    def __deepcopy__(self, memo: Any, /) -> Self: ...
    def __getnewargs_ex__(self) -> tuple[tuple[()], dict[str, Any]]: ...


@final
class BulkReport:
    """The counts of a run, and every card's outcome in the order they were settled."""

    def __new__(
        cls,
        *,
        op: str = ...,
        cards: int = ...,
        done: int = ...,
        refused: int = ...,
        unknown: int = ...,
        skipped: int = ...,
        not_attempted: int = ...,
        reconciled: int = ...,
        from_journal: int = ...,
        rescheduled: int = ...,
        slowdowns: int = ...,
        requests: int = ...,
        stopped: str | None = ...,
        outcomes: Sequence[BulkOutcome] = ...,
    ) -> Self:
        """Keyword arguments are `to_dict()`'s keys; values are decoded as an answer would be."""

    @property
    def op(self) -> str:
        """The operation's name (`suspend`, `renew`, …)."""

    @property
    def cards(self) -> int: ...

    @property
    def done(self) -> int: ...

    @property
    def refused(self) -> int: ...

    @property
    def unknown(self) -> int: ...

    @property
    def skipped(self) -> int: ...

    @property
    def not_attempted(self) -> int: ...

    @property
    def reconciled(self) -> int:
        """Unknown answers settled by reading the card back (counted in `done`)."""

    @property
    def from_journal(self) -> int:
        """Cards taken from the journal of an earlier run with a final outcome (not sent again)."""

    @property
    def rescheduled(self) -> int:
        """Cards put back in the queue after a refusal that proves nothing was applied (carrier
        cooldown 13009/13010, 1030, HTTP 429, a connection that never opened)."""

    @property
    def slowdowns(self) -> int:
        """Times the run slowed down because the platform said it was too fast."""

    @property
    def requests(self) -> int:
        """HTTP requests sent: every attempt of the operations and of the card reads (a read is a
        GET and may be retried)."""

    @property
    def stopped(self) -> str | None:
        """Why the run stopped early (cancel, deadline, authentication, journal), if it did."""

    @property
    def outcomes(self) -> list[BulkOutcome]: ...

    def all_done(self) -> bool:
        """True when every card ended done or skipped."""

    def to_dict(self) -> dict[str, Any]:
        """The record as a `dict` keyed by the spec's table names."""

    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __copy__(self) -> Self: ...
    def __deepcopy__(self, memo: Any, /) -> Self: ...
    def __getnewargs_ex__(self) -> tuple[tuple[()], dict[str, Any]]: ...
# </generated>

# ---------------------------------------------------------------------------------------------
# Pushes and encrypted SMS

# The model classes under names the nested variant classes of `PushContent` do not shadow.
_RenewalResult: TypeAlias = RenewalResult
_UsageWarning: TypeAlias = UsageWarning

@disjoint_base
class PushContent:
    """What a data push carries, by its `sn`: one subclass per kind."""

    RenewalResult: ClassVar[type[PushContent]]
    UsageWarnings: ClassVar[type[PushContent]]
    Other: ClassVar[type[PushContent]]

    @property
    def kind(self) -> Literal["renewal_result", "usage_warnings", "other"]:
        """`renewal_result` (OD1002: `result`), `usage_warnings` (OD1010: `warnings`) or `other`."""
    @property
    def result(self) -> _RenewalResult | None: ...
    @property
    def warnings(self) -> list[_UsageWarning]: ...
    def to_dict(self) -> dict[str, Any]: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

@final
class Push:
    """A verified data push (4.2)."""

    @property
    def sid(self) -> str: ...
    @property
    def id(self) -> str:
        """Unique message id (`PushGuard` refuses a second push with the same id)."""
    @property
    def sn(self) -> str:
        """`OD1002` (renewal result) or `OD1010` (usage warnings), trimmed."""
    @property
    def level(self) -> str: ...
    @property
    def api(self) -> str: ...
    @property
    def time(self) -> str: ...
    @property
    def desc(self) -> str: ...
    @property
    def data(self) -> str:
        """`data` exactly as received (JSON text)."""
    @property
    def content(self) -> PushContent: ...
    def to_dict(self) -> dict[str, Any]: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

@disjoint_base
class SmsPush:
    """An SMS push (3.5.6): P0001 delivery reports or P0002 replies, one subclass each."""

    Reports: ClassVar[type[SmsPush]]
    Replies: ClassVar[type[SmsPush]]

    @property
    def type(self) -> Literal["P0001", "P0002"]: ...
    @property
    def reports(self) -> list[SmsReport]: ...
    @property
    def replies(self) -> list[SmsReply]: ...
    def to_dict(self) -> dict[str, Any]: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

@final
class SmsPlaintext:
    """What an encrypted SMS carries once decrypted."""

    @property
    def mobiles(self) -> list[str]: ...
    @property
    def content(self) -> str: ...
    def to_dict(self) -> dict[str, Any]: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

_PushBody: TypeAlias = bytes | bytearray | memoryview | str
_R = TypeVar("_R")

@final
class PushReply:
    """What a push receiver answers the platform, decided by the core: 200 `success` once a push
    is handled (or was: a replay), 400 rejected, 409 in flight elsewhere, 500 the handler
    failed, 503 the guard's store could not say. Answer `status`, `text/plain`, `body`."""

    @property
    def status(self) -> int: ...
    @property
    def body(self) -> str:
        """`success`, or why not."""
    @property
    def reason(self) -> str | None:
        """Why the push was not simply handled now (a replay, a refusal), for your log."""
    def acknowledged(self) -> bool:
        """True for the acknowledgement (`success`), which stops the platform's retries."""
    def to_dict(self) -> dict[str, Any]: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

def push_reply(error: BaseException | None = None) -> PushReply:
    """The acknowledgement (`push_reply()`), or the core's answer to a `CardBossError` the guard
    or the parser raised (`push_reply(error)`)."""

@final
class PushGuard:
    """Refuses replays in two phases so a failed handler never loses an event: `begin`
    verifies the push and claims its id as in flight; commit the ticket once handled (or use
    it as a context manager). `receive` does it all around a handler and gives the answer to
    send. `store`: `memory:` (default), `redis://host:port/db` (shared by every worker),
    `file:///path`. `None` is the core's default for every option."""

    def __new__(
        cls,
        capacity: int | None = None,
        ttl_ms: int | None = None,
        *,
        store: str | None = None,
        in_flight_ms: int | None = None,
    ) -> Self: ...
    def begin(
        self,
        body: _PushBody,
        apikey: str,
        *,
        expected_sid: str | None = None,
        max_age_ms: int | None = None,
        utc_offset_minutes: int | None = None,
    ) -> PushTicket:
        """Verifies the push and claims its id: raises `PushReplayError` (handled already:
        answer success), `PushInFlightError` (being handled), `StoreUnavailableError`, or
        `PushRejectedError`."""
    async def begin_async(
        self,
        body: _PushBody,
        apikey: str,
        *,
        expected_sid: str | None = None,
        max_age_ms: int | None = None,
        utc_offset_minutes: int | None = None,
    ) -> PushTicket:
        """`begin` as a coroutine (the event loop is not blocked while the store answers)."""
    def receive(
        self,
        body: _PushBody,
        apikey: str,
        handler: Callable[[Push], object],
        *,
        expected_sid: str | None = None,
        max_age_ms: int | None = None,
        utc_offset_minutes: int | None = None,
    ) -> PushReply:
        """`begin`, `handler(push)` on this thread, `finish`: the answer to send. A refused push
        is logged on `cardboss.push` and answered without running the handler; the handler's
        exception releases the id and propagates."""
    async def receive_async(
        self,
        body: _PushBody,
        apikey: str,
        handler: Callable[[Push], object],
        *,
        expected_sid: str | None = None,
        max_age_ms: int | None = None,
        utc_offset_minutes: int | None = None,
    ) -> PushReply:
        """`receive` as a coroutine: an async handler is awaited, a sync one runs in a thread."""
    def handle(
        self,
        body: _PushBody,
        apikey: str,
        handler: Callable[[Push], _R],
        *,
        expected_sid: str | None = None,
        max_age_ms: int | None = None,
        utc_offset_minutes: int | None = None,
    ) -> _R:
        """`begin`, `handler(push)`, `commit`: the handler's value; the guard's errors raised."""
    @overload
    async def handle_async(
        self,
        body: _PushBody,
        apikey: str,
        handler: Callable[[Push], Awaitable[_R]],
        *,
        expected_sid: str | None = None,
        max_age_ms: int | None = None,
        utc_offset_minutes: int | None = None,
    ) -> _R: ...
    @overload
    async def handle_async(
        self,
        body: _PushBody,
        apikey: str,
        handler: Callable[[Push], _R],
        *,
        expected_sid: str | None = None,
        max_age_ms: int | None = None,
        utc_offset_minutes: int | None = None,
    ) -> _R:
        """`handle` as a coroutine (the handler as in `receive_async`)."""

@final
class PushTicket:
    """A push whose id is claimed as in flight: `commit()` once handled, `release()` when
    handling failed (so the platform's retry is accepted), or `finish(handled)` for the answer
    to send. Used once: a second commit or release raises `InvalidInputError`. A context
    manager does either; a ticket dropped while open releases the id."""

    @property
    def push(self) -> Push:
        """The verified push."""
    @property
    def is_open(self) -> bool:
        """True until the ticket is committed or released."""
    def commit(self) -> Push:
        """Marks the id handled: its replays raise `PushReplayError`."""
    def release(self) -> None:
        """Forgets the id, so the platform's retry is accepted."""
    def finish(self, handled: bool) -> PushReply:
        """`handled`: commits (the acknowledgement, or 503 when the store could not record it);
        otherwise releases (500). The store's errors are in the answer, not raised."""
    async def commit_async(self) -> Push: ...
    async def release_async(self) -> None: ...
    async def finish_async(self, handled: bool) -> PushReply: ...
    def __enter__(self) -> Push: ...
    def __exit__(
        self,
        kind: type[BaseException] | None,
        _value: BaseException | None,
        _traceback: TracebackType | None,
    ) -> bool:
        """Commits on a normal exit, releases on an exception (which then propagates unchanged)."""

def verify_push(
    body: _PushBody,
    apikey: str,
    *,
    expected_sid: str | None = None,
    max_age_ms: int | None = None,
    utc_offset_minutes: int | None = None,
) -> Push:
    """Verifies a data push body (JSON or form) and parses its `data`.

    Raises `PushRejectedError` for a forged, foreign (`expected_sid`) or stale (`max_age_ms`)
    push.
    """

def parse_sms_push(body: _PushBody) -> SmsPush:
    """Parses an SMS push (unsigned); raises `PushRejectedError` when it is not one."""

def encrypt_sms(apikey: str, mobiles: Sequence[str], content: str) -> str:
    """`Base64(AES-128-CBC(mobiles##content))` as `sms/sendiotencryptsms` sends it."""

def decrypt_sms(apikey: str, text: str) -> SmsPlaintext:
    """Decrypts an encrypted SMS text (line-wrapped Base64 accepted)."""

def sms_billing_count(content: str) -> int:
    """Messages billed for `content`: up to 70 characters is one, longer ones per 67."""

def sign(parts: Sequence[str]) -> str:
    """Lowercase hex MD5 of the concatenation of `parts` (`[sid, apikey, ts, *params]`)."""

def timestamp(now: datetime.datetime | None = None, *, utc_offset_minutes: int | None = None) -> str:
    """`yyyyMMddHHmmss` of `now` (default: the current time) on the platform's clock (UTC+8)."""

def _debug_panic() -> None: ...
def _debug_panic_async() -> Awaitable[None]: ...
def _model_stubs() -> str: ...

# ---------------------------------------------------------------------------------------------
# Clients

_TemplateParams = list[str] | tuple[str, ...] | Mapping[int, str] | Mapping[str, str]
_Audit = int | Literal["manual", "automatic"]
_BulkOp = Literal["suspend", "resume", "end_test_period", "stoptest", "force_activate", "activate", "disable_data", "enable_data", "renew"] | str
_T = TypeVar("_T", CardDetail, CurrentUsage, MonthlyUsage)

@final
class CardIterator(Iterator[Card]):
    """Every card of the account, page after page (fetched ahead in the background)."""

    def __iter__(self) -> Self: ...
    def __next__(self) -> Card: ...

@final
class AsyncCardIterator(AsyncIterator[Card]):
    """Every card of the account, for `async for`."""

    def __aiter__(self) -> Self: ...
    def __anext__(self) -> Awaitable[Card]: ...

@final
class BatchIterator(Iterator[list[_T]]):
    """The results of a bulk call batch by batch: lists of up to 100 records, in input order,
    fetched ahead in the background (`concurrency` requests at a time). A failed batch raises
    its error and ends the iteration. Ending early (`break`, `close()`, garbage collection)
    stops the fetching."""

    def __iter__(self) -> Self: ...
    def __next__(self) -> list[_T]: ...
    def close(self) -> None:
        """Stops the background fetching and ends the iteration. Idempotent."""

@final
class AsyncBatchIterator(AsyncIterator[list[_T]]):
    """`BatchIterator` for `async for`."""

    def __aiter__(self) -> Self: ...
    def __anext__(self) -> Awaitable[list[_T]]: ...
    def close(self) -> None:
        """Stops the background fetching and ends the iteration. Idempotent."""
    def aclose(self) -> Awaitable[None]:
        """`close()`, as an awaitable (for `contextlib.aclosing`)."""

@final
class FleetSync(Iterator[list[FleetRecord]]):
    """`for batch in client.fleet_sync()`: lists of `FleetRecord` in list order, each card once,
    fetched ahead in the background. A failure that leaves nothing to name (page 1 of the
    listing, the account refused) raises; everything else is named in `report`."""

    def __iter__(self) -> Self: ...
    def __next__(self) -> list[FleetRecord]: ...
    @property
    def report(self) -> FleetSyncReport:
        """The run's counts and what it could not fetch; `finished` after the last batch."""
    def checkpoint(self) -> str:
        """JSON text of what was received so far, for `fleet_sync(checkpoint=...)`."""
    def close(self) -> None:
        """Stops the sync's requests and ends the iteration. Idempotent."""

@final
class AsyncFleetSync(AsyncIterator[list[FleetRecord]]):
    """`FleetSync` for `async for`."""

    def __aiter__(self) -> Self: ...
    def __anext__(self) -> Awaitable[list[FleetRecord]]: ...
    @property
    def report(self) -> FleetSyncReport:
        """The run's counts and what it could not fetch; `finished` after the last batch."""
    def checkpoint(self) -> str:
        """JSON text of what was received so far, for `fleet_sync(checkpoint=...)`."""
    def close(self) -> None:
        """Stops the sync's requests and ends the iteration. Idempotent."""
    def aclose(self) -> Awaitable[None]:
        """`close()`, as an awaitable (for `contextlib.aclosing`)."""

@final
class BulkIterator(Iterator[BulkOutcome]):
    """`for outcome in client.bulk_iter(...)`: each card's outcome once, as it is settled. A
    context manager: leaving the block cancels the run and waits for its end."""

    def __iter__(self) -> Self: ...
    def __next__(self) -> BulkOutcome: ...
    @property
    def report(self) -> BulkReport:
        """The run's counts and the outcomes so far; final once the iteration is over."""
    def cancel(self) -> None:
        """Sends nothing more: requests in flight finish, the cards not sent are `not_attempted` (they still come out of the iteration)."""
    def close(self) -> None:
        """Cancels the run and waits (GIL released) for its requests in flight, which are journaled; the iteration is over and `report` final. Idempotent."""
    def __enter__(self) -> Self: ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

@final
class AsyncBulkIterator(AsyncIterator[BulkOutcome]):
    """`BulkIterator` for `async for` / `async with`."""

    def __aiter__(self) -> Self: ...
    def __anext__(self) -> Awaitable[BulkOutcome]: ...
    @property
    def report(self) -> BulkReport:
        """The run's counts and the outcomes so far; final once the iteration is over."""
    def cancel(self) -> None:
        """Sends nothing more: requests in flight finish, the cards not sent are `not_attempted` (they still come out of the iteration)."""
    def close(self) -> None:
        """Cancels the run and ends the iteration without waiting (`aclose()` awaits the end). Idempotent."""
    def aclose(self) -> Awaitable[None]:
        """Cancels the run and awaits its requests in flight, which are journaled; `report` is then final. Idempotent."""
    def __aenter__(self) -> Awaitable[Self]: ...
    def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> Awaitable[None]: ...

@final
class Client:
    """A synchronous CardBOSS client; every call releases the GIL while it waits."""

    def __new__(
        cls,
        sid: str | None,
        apikey: str | None,
        *,
        base_url: str | None = None,
        ops_url: str | None = None,
        timeout_ms: int | None = None,
        connect_timeout_ms: int | None = None,
        max_retries: int | None = None,
        retry_base_ms: int | None = None,
        retry_cap_ms: int | None = None,
        concurrency: int | None = None,
        utc_offset_minutes: int | None = None,
        cooldown_guard: bool | None = None,
        cooldown_store: str | None = None,
    ) -> Self:
        """Every option left `None` is the core's default (base_url http://127.0.0.1:9011,
        timeout_ms 30000, connect_timeout_ms 5000, max_retries 3, retry_base_ms 200,
        retry_cap_ms 5000, concurrency 8, utc_offset_minutes 480, cooldown_guard True,
        cooldown_store memory: (redis://host:port/db or file:///path shares cooldowns between
        processes))."""
    @classmethod
    def from_env(
        cls,
        *,
        sid: str | None = ...,
        apikey: str | None = ...,
        base_url: str | None = ...,
        ops_url: str | None = ...,
        timeout_ms: int | None = ...,
        connect_timeout_ms: int | None = ...,
        max_retries: int | None = ...,
        retry_base_ms: int | None = ...,
        retry_cap_ms: int | None = ...,
        concurrency: int | None = ...,
        utc_offset_minutes: int | None = ...,
        cooldown_guard: bool | None = ...,
        cooldown_store: str | None = ...,
    ) -> Self:
        """A client from CARDBOSS_SID, CARDBOSS_APIKEY, CARDBOSS_URL and CARDBOSS_OPS_URL;
        keyword arguments override them."""
    @property
    def sid(self) -> str: ...
    @property
    def base_url(self) -> str: ...
    @property
    def ops_url(self) -> str | None: ...
    @property
    def closed(self) -> bool: ...
    def close(self) -> None:
        """Drops the pooled connections; later calls raise `InvalidInputError`. Idempotent."""
    def clear_cooldowns(self) -> None:
        """Forgets the cooldown guard's memory of recent lifecycle operations."""
    def __enter__(self) -> Self: ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
    def iter_cards(self) -> CardIterator:
        """Every card of the account, page after page (fetched ahead)."""
    def customer(self) -> Customer:
        """3.1.1 customer/get: the account, its balance and card count."""
    def list_cards(self, page: int = 1) -> CardPage:
        """3.2.1 card/list: one page (from 1) of 100 cards."""
    def card_details(self, *, msisdns: Sequence[str] | None = None, iccids: Sequence[str] | None = None) -> list[CardDetail]:
        """3.2.2 card/detail for any number of cards (batches of 100, input order)."""
    def current_usage(self, *, msisdns: Sequence[str] | None = None, iccids: Sequence[str] | None = None) -> list[CurrentUsage]:
        """3.2.3 card/usage/current for any number of cards."""
    def usage_history(self, month: str, *, msisdns: Sequence[str] | None = None, iccids: Sequence[str] | None = None, showday: str | None = None) -> list[MonthlyUsage]:
        """3.2.4 card/usage/past: a month (`yyyyMM`, within the last 3) of usage."""
    def fleet_sync(self, *, details: bool | None = None, usage: bool | None = None, packages: bool | None = None, history_month: str | None = None, concurrency: int | None = None, retry_budget: int | None = None, checkpoint: str | None = None) -> FleetSync:
        """The whole fleet: card/list + card/detail + card/usage/current merged per card (usage wins for the counters; details and usage default to on), optionally packages and a month's usage (`yyyyMM`), in batches in list order, each card once, failed requests re-tried later under a run budget; `checkpoint=` continues an earlier run."""
    def bulk(self, op: _BulkOp, *, msisdns: Sequence[str] | None = None, iccids: Sequence[str] | None = None, cards: Sequence[str] | None = None, apn: str | None = None, min_left_percent: int | None = None, pkgcode: str | None = None, package: Package | None = None, months: int | None = None, repetition: bool | None = None, startdate: str | None = None, audit: _Audit | None = None, remark: str | None = None, concurrency: int | None = None, journal: str | os.PathLike[str] | None = None, dry_run: bool | None = None, wait_cooldowns: bool | None = None, check_state: bool | None = None, deadline_ms: int | None = None, max_requeues: int | None = None) -> BulkReport:
        """Runs `op` on every card (`msisdns=`, `iccids=`, or `cards=` of either form) and returns the report (GIL released): one outcome per card, nothing applied twice (cooldown windows waited for, refusals that prove nothing was applied queued again, lost answers settled by reading the card back). `journal=` makes a killed run repeatable; `dry_run=True` sends nothing; `check_state=True` skips cards already in the target state. Renew takes `pkgcode` or `package` and `months`. Every argument left None is the core's default; bad input raises `InvalidInputError` before any request; Ctrl-C cancels (requests in flight finish and are journaled) and is raised."""
    def bulk_iter(self, op: _BulkOp, *, msisdns: Sequence[str] | None = None, iccids: Sequence[str] | None = None, cards: Sequence[str] | None = None, apn: str | None = None, min_left_percent: int | None = None, pkgcode: str | None = None, package: Package | None = None, months: int | None = None, repetition: bool | None = None, startdate: str | None = None, audit: _Audit | None = None, remark: str | None = None, concurrency: int | None = None, journal: str | os.PathLike[str] | None = None, dry_run: bool | None = None, wait_cooldowns: bool | None = None, check_state: bool | None = None, deadline_ms: int | None = None, max_requeues: int | None = None) -> BulkIterator:
        """`bulk(...)`'s run as an iterator of `BulkOutcome` as they are settled, with `report`, `cancel()` and `close()`; bad input raises here."""
    def card_detail_batches(self, *, msisdns: Sequence[str] | None = None, iccids: Sequence[str] | None = None) -> BatchIterator[CardDetail]:
        """3.2.2 card/detail batch by batch (lists of up to 100, input order, fetched ahead); bad input raises here."""
    def current_usage_batches(self, *, msisdns: Sequence[str] | None = None, iccids: Sequence[str] | None = None) -> BatchIterator[CurrentUsage]:
        """3.2.3 card/usage/current batch by batch (like `card_detail_batches`)."""
    def usage_history_batches(self, month: str, *, msisdns: Sequence[str] | None = None, iccids: Sequence[str] | None = None, showday: str | None = None) -> BatchIterator[MonthlyUsage]:
        """3.2.4 card/usage/past batch by batch (like `card_detail_batches`)."""
    @deprecated("withdrawn (停用) by the platform, which may answer 1098")
    def arrears(self, page: int = 1) -> ArrearsPage:
        """3.2.5 card/abnormal: cards in arrears, one page."""
    def packages(self, *, msisdn: str | None = None, iccid: str | None = None) -> PackageList:
        """3.2.6 card/pkg/get: the packages a card has ordered."""
    @deprecated("withdrawn (停用) by the platform, which may answer 1098")
    def daily_usage(self, day: str, *, msisdns: Sequence[str] | None = None, iccids: Sequence[str] | None = None) -> DailyUsage:
        """3.2.7 card/usage/day: one day's (`yyyyMMdd`, within the last 7) usage."""
    def pools(self) -> list[Pool]:
        """3.3.1 pool/list: the account's data pools and its sub-accounts'."""
    def renew(self, pkgcode: str, months: int, *, msisdn: str | None = None, iccid: str | None = None, repetition: bool | None = None, startdate: str | None = None, audit: _Audit | None = None, remark: str | None = None) -> RenewalOrder:
        """3.4.1 card/pkg/renew: orders `months` more of package `pkgcode` (never retried; confirmed by an OD1002 push)."""
    def renew_package(self, package: Package, months: int, *, msisdn: str | None = None, iccid: str | None = None, repetition: bool | None = None, startdate: str | None = None, audit: _Audit | None = None, remark: str | None = None) -> RenewalOrder:
        """3.4.1 card/pkg/renew for a package as `packages()` listed it: the spec's length rule (month packs >= 12 months, long packs in whole cycles of `buycycle`) is checked first, nothing sent if it fails."""
    def end_test_period(self, *, msisdn: str | None = None, iccid: str | None = None) -> None:
        """3.4.2 card/stoptest: ends the card's test period now."""
    def force_activate(self, *, msisdn: str | None = None, iccid: str | None = None) -> None:
        """3.4.3 card/foractive: activates the card now."""
    def suspend(self, *, msisdn: str | None = None, iccid: str | None = None) -> None:
        """3.4.4 card/stopkeep (stopkeep=0): suspends the card."""
    def resume(self, *, msisdn: str | None = None, iccid: str | None = None) -> None:
        """3.4.4 card/stopkeep (stopkeep=1): resumes a suspended card."""
    def disable_data(self, *, msisdn: str | None = None, iccid: str | None = None, apn: str | None = None) -> None:
        """3.4.5 card/switchnet (opertype=0): cuts data."""
    def enable_data(self, *, msisdn: str | None = None, iccid: str | None = None, apn: str | None = None, min_left_percent: int | None = None) -> None:
        """3.4.5 card/switchnet (opertype=1): restores data, only if more than `min_left_percent` of the package is left."""
    def add_voice_whitelist(self, numbers: Sequence[str], *, msisdn: str | None = None, iccid: str | None = None, group: str | None = None) -> None:
        """3.4.6 card/setvoicewhitetable (opertype=1): adds up to 5 numbers."""
    def remove_voice_whitelist(self, numbers: Sequence[str], *, msisdn: str | None = None, iccid: str | None = None, group: str | None = None) -> None:
        """3.4.6 card/setvoicewhitetable (opertype=0): removes up to 2 numbers (once a month)."""
    def send_iot_sms(self, mobiles: Sequence[str], content: str) -> SmsReceipt:
        """3.5.1 sms/sendlotsms: a plain SMS to IoT cards (never retried)."""
    def send_iot_sms_encrypted(self, mobiles: Sequence[str], content: str) -> SmsReceipt:
        """3.5.2 sms/sendiotencryptsms: the same, AES-encrypted with the apikey's halves."""
    def send_template_sms(self, mobiles: Sequence[str], template_id: str, params: _TemplateParams | None = None) -> SmsReceipt:
        """3.5.5 sms/sendsms: a template SMS to phones (`{"1": "xx"}` fills `@1@`)."""
    def sms_reports(self) -> list[SmsReport]:
        """3.5.3 sms/rpt/get: delivery reports not fetched before."""
    def sms_replies(self) -> list[SmsReply]:
        """3.5.4 sms/mo/get: replies not fetched before."""

@final
class AsyncClient:
    """An asyncio CardBOSS client: the same methods as `Client`, as coroutines."""

    def __new__(
        cls,
        sid: str | None,
        apikey: str | None,
        *,
        base_url: str | None = None,
        ops_url: str | None = None,
        timeout_ms: int | None = None,
        connect_timeout_ms: int | None = None,
        max_retries: int | None = None,
        retry_base_ms: int | None = None,
        retry_cap_ms: int | None = None,
        concurrency: int | None = None,
        utc_offset_minutes: int | None = None,
        cooldown_guard: bool | None = None,
        cooldown_store: str | None = None,
    ) -> Self:
        """Every option left `None` is the core's default (base_url http://127.0.0.1:9011,
        timeout_ms 30000, connect_timeout_ms 5000, max_retries 3, retry_base_ms 200,
        retry_cap_ms 5000, concurrency 8, utc_offset_minutes 480, cooldown_guard True,
        cooldown_store memory: (redis://host:port/db or file:///path shares cooldowns between
        processes))."""
    @classmethod
    def from_env(
        cls,
        *,
        sid: str | None = ...,
        apikey: str | None = ...,
        base_url: str | None = ...,
        ops_url: str | None = ...,
        timeout_ms: int | None = ...,
        connect_timeout_ms: int | None = ...,
        max_retries: int | None = ...,
        retry_base_ms: int | None = ...,
        retry_cap_ms: int | None = ...,
        concurrency: int | None = ...,
        utc_offset_minutes: int | None = ...,
        cooldown_guard: bool | None = ...,
        cooldown_store: str | None = ...,
    ) -> Self:
        """A client from CARDBOSS_SID, CARDBOSS_APIKEY, CARDBOSS_URL and CARDBOSS_OPS_URL;
        keyword arguments override them."""
    @property
    def sid(self) -> str: ...
    @property
    def base_url(self) -> str: ...
    @property
    def ops_url(self) -> str | None: ...
    @property
    def closed(self) -> bool: ...
    def close(self) -> None:
        """Drops the pooled connections; later calls raise `InvalidInputError`. Idempotent."""
    def clear_cooldowns(self) -> None:
        """Forgets the cooldown guard's memory of recent lifecycle operations."""
    async def __aenter__(self) -> Self: ...
    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
    async def aclose(self) -> None: ...
    def iter_cards(self) -> AsyncCardIterator:
        """Every card of the account: `async for card in client.iter_cards()`."""
    async def customer(self) -> Customer:
        """3.1.1 customer/get: the account, its balance and card count."""
    async def list_cards(self, page: int = 1) -> CardPage:
        """3.2.1 card/list: one page (from 1) of 100 cards."""
    async def card_details(self, *, msisdns: Sequence[str] | None = None, iccids: Sequence[str] | None = None) -> list[CardDetail]:
        """3.2.2 card/detail for any number of cards (batches of 100, input order)."""
    async def current_usage(self, *, msisdns: Sequence[str] | None = None, iccids: Sequence[str] | None = None) -> list[CurrentUsage]:
        """3.2.3 card/usage/current for any number of cards."""
    async def usage_history(self, month: str, *, msisdns: Sequence[str] | None = None, iccids: Sequence[str] | None = None, showday: str | None = None) -> list[MonthlyUsage]:
        """3.2.4 card/usage/past: a month (`yyyyMM`, within the last 3) of usage."""
    def fleet_sync(self, *, details: bool | None = None, usage: bool | None = None, packages: bool | None = None, history_month: str | None = None, concurrency: int | None = None, retry_budget: int | None = None, checkpoint: str | None = None) -> AsyncFleetSync:
        """`async for batch in client.fleet_sync()`: see `Client.fleet_sync`."""
    async def bulk(self, op: _BulkOp, *, msisdns: Sequence[str] | None = None, iccids: Sequence[str] | None = None, cards: Sequence[str] | None = None, apn: str | None = None, min_left_percent: int | None = None, pkgcode: str | None = None, package: Package | None = None, months: int | None = None, repetition: bool | None = None, startdate: str | None = None, audit: _Audit | None = None, remark: str | None = None, concurrency: int | None = None, journal: str | os.PathLike[str] | None = None, dry_run: bool | None = None, wait_cooldowns: bool | None = None, check_state: bool | None = None, deadline_ms: int | None = None, max_requeues: int | None = None) -> BulkReport:
        """`Client.bulk(...)` as a coroutine (the run starts when awaited); cancelling the awaiting task cancels the run (requests in flight finish and are journaled)."""
    def bulk_iter(self, op: _BulkOp, *, msisdns: Sequence[str] | None = None, iccids: Sequence[str] | None = None, cards: Sequence[str] | None = None, apn: str | None = None, min_left_percent: int | None = None, pkgcode: str | None = None, package: Package | None = None, months: int | None = None, repetition: bool | None = None, startdate: str | None = None, audit: _Audit | None = None, remark: str | None = None, concurrency: int | None = None, journal: str | os.PathLike[str] | None = None, dry_run: bool | None = None, wait_cooldowns: bool | None = None, check_state: bool | None = None, deadline_ms: int | None = None, max_requeues: int | None = None) -> AsyncBulkIterator:
        """`Client.bulk_iter(...)` for `async for` / `async with`; bad input raises here."""
    def card_detail_batches(self, *, msisdns: Sequence[str] | None = None, iccids: Sequence[str] | None = None) -> AsyncBatchIterator[CardDetail]:
        """3.2.2 card/detail batch by batch: `async for batch in ...` (lists of up to 100, input order, fetched ahead); bad input raises here."""
    def current_usage_batches(self, *, msisdns: Sequence[str] | None = None, iccids: Sequence[str] | None = None) -> AsyncBatchIterator[CurrentUsage]:
        """3.2.3 card/usage/current batch by batch (like `card_detail_batches`)."""
    def usage_history_batches(self, month: str, *, msisdns: Sequence[str] | None = None, iccids: Sequence[str] | None = None, showday: str | None = None) -> AsyncBatchIterator[MonthlyUsage]:
        """3.2.4 card/usage/past batch by batch (like `card_detail_batches`)."""
    @deprecated("withdrawn (停用) by the platform, which may answer 1098")
    async def arrears(self, page: int = 1) -> ArrearsPage:
        """3.2.5 card/abnormal: cards in arrears, one page."""
    async def packages(self, *, msisdn: str | None = None, iccid: str | None = None) -> PackageList:
        """3.2.6 card/pkg/get: the packages a card has ordered."""
    @deprecated("withdrawn (停用) by the platform, which may answer 1098")
    async def daily_usage(self, day: str, *, msisdns: Sequence[str] | None = None, iccids: Sequence[str] | None = None) -> DailyUsage:
        """3.2.7 card/usage/day: one day's (`yyyyMMdd`, within the last 7) usage."""
    async def pools(self) -> list[Pool]:
        """3.3.1 pool/list: the account's data pools and its sub-accounts'."""
    async def renew(self, pkgcode: str, months: int, *, msisdn: str | None = None, iccid: str | None = None, repetition: bool | None = None, startdate: str | None = None, audit: _Audit | None = None, remark: str | None = None) -> RenewalOrder:
        """3.4.1 card/pkg/renew: orders `months` more of package `pkgcode` (never retried; confirmed by an OD1002 push)."""
    async def renew_package(self, package: Package, months: int, *, msisdn: str | None = None, iccid: str | None = None, repetition: bool | None = None, startdate: str | None = None, audit: _Audit | None = None, remark: str | None = None) -> RenewalOrder:
        """3.4.1 card/pkg/renew for a package as `packages()` listed it: the spec's length rule (month packs >= 12 months, long packs in whole cycles of `buycycle`) is checked first, nothing sent if it fails."""
    async def end_test_period(self, *, msisdn: str | None = None, iccid: str | None = None) -> None:
        """3.4.2 card/stoptest: ends the card's test period now."""
    async def force_activate(self, *, msisdn: str | None = None, iccid: str | None = None) -> None:
        """3.4.3 card/foractive: activates the card now."""
    async def suspend(self, *, msisdn: str | None = None, iccid: str | None = None) -> None:
        """3.4.4 card/stopkeep (stopkeep=0): suspends the card."""
    async def resume(self, *, msisdn: str | None = None, iccid: str | None = None) -> None:
        """3.4.4 card/stopkeep (stopkeep=1): resumes a suspended card."""
    async def disable_data(self, *, msisdn: str | None = None, iccid: str | None = None, apn: str | None = None) -> None:
        """3.4.5 card/switchnet (opertype=0): cuts data."""
    async def enable_data(self, *, msisdn: str | None = None, iccid: str | None = None, apn: str | None = None, min_left_percent: int | None = None) -> None:
        """3.4.5 card/switchnet (opertype=1): restores data, only if more than `min_left_percent` of the package is left."""
    async def add_voice_whitelist(self, numbers: Sequence[str], *, msisdn: str | None = None, iccid: str | None = None, group: str | None = None) -> None:
        """3.4.6 card/setvoicewhitetable (opertype=1): adds up to 5 numbers."""
    async def remove_voice_whitelist(self, numbers: Sequence[str], *, msisdn: str | None = None, iccid: str | None = None, group: str | None = None) -> None:
        """3.4.6 card/setvoicewhitetable (opertype=0): removes up to 2 numbers (once a month)."""
    async def send_iot_sms(self, mobiles: Sequence[str], content: str) -> SmsReceipt:
        """3.5.1 sms/sendlotsms: a plain SMS to IoT cards (never retried)."""
    async def send_iot_sms_encrypted(self, mobiles: Sequence[str], content: str) -> SmsReceipt:
        """3.5.2 sms/sendiotencryptsms: the same, AES-encrypted with the apikey's halves."""
    async def send_template_sms(self, mobiles: Sequence[str], template_id: str, params: _TemplateParams | None = None) -> SmsReceipt:
        """3.5.5 sms/sendsms: a template SMS to phones (`{"1": "xx"}` fills `@1@`)."""
    async def sms_reports(self) -> list[SmsReport]:
        """3.5.3 sms/rpt/get: delivery reports not fetched before."""
    async def sms_replies(self) -> list[SmsReply]:
        """3.5.4 sms/mo/get: replies not fetched before."""



# ---------------------------------------------------------------------------------------------
# The in-process sandbox (re-exported by `cardboss.testing`)

@final
class Sandbox:
    """The CardBOSS sandbox running in this process on free loopback ports; `with` / `async
    with` stop it at the end. Arguments left out keep the sandbox's defaults (1000 cards, seed
    1, style "example", lenient, no faults)."""

    def __new__(
        cls,
        *,
        cards: int | None = None,
        seed: int | None = None,
        style: Literal["example", "table"] | None = None,
        strict: bool | None = None,
        faults: float | None = None,
        sid: str | None = None,
        apikey: str | None = None,
        legacy: bool | None = None,
    ) -> Self: ...
    @property
    def base_url(self) -> str:
        """Queries, SMS, renewals, and the admin API under `/_sandbox/`."""
    @property
    def ops_url(self) -> str:
        """Lifecycle operations."""
    @property
    def sid(self) -> str: ...
    @property
    def apikey(self) -> str: ...
    @property
    def closed(self) -> bool: ...
    def client(self, **options: Any) -> Client:
        """A `Client` pointed at this sandbox (`options`: `Client`'s keyword arguments)."""
    def async_client(self, **options: Any) -> AsyncClient:
        """An `AsyncClient` pointed at this sandbox."""
    # The admin API: the sandbox crate's own functions (also served under `/_sandbox/`). Each
    # answers the sandbox's record as plain JSON data; a refusal raises `InvalidInputError`.
    def clock(self) -> dict[str, Any]:
        """The business clock: `{"offset_secs", "now", "unix"}`."""
    def advance_clock(self, seconds: int) -> dict[str, Any]:
        """Moves the business clock forward: cooldowns expire, automatic renewals confirm."""
    def set_faults(self, rate: float, kinds: Sequence[str] | None = None) -> dict[str, Any]:
        """Faults on that share of API requests (0 turns them off), of `kinds` ("http500",
        "http502", "reset", "delay", "truncated", "code1090"; default all)."""
    def orders(self) -> list[dict[str, Any]]:
        """Every renewal order, oldest first."""
    def approve_order(self, orderid: str) -> dict[str, Any]:
        """Confirms a pending renewal order; an OD1002 push with status 1 follows."""
    def reject_order(self, orderid: str) -> dict[str, Any]:
        """Rejects a pending renewal order; an OD1002 push with status 0 follows."""
    def ledger(self) -> list[dict[str, Any]]:
        """Every operation the sandbox accepted (and POSTs a fault stopped), oldest first."""
    def stats(self) -> dict[str, Any]:
        """Requests received: `{"total": n, "endpoints": {"card/detail": n, ...}}`."""
    def pushes(self) -> list[dict[str, Any]]:
        """Every push sent (or tried), oldest first."""
    def set_push_url(self, url: str | None) -> None:
        """Receiver of data pushes (OD1002 renewals, OD1010 warnings); `None` stops them."""
    def set_sms_push_url(self, url: str | None) -> None:
        """Receiver of SMS pushes (P0001 reports, P0002 replies); `None` stops them."""
    def send_warning(
        self,
        card: str,
        warning_type: int,
        *,
        total: float | None = None,
        usage: float | None = None,
        outflow: float | None = None,
    ) -> dict[str, Any]:
        """One OD1010 warning push for `card` of `warning_type` (11-15, 21-24, 31-32, 41-42, 51)."""
    def card(self, card: str) -> dict[str, Any]:
        """Everything the sandbox knows about one card (msisdn or iccid)."""
    def upstream_sms(self, mobile: str, content: str) -> dict[str, Any]:
        """An SMS reply from a device: queued for `sms_replies()` and pushed as P0002."""
    def reset(self) -> None:
        """Regenerates everything from the start-up configuration."""
    def close(self) -> None:
        """Stops the servers. Idempotent."""
    async def aclose(self) -> None:
        """`close()` without blocking the event loop."""
    def __enter__(self) -> Self: ...
    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...
    async def __aenter__(self) -> Self: ...
    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...
