"""List the whole fleet: every card, page after page, with a count per state.

    python list_fleet.py            # sync, prints a summary
    python list_fleet.py --async    # the same with AsyncClient
"""

from __future__ import annotations

import asyncio
import sys
from collections import Counter

import cardboss
from _config import async_client, client

def state_name(state: cardboss.CardState | int) -> str:
    """`usable`, ...: the member's name; a code the spec does not list stays a plain int."""
    return state.name.lower() if isinstance(state, cardboss.CardState) else str(state)


def summary(cards: list[cardboss.Card]) -> str:
    by_state = Counter(state_name(card.state) for card in cards)
    return f"{len(cards)} cards: " + ", ".join(f"{n} {state}" for state, n in sorted(by_state.items()))


def main_sync() -> None:
    with client() as c:
        me = c.customer()
        print(f"account {me.sid} ({me.name}): balance {me.balance:.2f} yuan, {me.cardqty} cards")
        cards = list(c.iter_cards())
        for card in cards[:5]:
            print(f"  {card.msisdn}  {card.iccid}  {state_name(card.state)}")
        print(summary(cards))


async def main_async() -> None:
    async with async_client() as c:
        cards = [card async for card in c.iter_cards()]
        print(summary(cards))


if __name__ == "__main__":
    try:
        if "--async" in sys.argv:
            asyncio.run(main_async())
        else:
            main_sync()
    except cardboss.CardBossError as e:
        sys.exit(f"failed: {e} (code {e.code})")
