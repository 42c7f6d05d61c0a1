"""Renew a card's package, then wait for nothing: the platform confirms the order later with an
OD1002 push (see push_receiver.py).

    python renew.py MSISDN [MONTHS]

`renew_package` takes the package as `packages()` listed it, so the spec's length rule (month
packs at least 12 months, long packs in whole cycles) is checked before anything is sent. A
renewal is never retried by the SDK (it costs money). When the outcome is unknown (a timeout
after sending), check the card's packages before trying again.
"""

from __future__ import annotations

import sys

import cardboss
from _config import client


def renew(msisdn: str, months: int | None = None) -> cardboss.RenewalOrder:
    with client() as c:
        main = next((p for p in c.packages(msisdn=msisdn).pkgs if p.mainpkg), None)
        if main is None:
            raise SystemExit(f"{msisdn} has no main package to renew")
        return c.renew_package(main, months or max(main.buycycle, 1), msisdn=msisdn, remark="renew.py")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    try:
        order = renew(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else None)
        print(f"order {order.orderid}: {order.orderamount:.2f} yuan, awaiting confirmation")
    except cardboss.InvalidInputError as e:
        sys.exit(f"not sent: {e}")
    except cardboss.ApiError as e:
        sys.exit(f"refused ({e.code}): {e.msg} {e.detail}")
    except cardboss.CardBossError as e:
        if e.outcome_unknown:
            sys.exit(f"{e}\ncheck the card's packages before renewing again")
        sys.exit(f"failed: {e}")
