"""Read this month's data usage of some cards (or of the first page of the fleet), and their
packages: the flows are in kb.

    python read_usage.py [MSISDN ...]
"""

from __future__ import annotations

import asyncio
import sys

import cardboss
from _config import async_client, client


def show(usages: list[cardboss.CurrentUsage]) -> None:
    for u in usages:
        left = f"{u.pkgleftflow / 1024:.1f} MB left" if u.pkgtotalflow else "pooled"
        print(f"{u.msisdn}  used {u.flowusage / 1024:.1f} MB this month, {left}, {u.smsusage} SMS")


def main(msisdns: list[str]) -> None:
    with client() as c:
        if not msisdns:
            msisdns = [card.msisdn for card in c.list_cards(1).cards]
        # Any number of cards: the SDK splits them into requests of 100.
        show(c.current_usage(msisdns=msisdns))
        packages = c.packages(msisdn=msisdns[0])
        for p in packages.pkgs:
            print(f"  {p.pkgname} ({p.pkgcode}) {p.startdate} .. {p.enddate}")


async def details_concurrently(msisdns: list[str]) -> list[cardboss.CardDetail]:
    """With AsyncClient many calls run at once on one event loop."""
    async with async_client() as c:
        batches = await asyncio.gather(*(c.card_details(msisdns=[m]) for m in msisdns))
        return [d for batch in batches for d in batch]


if __name__ == "__main__":
    try:
        main(sys.argv[1:])
    except cardboss.InvalidInputError as e:
        sys.exit(f"bad input: {e}")
    except cardboss.CardBossError as e:
        sys.exit(f"failed: {e}")
