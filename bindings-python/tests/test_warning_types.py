"""OD1010: every documented warning type (spec 4.2) arrives from the sandbox as a named
`cardboss.WarningType` member with the spec's code."""

from __future__ import annotations

import cardboss
from cardboss.testing import Sandbox
from conftest import Receiver

DOCUMENTED = {
    11: "DATA_LOW",
    12: "VOICE_LOW",
    13: "SMS_LOW",
    14: "CONNECTIONS_LOW",
    15: "POOL_CARD_AT_QUOTA",
    21: "DATA_EXCEEDED",
    22: "VOICE_EXCEEDED",
    23: "SMS_EXCEEDED",
    24: "CONNECTIONS_EXCEEDED",
    31: "PACKAGE_EXPIRING",
    32: "PACKAGE_EXPIRED",
    41: "NO_PACKAGE",
    42: "CARD_EXPIRING",
    51: "SUSPENDED_AT_QUOTA",
}


def test_every_documented_warning_type_is_a_named_member(receiver: Receiver) -> None:
    assert {m.value: m.name for m in cardboss.WarningType} == DOCUMENTED
    with Sandbox(cards=2, strict=True) as sb:
        sb.set_push_url(f"{receiver.url}/push")
        msisdn = sb.client().list_cards(1).cards[0].msisdn
        for code, name in DOCUMENTED.items():
            assert sb.send_warning(msisdn, code)["pushed"] is True
            push = cardboss.verify_push(receiver.next("/push"), sb.apikey, expected_sid=sb.sid)
            assert push.content.kind == "usage_warnings"
            (warning,) = push.content.warnings
            assert warning.warning_type is cardboss.WarningType[name]
            assert warning.warning_type == code and warning.msisdn == msisdn
