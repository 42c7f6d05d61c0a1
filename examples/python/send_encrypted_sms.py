"""Send an encrypted SMS to IoT cards (AES with the apikey's halves, done by the SDK), then read
the delivery reports.

    python send_encrypted_sms.py "reboot" MSISDN [MSISDN ...]
"""

from __future__ import annotations

import os
import sys
import time

import cardboss
from _config import client


def send(content: str, mobiles: list[str]) -> cardboss.SmsReceipt:
    with client() as c:
        receipt = c.send_iot_sms_encrypted(mobiles, content)
        print(f"task {receipt.taskid}: {receipt.count} messages, {receipt.fee} billed")
        time.sleep(1)
        for report in c.sms_reports():
            if report.taskid in receipt.taskids:
                print(f"  {report.mobile}: {'delivered' if report.delivered() else report.state}")
        return receipt


def show_ciphertext(content: str, mobiles: list[str]) -> None:
    """What goes on the wire, and that it decrypts back (no request is made)."""
    apikey = os.environ["CARDBOSS_APIKEY"]
    text = cardboss.encrypt_sms(apikey, mobiles, content)
    plain = cardboss.decrypt_sms(apikey, text)
    assert plain.mobiles == mobiles and plain.content == content
    print(f"ciphertext: {text}")


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    try:
        show_ciphertext(sys.argv[1], sys.argv[2:])
        send(sys.argv[1], sys.argv[2:])
    except cardboss.InvalidInputError as e:
        sys.exit(f"bad input: {e}")
    except cardboss.CardBossError as e:
        sys.exit(f"failed: {e}")
