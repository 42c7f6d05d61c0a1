#!/usr/bin/env bash
# Regenerates the cross-language test vectors in this directory.
#
# Every expected value is computed by a tool that is NOT the CardBOSS Rust code:
#   - MD5:        Python hashlib, cross-checked with `md5sum` and `openssl dgst -md5`
#   - AES:        `openssl enc -aes-128-cbc -nopad -K <hex> -iv <hex>` on zero-padded input
#                 (round-tripped with `openssl enc -d`)
#   - Base64:     `base64 -w0` (unwrapped) and `base64 -w76` with LF turned into CRLF (wrapped)
#   - Timestamps: Python datetime with datetime.timezone(timedelta(minutes=offset))
#   - Billing:    Python len(str) (Unicode code points) and the rule written out below
#
# Usage: tests/vectors/generate.sh        (rewrites *.json next to this script; deterministic)
# Needs: bash, python3 (>= 3.7, stdlib only), openssl, coreutils (md5sum, base64).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"
export LC_ALL=C.UTF-8

for tool in python3 openssl md5sum base64; do
    command -v "$tool" >/dev/null || { echo "generate.sh: '$tool' not found" >&2; exit 1; }
done

python3 - <<'PY'
import hashlib
import json
import subprocess
from datetime import datetime, timedelta, timezone


def run(cmd, data):
    return subprocess.run(cmd, input=data, stdout=subprocess.PIPE, check=True).stdout


def md5_hex(data: bytes) -> str:
    """MD5 by hashlib, cross-checked with md5sum and openssl."""
    h = hashlib.md5(data).hexdigest()
    m = run(["md5sum"], data).decode().split()[0]
    o = run(["openssl", "dgst", "-md5", "-r"], data).decode().split()[0]
    assert h == m == o, (h, m, o)
    return h


def b64_unwrapped(data: bytes) -> str:
    return run(["base64", "-w0"], data).decode("ascii")


def b64_wrapped(data: bytes) -> str:
    # base64 -w76 ends every line (including the last) with LF; use CRLF between lines and
    # nothing after the last one, like java.util.Base64.getMimeEncoder().
    lines = run(["base64", "-w76"], data).decode("ascii").splitlines()
    return "\r\n".join(lines)


def write(name, value):
    with open(name, "w", encoding="utf-8", newline="\n") as f:
        json.dump(value, f, ensure_ascii=False, indent=2)
        f.write("\n")


SID = "10043"
APIKEY = "0123456789abcdef0123456789abcdef"   # 32 characters
APIKEY2 = "9F86D081884C7D659A2FEAA0C55AD015"  # 32 characters
TS = "20240401040509"

# ---------------------------------------------------------------- sms_encrypt.json
SMS_KEY = "0123456789abcdefFEDCBA9876543210"  # key = "0123456789abcdef", iv = "FEDCBA9876543210"
SMS_KEY2 = "k7Qz3VwX9pLm2RtY8sNb4HcJ6dFg1AeU"

sms_cases = [
    ("one_mobile_ascii", SMS_KEY, ["1064787000001"], "reboot"),
    ("exactly_16_bytes_no_extra_block", SMS_KEY, ["1064787000001"], "R"),
    ("exactly_32_bytes_chinese", SMS_KEY, ["1064787000001"], "重启设备 now!"),
    ("chinese_two_mobiles", SMS_KEY, ["1064787000001", "1440263908508"], "江苏 reboot"),
    ("several_mobiles", SMS_KEY2,
     ["1064787000001", "1064787000002", "1064787000003", "1440263908508", "898607b8101700000001"],
     "AT+CFUN=1,1"),
    ("long_content_wraps", SMS_KEY2, ["1064787038023", "1064787038024"],
     "设备自检报告：电压正常，温度 36.5℃，信号强度 -71dBm；请于 2024-04-01 04:05:09 前重启。"
     "Device self-test: voltage OK, temperature 36.5C, RSSI -71dBm; please reboot before "
     "2024-04-01 04:05:09 (China time). 谢谢！"),
]

