import CardBoss
import Foundation
import XCTest

/// The shared vectors in tests/vectors (expected values made by independent tools).
final class VectorsTests: XCTestCase {
    private func str(_ c: [String: Any], _ key: String) -> String { c[key] as! String }

    func testSignVectors() throws {
        for c in try vectors("sign.json") {
            XCTAssertEqual(sign(parts: c["parts"] as! [String]), str(c, "sign"), str(c, "name"))
        }
    }

    func testTimestampVectors() throws {
        let iso = ISO8601DateFormatter()
        for c in try vectors("timestamp.json") {
            let at = try XCTUnwrap(iso.date(from: str(c, "utc")))
            let offset = Int32(c["offset_minutes"] as! Int)
            XCTAssertEqual(timestamp(at: at, utcOffsetMinutes: offset), str(c, "ts"), "\(str(c, "utc")) at \(offset)")
        }
        // Default: now, in UTC+8.
        XCTAssertEqual(timestamp().count, 14)
    }

    func testEncryptedSms() throws {
        for c in try vectors("sms_encrypt.json") {
            let name = str(c, "name")
            let apikey = str(c, "apikey")
            let mobiles = c["mobiles"] as! [String]
            let content = str(c, "content")
            XCTAssertEqual(try encryptSms(apikey: apikey, mobiles: mobiles, content: content), str(c, "base64"), name)
            for text in [str(c, "base64"), str(c, "base64_wrapped")] {
                let plain = try decryptSms(apikey: apikey, text: text)
                XCTAssertEqual(plain.mobiles, mobiles, name)
                XCTAssertEqual(plain.content, content, name)
            }
        }
    }

    func testPushSignatures() async throws {
        for c in try vectors("push_sign.json") {
            let name = str(c, "name")
            let body = str(c, "body")
            let push = try verifyPush(body: body, apikey: str(c, "apikey"))
            XCTAssertEqual(push.id, str(c, "id"), name)
            XCTAssertEqual(push.sid, str(c, "sid"), name)
            XCTAssertEqual(push.sn, str(c, "sn").trimmingCharacters(in: .whitespaces), name)
            XCTAssertEqual(push.data, str(c, "data"), name)
            switch (push.sn, push.content) {
            case ("OD1002", .renewalResult): break
            case ("OD1010", .usageWarnings(let w)): XCTAssertFalse(w.isEmpty, name)
            case ("OD1002", _), ("OD1010", _): XCTFail("\(name): \(push.content)")
            default: break
            }
            if c["api"] is NSNull { XCTAssertEqual(push.api, "", name) }
            // The same body with another apikey, or with one character of the sign changed, is forged.
            let other = await failure { try verifyPush(body: body, apikey: String(repeating: "f", count: 32)) }
            XCTAssertEqual(other.info().code, "PUSH_REJECTED", name)
            let sign = str(c, "sign")
            let flipped = String(sign.dropLast()) + (sign.last == "0" ? "1" : "0")
            let forged = body.replacingOccurrences(of: sign, with: flipped)
            let e = await failure { try verifyPush(body: forged, apikey: str(c, "apikey")) }
            XCTAssertEqual(e.info().code, "PUSH_REJECTED", name)
        }
    }

    func testBillingVectors() throws {
        for c in try vectors("billing.json") {
            let content = str(c, "content")
            XCTAssertEqual(Int(smsBillingCount(content: content)), c["billed"] as! Int, String(content.prefix(20)))
        }
    }
}
