#if canImport(Glibc)
import Glibc
#endif
/// Folds JSON Lines of facts and commands (a line with `cmd` is a command,
/// with `type` a fact) into a ledger, line by line, stopping at the first
/// rejected line with its 1-based line number. Blank lines are skipped.
public struct LineFold {
    public private(set) var ledger: Ledger
    /// Every fact folded in, in order (for commands: the decided facts), when kept.
    public private(set) var facts: [Fact] = []
    public let keepsFacts: Bool
    public private(set) var linesRead = 0

    /// Folds on top of `ledger`; with `keepFacts`, every fact folded (commands: the decided ones) is kept in `facts`.
    public init(ledger: Ledger = Ledger(), keepFacts: Bool = false) {
        self.ledger = ledger
        self.keepsFacts = keepFacts
    }

    /// Folds one line; `lineNumber` is the line's position in its file.
    public mutating func fold(line: String, lineNumber: Int) throws(LocatedRejection) {
        linesRead = lineNumber
        if JSONLines.isBlank(line) { return }
        do {
            switch try ContractCodec.decodeLine(line) {
            case .fact(let fact):
                if try ledger.fold(fact), keepsFacts { facts.append(fact) }
            case .command(let command):
                let decided = try ledger.execute(command)
                if keepsFacts { facts += decided }
            }
        } catch {
            throw LocatedRejection(.line(lineNumber), error)
        }
    }

    /// Folds raw bytes, line by line (see `JSONLines.forEachLine`). `progress`
    /// is called every `progressEvery` lines.
    public mutating func fold(
        utf8 bytes: [UInt8], progressEvery: Int = 0, progress: (Int) -> Void = { _ in }
    ) throws(LocatedRejection) {
        try JSONLines.forEachLine(in: bytes) { (line, number) throws(LocatedRejection) in
            try fold(line: line, lineNumber: number)
            if progressEvery > 0 && number % progressEvery == 0 { progress(number) }
        }
    }

    /// Folds a whole text, line by line (`\n` or `\r\n` endings).
    public mutating func fold(text: String) throws(LocatedRejection) {
        try fold(utf8: Array(text.utf8))
    }
}

/// JSON Lines framing shared by every reader.
public enum JSONLines {
    /// Reads lines and their 1-based numbers (`\n` or `\r\n` endings; a final
    /// newline ends the text). A line that is not valid UTF-8 is rejected with its number.
    /// Reads from a buffer held whole, or from chunks pulled as lines need them,
    /// so that a file of any size streams through in a few megabytes.
    public struct Reader {
        var bytes: [UInt8]
        var start = 0
        var number = 0
        let source: Source?
        var exhausted: Bool

        /// Where more input comes from: pieces handed over whole, or reads into the reader's own buffer.
        enum Source {
            case chunks(() throws -> [UInt8]?)
            /// Fills the buffer it is given, returning the byte count (0 at the end).
            case reads((UnsafeMutableRawBufferPointer) throws -> Int, size: Int)
        }

        public init(_ bytes: [UInt8]) {
            self.bytes = bytes
            self.source = nil
            self.exhausted = true
        }

        /// Lines from `chunks`, called for the next piece of input until it returns nil;
        /// an error it throws is reported at the line being read (UNREADABLE_INPUT).
        public init(chunks: @escaping () throws -> [UInt8]?) {
            self.bytes = []
            self.source = .chunks(chunks)
            self.exhausted = false
        }

        /// Lines from `read`, which fills the buffer it is given (at most `size`
        /// bytes) and returns how many it wrote, 0 at the end. The reader reads
        /// into one buffer it keeps, so a file streams through without a new
        /// allocation (and its page faults) or a copy per piece.
        public init(reading read: @escaping (UnsafeMutableRawBufferPointer) throws -> Int, size: Int) {
            self.bytes = []
            self.source = .reads(read, size: max(size, 1))
            self.exhausted = false
        }

        /// Appends the next piece of `source` to `buffer`; false at the end of the input.
        static func append(from source: Source?, to buffer: inout [UInt8]) throws -> Bool {
            switch source {
            case nil: return false
            case .chunks(let more)?:
                guard let chunk = try more() else { return false }
                if buffer.isEmpty { buffer = chunk } else { buffer += chunk }
                return true
            case .reads(let read, let size)?:
                let old = buffer.count
                // Room for a piece (the capacity stays from one piece to the next), then what was read.
                buffer.append(contentsOf: repeatElement(0, count: size))
                var count = 0
                defer { buffer.removeLast(size - count) }
                try buffer.withUnsafeMutableBytes { all in
                    count = min(max(try read(UnsafeMutableRawBufferPointer(rebasing: all[old...])), 0), size)
                }
                return count > 0
            }
        }

        public mutating func next() throws(LocatedRejection) -> (line: String, number: Int)? {
            guard let range = try nextRange() else { return nil }
            let line = bytes[range].withUnsafeBufferPointer { UTF8Text.string($0) }
            guard let line else {
                throw LocatedRejection(.line(number), Rejection(.malformedJSON, "the line is not valid UTF-8"))
            }
            return (line, number)
        }

        /// The next line's bytes (without its newline) and number, for readers
        /// that scan bytes: an ASCII line is handed over as it is (no String made);
        /// any other is validated as UTF-8 first, as `next` does.
        mutating func nextBytes<T>(_ body: (UnsafeBufferPointer<UInt8>, Int) throws -> T) throws -> T? {
            guard let range = try nextRange() else { return nil }
            let number = self.number
            return try bytes.withUnsafeBufferPointer { all in
                let line = UnsafeBufferPointer(rebasing: all[range])
                guard UTF8Text.isValid(line) else {
                    throw LocatedRejection(.line(number), Rejection(.malformedJSON, "the line is not valid UTF-8"))
                }
                return try body(line, number)
            }
        }

        /// The index of the first newline in `bytes[from...]`, or `bytes.count`.
        func newline(from: Int) -> Int {
            bytes.withUnsafeBufferPointer { all in
                guard from < all.count, let base = all.baseAddress,
                      let found = memchr(base + from, 0x0A, all.count - from) else { return all.count }
                return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            }
        }

        /// The byte range of the next line in `bytes`, valid until the next call.
        mutating func nextRange() throws(LocatedRejection) -> Range<Int>? {
            var end = newline(from: start)
            while end == bytes.count && !exhausted {
                // Keep only the unfinished line before appending the next piece.
                if start > 0 {
                    bytes.removeFirst(start)
                    end -= start
                    start = 0
                }
                let searched = bytes.count
                let appended: Bool
                do {
                    appended = try Self.append(from: source, to: &bytes)
                } catch {
                    throw LocatedRejection(.line(number + 1), Rejection(.unreadableInput, "cannot read the input: \(error)"))
                }
                if !appended { exhausted = true }
                end = newline(from: searched)
            }
            guard start < bytes.count else { return nil }
            number += 1
            let range = start..<end
            start = end + 1
            return range
        }
    }

    /// Calls `body` with each line and its number.
    public static func forEachLine(
        in bytes: [UInt8], _ body: (String, Int) throws(LocatedRejection) -> Void
    ) throws(LocatedRejection) {
        var reader = Reader(bytes)
        while let (line, number) = try reader.next() { try body(line, number) }
    }

    /// True for a line holding only whitespace (skipped by readers).
    public static func isBlank(_ line: String) -> Bool {
        line.utf8.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
    }
}
