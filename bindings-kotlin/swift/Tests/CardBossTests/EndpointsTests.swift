import CardBoss
import Foundation
import XCTest

/// Every endpoint family of the client (customer, cards, pools, operations, SMS) against the
/// sandbox, in both answer styles for the queries.
final class EndpointsTests: XCTestCase {
    static let example = try! Sandbox(cards: 250, style: "example")
    static let table = try! Sandbox(cards: 250, style: "table")

    override class func tearDown() {
        example.stop()
        table.stop()
    }

    private var example: Sandbox { Self.example }

    private func firstPage() async throws -> [Card] {
        try await example.client().listCards(page: 1).cards
    }

    func testCustomerInBothStyles() async throws {
        for sandbox in [Self.example, Self.table] {
            let me = try await sandbox.client().customer()
            XCTAssertEqual(me.sid, sandbox.sid)
            XCTAssertEqual(me.cardqty, 250)
            XCTAssertFalse(me.name.isEmpty)
        }
    }

    func testListCardsAndDetailsInBothStyles() async throws {
        for sandbox in [Self.example, Self.table] {
            let c = try sandbox.client()
            let page = try await c.listCards(page: 1)
            XCTAssertEqual(page.count, 250)
            XCTAssertEqual(page.totalpage, 3)
            XCTAssertEqual(page.cards.count, 100)
            XCTAssertTrue(page.cards.allSatisfy { !$0.msisdn.isEmpty && !$0.iccid.isEmpty })
            let last = try await c.listCards(page: 3)
            XCTAssertEqual(last.cards.count, 50)

            let ids = page.cards.prefix(5).map(\.msisdn)
            let details = try await c.cardDetails(cards: CardSet(msisdns: ids))
            XCTAssertEqual(details.map(\.msisdn), ids)
            let byIccid = try await c.cardDetails(cards: CardSet(iccids: page.cards.prefix(5).map(\.iccid)))
            XCTAssertEqual(byIccid.map(\.msisdn), ids)
            XCTAssertTrue(details.allSatisfy { ["CM", "CT", "UN"].contains($0.mno) })
        }
    }

    func testBothStylesDecodeToTheSameFields() async throws {
        let ids = try await firstPage().prefix(10).map(\.msisdn)
        let a = try await example.client().cardDetails(cards: CardSet(msisdns: ids))
        let b = try await Self.table.client().cardDetails(cards: CardSet(msisdns: ids))
        XCTAssertEqual(a.map { [$0.iccid, $0.mno, String($0.msstatus)] }, b.map { [$0.iccid, $0.mno, String($0.msstatus)] })
        let ua = try await example.client().currentUsage(cards: CardSet(msisdns: ids))
        let ub = try await Self.table.client().currentUsage(cards: CardSet(msisdns: ids))
        XCTAssertEqual(ua.map(\.flowusage), ub.map(\.flowusage))
    }

    func testPagerAsAsyncSequenceAndAllCards() async throws {
        let client = try example.client()
        var sizes: [Int] = []
        let pager = client.cards()
        for try await page in pager { sizes.append(page.count) }
        XCTAssertEqual(sizes, [100, 100, 50])
        let afterTheEnd = try await pager.nextPage()
        XCTAssertNil(afterTheEnd)

        var all: [Card] = []
        for try await card in client.allCards() { all.append(card) }
        XCTAssertEqual(all.count, 250)
        XCTAssertEqual(Set(all.map(\.msisdn)).count, 250)
        // More than 100 cards: the client batches them, in input order.
        let ids = all.map(\.msisdn)
        let details = try await client.cardDetails(cards: CardSet(msisdns: ids))
        XCTAssertEqual(details.map(\.msisdn), ids)
        let usage = try await client.currentUsage(cards: CardSet(msisdns: ids))
        XCTAssertEqual(usage.map(\.msisdn), ids)
    }

    func testUsageInBothStyles() async throws {
        let cards = try await firstPage()
        for sandbox in [Self.example, Self.table] {
            let c = try sandbox.client()
            let ids = cards.prefix(3).map(\.msisdn)
            let current = try await c.currentUsage(cards: CardSet(msisdns: ids))
            XCTAssertEqual(current.map(\.msisdn), ids)
            let history = try await c.usageHistory(month: thisMonth, cards: CardSet(msisdns: ids))
            XCTAssertEqual(history.map(\.msisdn), ids)
            XCTAssertTrue(history.allSatisfy { $0.month == thisMonth })
            let withDays = try await c.usageHistory(
                month: thisMonth, cards: CardSet(iccids: cards.prefix(2).map(\.iccid)), showday: "1")
            XCTAssertEqual(withDays.count, 2)
        }
    }

