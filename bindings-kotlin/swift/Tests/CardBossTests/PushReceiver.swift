// A push receiver for the tests: an HTTP/1.1 server on 127.0.0.1 that keeps each POST body as
// received and answers `pushAck()`. Foundation has no HTTP server on Linux and the tests need
// only this much, so it is written here on the C socket API (one connection at a time).
import CardBoss
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

final class PushReceiver: @unchecked Sendable {
    let port: UInt16
    private let fd: Int32
    private let lock = NSCondition()
    private var bodies: [String: [Data]] = [:]
    private var stopped = false

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("socket() failed") }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(fd, 16) == 0 else { throw TestFailure("bind/listen failed") }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        self.fd = fd
        port = UInt16(bigEndian: addr.sin_port)
        Thread.detachNewThread { [self] in serve() }
    }

    /// The URL of one path of this receiver (`/push`, `/sms`).
    func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    /// Drops what `path` received so far.
    func clear(_ path: String) {
        lock.lock()
        bodies[path] = []
        lock.unlock()
    }

    /// The next body POSTed to `path`, waiting for it up to `seconds`; nil when none came.
    func next(_ path: String, within seconds: TimeInterval = 20) -> Data? {
        let deadline = Date().addingTimeInterval(seconds)
        lock.lock()
        defer { lock.unlock() }
        while bodies[path, default: []].isEmpty {
            if !lock.wait(until: deadline) { return nil }
        }
        return bodies[path]!.removeFirst()
    }

    func stop() {
        lock.lock()
        stopped = true
        lock.unlock()
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
    }

    private func serve() {
        while true {
            let conn = accept(fd, nil, nil)
            if conn < 0 {
                lock.lock()
                let done = stopped
                lock.unlock()
                if done { return }
                continue
            }
            handle(conn)
            close(conn)
        }
    }

    /// Reads one request (head, then Content-Length bytes of body) and answers it.
    private func handle(_ conn: Int32) {
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 8192)
        let separator = Data("\r\n\r\n".utf8)
        var headEnd: Range<Data.Index>?
        var length = 0
        while true {
            if headEnd == nil, let r = data.range(of: separator) {
                headEnd = r
                let head = String(decoding: data[..<r.lowerBound], as: UTF8.self)
                for line in head.split(separator: "\r\n") {
                    let parts = line.split(separator: ":", maxSplits: 1)
                    if parts.count == 2, parts[0].lowercased() == "content-length" {
                        length = Int(parts[1].trimmingCharacters(in: .whitespaces)) ?? 0
                    }
                }
            }
            if let r = headEnd, data.count - r.upperBound >= length { break }
            let n = recv(conn, &buffer, buffer.count, 0)
            if n <= 0 { return }
            data.append(contentsOf: buffer[0..<n])
        }
        let r = headEnd!
        let requestLine = String(decoding: data[..<r.lowerBound], as: UTF8.self).split(separator: " ")
        let path = requestLine.count > 1 ? String(requestLine[1]) : "/"
        let body = Data(data[r.upperBound..<(r.upperBound + length)])
        lock.lock()
        bodies[path, default: []].append(body)
        lock.broadcast()
        lock.unlock()
        let ack = pushAck()
        let answer =
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: \(ack.utf8.count)\r\nConnection: close\r\n\r\n\(ack)"
        _ = answer.withCString { send(conn, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
    }
}
