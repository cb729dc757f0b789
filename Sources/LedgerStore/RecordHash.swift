import Crypto
import Foundation

/// The hash chain. A record's hash is
///
///     SHA-256( previous hash (32 bytes; 32 zero bytes before the first record)
///            || seq (8 bytes, big-endian) || version (8 bytes, big-endian)
///            || stream || type || external id || time || payload )
///
/// where a string or byte field is its length (4 bytes, big-endian) then its
/// bytes, and an optional field is one byte 0 (absent) or 1 followed by the
/// value (time: 8 bytes, big-endian two's complement). Every column of a
/// record is covered, so changing any of them, or removing or reordering a
/// row, breaks the chain at that position.
public enum RecordHash {
    /// The digest, building the hashed bytes in `scratch` (reused across calls
    /// on the hot paths, so no record allocates).
    @inline(__always)
    public static func digest(
        previous: [UInt8], seq: UInt64, stream: String, version: UInt64, type: String,
        externalID: String?, time: Int64?, payload: [UInt8], scratch bytes: inout [UInt8]
    ) -> SHA256.Digest {
        bytes.removeAll(keepingCapacity: true)
        bytes.append(contentsOf: previous)
        appendInteger(seq, to: &bytes)
        appendInteger(version, to: &bytes)
        appendField(stream, to: &bytes)
        appendField(type, to: &bytes)
        if let externalID {
            bytes.append(1)
            appendField(externalID, to: &bytes)
        } else {
            bytes.append(0)
        }
        if let time {
            bytes.append(1)
            appendInteger(UInt64(bitPattern: time), to: &bytes)
        } else {
            bytes.append(0)
        }
        appendLength(payload.count, to: &bytes)
        bytes.append(contentsOf: payload)
        var hasher = SHA256()
        bytes.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        return hasher.finalize()
    }

    /// A digest's 32 bytes as an array, copied at once (`Array(digest)` walks
    /// its iterator byte by byte: a tenth of storing a record).
    @inline(__always)
    public static func bytes(_ digest: SHA256.Digest) -> [UInt8] {
        digest.withUnsafeBytes { [UInt8]($0) }
    }

    @inline(__always)
    static func appendField(_ text: String, to bytes: inout [UInt8]) {
        var text = text
        text.withUTF8 { utf8 in
            appendLength(utf8.count, to: &bytes)
            bytes.append(contentsOf: utf8)
        }
    }

    @inline(__always)
    static func appendLength(_ count: Int, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: UInt32(truncatingIfNeeded: count).bigEndian) { bytes.append(contentsOf: $0) }
    }

    /// A snapshot's hash: SHA-256( seq (8 bytes) || hash of the record at seq || state ).
    public static func snapshotHash(seq: UInt64, recordHash: [UInt8], state: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(40 + state.count)
        appendInteger(seq, to: &bytes)
        bytes += recordHash
        bytes += state
        return Self.bytes(SHA256.hash(data: bytes))
    }

    static func appendInteger(_ value: UInt64, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }


    public static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { $0 < 16 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }
}

/// Walks the log in order and reports the first record that breaks the chain:
/// a gap or repeat in `seq`, a version out of step within its stream, or a
/// hash that does not follow from the previous one.
public struct ChainVerifier {
    public private(set) var head: Head
    var versions: [String: UInt64] = [:]
    var scratch: [UInt8] = []
    /// The last stream seen and its version: most logs run long in one pool.
    var recent: (stream: String, version: UInt64)?

    /// Starts at the genesis, or after a known position (a snapshot's record)
    /// with the stream versions as of that position.
    public init(after head: Head = .genesis, versions: [String: UInt64] = [:]) {
        self.head = head
        self.versions = versions
    }

    public struct Break: Error, Sendable, Equatable, CustomStringConvertible {
        public var seq: UInt64
        public var reason: String
        public var description: String { "seq \(seq): CHAIN: \(reason)" }
    }

    public mutating func check(_ record: StoredRecord) throws(Break) {
        let expected = head.seq + 1
        guard record.seq == expected else {
            throw Break(seq: expected, reason: record.seq > expected
                ? "record \(expected) is missing (the next stored record is \(record.seq))"
                : "record \(record.seq) appears out of order after \(head.seq)")
        }
        let previous: UInt64
        if let recent, recent.stream == record.stream {
            previous = recent.version
        } else {
            if let recent { versions[recent.stream] = recent.version }
            previous = versions[record.stream] ?? 0
        }
        let version = previous + 1
        guard record.version == version else {
            throw Break(seq: record.seq, reason: "version \(record.version) of stream \"\(record.stream)\" should be \(version)")
        }
        let digest = RecordHash.digest(
            previous: head.hash, seq: record.seq, stream: record.stream, version: record.version, type: record.type,
            externalID: record.externalID, time: record.time, payload: record.payload, scratch: &scratch)
        // Compared as memory (`elementsEqual` walked both byte by byte: a sixtieth of a replay).
        let matches = digest.withUnsafeBytes { computed in
            record.hash.withUnsafeBytes { stored in
                stored.count == computed.count && memcmp(stored.baseAddress!, computed.baseAddress!, computed.count) == 0
            }
        }
        guard matches else {
            throw Break(seq: record.seq, reason: "the stored hash does not follow from the previous record and this record's content")
        }
        recent = (record.stream, version)
        head = Head(seq: record.seq, hash: record.hash)
    }

    /// After the last record: the stored head must be where the walk ended.
    public func finish(storedHead: Head) throws(Break) {
        guard storedHead == head else {
            if storedHead.seq > head.seq {
                throw Break(seq: head.seq + 1, reason: "the head says the log ends at \(storedHead.seq), but it ends at \(head.seq)")
            }
            throw Break(seq: storedHead.seq, reason: "the head (seq \(storedHead.seq)) does not match the log's last record (seq \(head.seq))")
        }
    }
}