    func testPackagesAndPools() async throws {
        let client = try example.client()
        let card = try await firstPage()[0]
        let list = try await client.packages(card: CardRef(msisdn: card.msisdn))
        XCTAssertEqual(list.msisdn, card.msisdn)
        XCTAssertFalse(list.pkgs.isEmpty)
        XCTAssertEqual(Int64(list.pkgs.count), list.count)
        let byIccid = try await client.packages(card: CardRef(iccid: card.iccid))
        XCTAssertEqual(byIccid.pkgs.map(\.pkgcode), list.pkgs.map(\.pkgcode))

        let pools = try await client.pools()
        XCTAssertFalse(pools.isEmpty)
        XCTAssertTrue(pools.allSatisfy { !$0.poolid.isEmpty })
        XCTAssertTrue(pools.contains { $0.sid != example.sid }, "sub-account pools are listed too")
    }

    func testWithdrawnEndpoints() async throws {
        let client = try example.client()
        let card = try await firstPage()[0]
        // Without --legacy the platform answers 1098 (API 停用).
        let e = await failure { try await client.arrears(page: 1) }
        guard case .Api = e else { return XCTFail("Api expected, got \(e)") }
        XCTAssertEqual(e.info().code, "1098")
        let e2 = await failure { try await client.dailyUsage(day: today, cards: CardSet(msisdns: [card.msisdn])) }
        XCTAssertEqual(e2.info().code, "1098")

        let legacy = try Sandbox(cards: 50, style: "example", "--legacy")
        defer { legacy.stop() }
        let c = try legacy.client()
        let page = try await c.arrears(page: 1)
        XCTAssertGreaterThanOrEqual(page.count, 0)
        let first = try await c.listCards(page: 1).cards.prefix(3).map(\.msisdn)
        let daily = try await c.dailyUsage(day: today, cards: CardSet(msisdns: first))
        XCTAssertEqual(daily.day, today)
        XCTAssertEqual(daily.usages.map(\.msisdn), first)
    }