sms_out = []
for name, key, mobiles, content in sms_cases:
    assert len(key) == 32 and key.isascii()
    plaintext = ",".join(mobiles) + "##" + content
    raw = plaintext.encode("utf-8")
    padded = raw + b"\x00" * (-len(raw) % 16)   # zero padding; nothing added at a multiple of 16
    k_hex = key[:16].encode("ascii").hex()
    iv_hex = key[16:].encode("ascii").hex()
    cipher = run(["openssl", "enc", "-aes-128-cbc", "-nopad", "-K", k_hex, "-iv", iv_hex], padded)
    assert len(cipher) == len(padded)
    back = run(["openssl", "enc", "-d", "-aes-128-cbc", "-nopad", "-K", k_hex, "-iv", iv_hex],
               cipher)
    assert back == padded
    b64 = b64_unwrapped(cipher)
    wrapped = b64_wrapped(cipher)
    assert wrapped.replace("\r\n", "") == b64
    sms_out.append({
        "name": name,
        "apikey": key,
        "mobiles": mobiles,
        "content": content,
        "plaintext": plaintext,
        "base64": b64,
        "base64_wrapped": wrapped,
    })

by_name = {c["name"]: c for c in sms_out}
assert len(by_name["exactly_16_bytes_no_extra_block"]["plaintext"].encode()) == 16
assert len(by_name["exactly_32_bytes_chinese"]["plaintext"].encode()) == 32
assert len(by_name["long_content_wraps"]["base64"]) > 76 * 2
write("sms_encrypt.json", sms_out)

# ---------------------------------------------------------------- sign.json
M1, M2 = "1064787000001", "1064787000002"
I1 = "898607b8101700000001"
enc_text = by_name["chinese_two_mobiles"]["base64"]

sign_cases = [
    # The spec's formulas: [sid, apikey, ts, <listed params in listed order>]; absent = "".
    ("customer_get", [SID, APIKEY, TS]),
    ("card_list_pageindex", [SID, APIKEY, TS, "1"]),
    ("card_detail_msisdns_empty_iccids", [SID, APIKEY, TS, f"{M1},{M2}", ""]),
    ("card_usage_current_iccids_only", [SID, APIKEY, TS, "", I1]),
    ("card_usage_past_month_empty_showday", [SID, APIKEY, TS, "202403", "", M1, I1]),
    ("card_pkg_get", [SID, APIKEY, TS, M1, ""]),
    ("card_pkg_renew", [SID, APIKEY, TS, M1, "", "PKG20240001", "3"]),
    ("card_stopkeep", [SID, APIKEY, TS, M1, "", "1"]),
    ("card_switchnet_empty_apnname_marginrat", [SID, APIKEY, TS, M1, "", "", "1", ""]),
    ("card_setvoicewhitetable", [SID, APIKEY, TS, M1, "", "1", "", "13800138000_13900139000"]),
    ("sms_sendlotsms_chinese_content", [SID, APIKEY, TS, f"{M1},{M2}", "江苏移动：设备将于今晚 22:00 重启，reboot。"]),
    ("sms_sendsms_mobile_tplid", [SID, APIKEY, TS, f"{M1},{M2}", "1001"]),
    ("sms_sendiotencryptsms_text", [SID, APIKEY, TS, enc_text]),
    ("uppercase_apikey_customer_get", [SID, APIKEY2, "20231231235959"]),
    # Edge cases.
    ("empty_parts", []),
    ("all_parts_empty_strings", ["", "", ""]),
    ("md5_abc_split", ["a", "b", "c"]),
    ("boundary_shift_same_sign_1", ["ab", "c"]),
    ("boundary_shift_same_sign_2", ["a", "bc"]),
    ("non_ascii_cjk_and_accents", ["中文", "é", "Ω≈ç√"]),
    ("non_ascii_emoji_astral", [SID, APIKEY, TS, "😀 ok 𝄞"]),
    ("url_special_chars_not_encoded", [SID, APIKEY, TS, "a&b=c+d %20/?#"]),
]
sign_out = []
for name, parts in sign_cases:
    if len(parts) >= 2 and parts[1] in (APIKEY, APIKEY2):
        assert len(parts[1]) == 32
    sign_out.append({"name": name, "parts": parts,
                     "sign": md5_hex("".join(parts).encode("utf-8"))})
