"""Install smoke (scripts/test-install.sh): the wheel as a user installs it, on Debian bullseye.

Against the sandbox named by argv[1] (its ready line, JSON): customer, a page of cards, details
of 150 cards (two batches of 100 at most), a plain SMS, and an InvalidInputError raised before
any request.
"""
import json
import sys

import cardboss

ready = json.loads(sys.argv[1])
client = cardboss.Client(ready["sid"], ready["apikey"], base_url=ready["base_url"], ops_url=ready["ops_url"])

me = client.customer()
assert me.sid == ready["sid"], me
page = client.list_cards(1)
assert page.cards, page
msisdns = []
number = 1
while len(msisdns) < 150:
    msisdns += [c.msisdn for c in client.list_cards(number).cards]
    number += 1
details = client.card_details(msisdns=msisdns[:150])
assert [d.msisdn for d in details] == msisdns[:150], len(details)
receipt = client.send_iot_sms([msisdns[0]], "install smoke")
assert receipt.count == 1 and receipt.taskid, receipt
try:
    client.card_details(msisdns=[])
    raise AssertionError("an empty card set was accepted")
except cardboss.InvalidInputError as e:
    refused = e
print(f"python {sys.version.split()[0]} cardboss {cardboss.__version__}: customer {me.sid}, "
      f"{len(page.cards)} cards on page 1, {len(details)} details, sms task {receipt.taskid}, "
      f"refused: {refused}")