    func testRenew() async throws {
        try await example.adminPost("config", #"{"balance": 100000}"#)
        let client = try example.client()
        let card = try await firstPage()[10]
        let pkg = try await client.packages(card: CardRef(msisdn: card.msisdn)).pkgs.first { $0.mainpkg }!
        let months = renewalMonths(pkg)
        let order = try await client.renew(
            card: CardRef(msisdn: card.msisdn), pkgcode: pkg.pkgcode, months: months,
            options: RenewOptions(audit: .manual, remark: "swift test"))
        XCTAssertEqual(order.msisdn, card.msisdn)
        XCTAssertFalse(order.orderid.isEmpty)
        XCTAssertGreaterThan(order.orderamount, 0)
        let orders = try await example.adminGet("orders") as! [[String: Any]]
        XCTAssertTrue(orders.contains { $0["orderid"] as? String == order.orderid })

        // A second order while the first is pending: 1080, and the failure still carries `result`.
        let e = await failure {
            try await client.renew(card: CardRef(msisdn: card.msisdn), pkgcode: pkg.pkgcode, months: months)
        }
        guard case let .Api(info) = e else { return XCTFail("\(e)") }
        XCTAssertEqual(info.code, "1080")
        XCTAssertNotNil(info.result)
        XCTAssertFalse(info.outcomeUnknown)
        // …unless repetition is allowed.
        let again = try await client.renew(
            card: CardRef(msisdn: card.msisdn), pkgcode: pkg.pkgcode, months: months,
            options: RenewOptions(repetition: true))
        XCTAssertNotEqual(again.orderid, order.orderid)

        // The same through renewPackage, which takes the package itself.
        let other = try await firstPage()[11]
        let otherPkg = try await client.packages(card: CardRef(msisdn: other.msisdn)).pkgs.first { $0.mainpkg }!
        let viaPackage = try await client.renewPackage(
            card: CardRef(msisdn: other.msisdn), package: otherPkg, months: renewalMonths(otherPkg))
        XCTAssertEqual(viaPackage.msisdn, other.msisdn)
    }

    func testLifecycleOperations() async throws {
        // The carrier (and the client's cooldown guard) allow one operation of this kind per card
        // within 3 minutes, so each operation gets its own card.
        let cards = Array(try await firstPage().dropFirst(20))
        var used = Set<String>()
        func fresh(_ pick: ([String: Any]) -> Bool = { _ in true }) async throws -> Card {
            for card in cards where !used.contains(card.msisdn) {
                if pick(try await example.card(card.msisdn)) {
                    used.insert(card.msisdn)
                    return card
                }
            }
            throw TestFailure("no card left")
        }
        func msstatus(_ id: String) async throws -> Int { try await example.card(id)["msstatus"] as! Int }
        func apnCount(_ record: [String: Any]) -> Int { (record["apns"] as! [Any]).count }

        let ops = try example.client()
        try await ops.endTestPeriod(card: CardRef(msisdn: try await fresh().msisdn))
        let active = try await fresh()
        try await ops.forceActivate(card: CardRef(msisdn: active.msisdn))
        let activeStatus = try await msstatus(active.msisdn)
        XCTAssertEqual(activeStatus, 2)

        let stopped = try await fresh()
        try await ops.suspend(card: CardRef(iccid: stopped.iccid))
        let stoppedStatus = try await msstatus(stopped.iccid)
        XCTAssertEqual(stoppedStatus, 3)
        let resumed = try await fresh()
        try await ops.resume(card: CardRef(msisdn: resumed.msisdn))
        let resumedStatus = try await msstatus(resumed.msisdn)
        XCTAssertEqual(resumedStatus, 2)

        // Cards with one APN: data is cut and restored without naming it.
        let cut = try await fresh { apnCount($0) == 1 }
        try await ops.disableData(card: CardRef(msisdn: cut.msisdn))
        let apns = try await example.card(cut.msisdn)["apns"] as! [[String: Any]]
        XCTAssertEqual(apns[0]["active"] as? Bool, false)
        try await ops.enableData(card: CardRef(msisdn: try await fresh { apnCount($0) == 1 }.msisdn))

        // Several APNs: the platform needs the name (a refusal starts no cooldown).
        let multi = try await fresh { apnCount($0) > 1 }
        let e = await failure { try await ops.disableData(card: CardRef(msisdn: multi.msisdn)) }
        XCTAssertEqual(e.info().code, "1031")
        try await ops.disableData(card: CardRef(msisdn: multi.msisdn), apn: "CMIOT")

        // Voice whitelist: add, and remove (its own one-minute window per card).
        let wl = try await fresh()
        try await ops.addVoiceWhitelist(card: CardRef(msisdn: wl.msisdn), numbers: ["13800138000", "13900139000"], group: "g1")
        let list = try await example.card(wl.msisdn)["whitelist"] as! [String]
        XCTAssertEqual(list, ["13800138000", "13900139000"])
        try await ops.removeVoiceWhitelist(card: CardRef(msisdn: try await fresh().msisdn), numbers: ["13800138000"])

        let ledger = Set((try await example.adminGet("ledger") as! [[String: Any]]).compactMap { $0["endpoint"] as? String })
        for endpoint in ["card/stoptest", "card/foractive", "card/stopkeep", "card/switchnet", "card/setvoicewhitetable"] {
            XCTAssertTrue(ledger.contains(endpoint), "\(endpoint) reached the sandbox")
        }
    }

    func testSms() async throws {
        let client = try example.client()
        let cards = try await firstPage()
        let plain = try await client.sendIotSms(mobiles: cards.prefix(3).map(\.msisdn), content: "reboot now")
        XCTAssertEqual(plain.count, 3)
        XCTAssertFalse(plain.taskid.isEmpty)
        XCTAssertEqual(plain.taskids, [plain.taskid])

        let encrypted = try await client.sendIotSmsEncrypted(mobiles: [cards[3].iccid], content: "重启 reboot")
        XCTAssertEqual(encrypted.count, 1)

        let template = try await client.sendTemplateSms(mobiles: ["13800138000"], templateId: "1002", params: [1: "123456"])
        XCTAssertEqual(template.count, 1)
        XCTAssertGreaterThanOrEqual(template.fee, 1)

        let tasks = Set(try await client.smsReports().map(\.taskid))
        XCTAssertTrue(tasks.isSuperset(of: [plain.taskid, encrypted.taskid, template.taskid]))
        let again = try await client.smsReports()
        XCTAssertFalse(again.contains { $0.taskid == plain.taskid }, "reports are drained once fetched")

        try await example.adminPost("sms/upstream", #"{"mobile": "\#(cards[5].msisdn)", "content": "hello from the device"}"#)
        let replies = try await client.smsReplies()
        XCTAssertTrue(replies.contains { $0.content == "hello from the device" && $0.mobile == cards[5].msisdn })

        // More than 1000 numbers go out as several requests, merged.
        let many = (0..<1001).map { cards[$0 % 100].msisdn }
        let merged = try await client.sendIotSms(mobiles: many, content: "x")
        XCTAssertEqual(merged.count, 1001)
        XCTAssertEqual(merged.taskids.count, 2)
    }

    func testConfigDefaultsAndHelpers() async throws {
        // Only sid and apikey are required; the core resolves every setting left nil.
        let minimal = ClientOptions(sid: example.sid, apikey: example.apikey)
        XCTAssertNil(minimal.baseUrl)
        XCTAssertNil(minimal.timeoutMs)
        XCTAssertNil(minimal.cooldownGuard)
        _ = try CardBossClient(options: minimal)
        var pointed = minimal
        pointed.baseUrl = example.baseUrl
        pointed.opsUrl = example.opsUrl
        let me = try await CardBossClient(options: pointed).customer()
        XCTAssertEqual(me.sid, example.sid)

        XCTAssertFalse(sdkVersion().isEmpty)
        XCTAssertEqual(pushAck(), "success")
        try example.client().clearCooldowns()
    }
}