assert sign_out[[c["name"] for c in sign_out].index("md5_abc_split")]["sign"] == \
    "900150983cd24fb0d6963f7d28e17f72"
write("sign.json", sign_out)

# ---------------------------------------------------------------- timestamp.json
ts_cases = [
    ("2024-03-31T20:05:09Z", 480),    # month rollover into April in China
    ("2024-03-31T20:05:09Z", 0),
    ("2024-03-31T20:05:09Z", -300),
    ("2023-12-31T16:00:00Z", 480),    # year rollover: exactly midnight in China
    ("2023-12-31T15:59:59Z", 480),    # one second before it
    ("2024-02-28T16:30:00Z", 480),    # leap day
    ("2023-02-28T16:30:00Z", 480),    # no leap day: March 1st
    ("2024-01-01T03:00:00Z", -300),   # negative offset: back into the previous year
    ("2024-03-01T02:00:00Z", -480),   # negative offset: back to Feb 29th
    ("2025-03-01T00:00:00Z", -60),    # back to Feb 28th (non-leap)
    ("2024-06-30T23:59:59Z", 1),      # odd offset: month rollover by one minute
    ("2024-07-01T00:00:00Z", 330),    # UTC+5:30
    ("2024-07-01T00:00:00Z", 345),    # UTC+5:45
    ("2024-07-01T00:00:00Z", -570),   # UTC-9:30
    ("2024-07-01T10:00:00Z", 840),    # UTC+14: next day
    ("2024-07-01T11:00:00Z", -720),   # UTC-12: previous day
    ("2000-01-01T00:00:00Z", 480),
    ("1999-12-31T23:59:59Z", 480),
    ("2038-01-19T03:14:08Z", 480),    # past the 32-bit time_t limit
]
ts_out = []
for utc, off in ts_cases:
    t = datetime.strptime(utc, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    local = t.astimezone(timezone(timedelta(minutes=off)))
    ts_out.append({"utc": utc, "offset_minutes": off, "ts": local.strftime("%Y%m%d%H%M%S")})
assert ts_out[0]["ts"] == "20240401040509"
write("timestamp.json", ts_out)

# ---------------------------------------------------------------- push_sign.json
def compact(obj):
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


od1002_ok = compact({
    "level": "info", "status": "1", "msg": "订单续费成功, 资费已生效",
    "orderid": "NR1909111728587778", "msisdn": "1064787038023",
    "iccid": "898607b8101700728023", "imsi": "460041870308024",
    "equipment": "自动售货机北广场 668 号", "pkgcode": "PKG20240001",
    "pkgname": "月包 1GB", "month": "3",
})
od1002_fail = compact({
    "level": "error", "status": "0", "msg": "订单续费失败, 余额不足",
    "orderid": "NR2404010405090001", "msisdn": "1064787000001",
    "iccid": "898607b8101700000001", "imsi": "460041870000001",
    "equipment": "", "pkgcode": "PKG20240001", "pkgname": "月包 1GB", "month": "1",
})
od1010_list = json.dumps([
    {"id": "W202404010001", "date": "202404", "mon": "CM", "msisdn": "1064787038023",
     "iccid": "898607b8101700728023", "imei": "860000000000001", "equipment": "北广场 668 号",
     "type": "11", "planname": "月包 1GB", "cardexpiry": "2025-03-31",
     "planexpiry": "2024-04-30", "total": "1024", "usage": "950.5", "outflow": "0"},
    {"id": "W202404010002", "date": "202404", "mon": "UN", "msisdn": "1064787038024",
     "iccid": "898601000000000000024", "imei": "", "equipment": "",
     "type": "21", "planname": "月包 500MB", "cardexpiry": "2024-12-31",
     "planexpiry": "2024-04-30", "total": "500", "usage": "612.25", "outflow": "112.25"},
    {"id": "W202404010003", "date": "202404", "mon": "CT", "msisdn": "1064787038025",
     "iccid": "898611000000000000025", "imei": "", "equipment": "仓库 3",
     "type": "42", "planname": "年包 10GB", "cardexpiry": "2024-04-15",
     "planexpiry": "2024-04-15", "total": "10240", "usage": "8000", "outflow": "0"},
], ensure_ascii=False, separators=(", ", ": "))  # spaces kept: the sign covers data as sent

push_cases = [
    # name, sid, apikey, id, sn, level, api, time, data, desc, body_ascii_escaped
    ("od1002_renewal_success", SID, APIKEY, "5f1c2a9e0b7d4c3e8a6f1b2d3c4e5f60", "OD1002", "info",
     "", "2024-04-01 04:05:09", od1002_ok, "订购成功", False),
    ("od1002_renewal_failed", SID, APIKEY, "6a2d3b0f1c8e4d5f9b7a2c3e4d5f6a71", "OD1002", "error",
     "", "2024-04-01 04:06:10", od1002_fail, "续费结果", False),
    ("od1010_warning_list", SID, APIKEY2, "7b3e4c1a2d9f4e6a8c8b3d4f5e6a7b82", "OD1010", "warning",
     "", "2024-04-01 08:00:00", od1010_list, "预警类", False),
    ("api_and_desc_null", SID, APIKEY, "8c4f5d2b3e0a4f7b9d9c4e5a6f7b8c93", "OD1002", "info",
     None, "2024-04-01 04:05:09", od1002_ok, None, False),
    ("sn_leading_space_as_in_example", SID, APIKEY, "9d5a6e3c4f1b4a8c8e0d5f6b7a8c9da4", " OD1002",
     "info", "", "2024-04-01 04:05:09", od1002_ok, "订购成功", False),
    ("body_ascii_escaped", SID, APIKEY2, "ae6b7f4d5a2c4b9d9f1e6a7c8b9daeb5", "OD1010", "warning",
     "", "2024-04-01 08:00:00", od1010_list, "预警类", True),
]
push_out = []
for name, sid, key, pid, sn, level, api, time, data, desc, ascii_body in push_cases:
    assert len(key) == 32
    json.loads(data)  # data must be valid JSON text
    joined = "".join("" if v is None else v for v in (sid, key, pid, sn, level, api, time, data, desc))
    sign = md5_hex(joined.encode("utf-8")).upper()
    body = {"sid": sid, "id": pid, "sign": sign, "sn": sn, "level": level, "api": api,
            "time": time, "data": data, "desc": desc}
    push_out.append({
        "name": name, "sid": sid, "apikey": key, "id": pid, "sn": sn, "level": level,
        "api": api, "time": time, "data": data, "desc": desc, "sign": sign,
        "body": json.dumps(body, ensure_ascii=ascii_body, separators=(",", ":")),
    })
write("push_sign.json", push_out)

# ---------------------------------------------------------------- billing.json
# Rule: <= 70 characters is one message; longer texts are billed per 67 characters (ceil).
# Characters are Unicode code points (Python len(str)), not UTF-8 bytes or UTF-16 units.
def billed(n):
    return 1 if n <= 70 else -(-n // 67)


bill_contents = [
    "a",
    "a" * 69,
    "a" * 70,
    "a" * 71,
    "a" * 134,
    "a" * 135,
    "a" * 201,
    "a" * 202,
    "b" * 350,
    "中" * 70,          # 210 UTF-8 bytes, still one message
    "中" * 71,
    "江苏移动：设备将于今晚 22:00 重启，reboot。",
    ("设备自检报告：电压正常，温度 36.5℃，信号强度 -71dBm；" * 3)[:100],
    "😀" * 70,          # 70 code points (140 UTF-16 units): one message
    "😀" * 71,
]
bill_out = []
for content in bill_contents:
    n = len(content)
    bill_out.append({"content_chars": n, "content": content, "billed": billed(n)})
write("billing.json", bill_out)

print("wrote sign.json timestamp.json sms_encrypt.json push_sign.json billing.json")
PY
