/// Folds JSON Lines of facts and commands (a line with `cmd` is a command,
/// with `type` a fact) into a ledger, line by line, stopping at the first
/// rejected line with its 1-based line number. Blank lines are skipped.
public struct LineFold {
    public private(set) var ledger: Ledger
    /// Every fact folded in, in order (for commands: the decided facts), when kept.
    public private(set) var facts: [Fact] = []
    public let keepsFacts: Bool
    public private(set) var linesRead = 0

    public init(ledger: Ledger = Ledger(), keepFacts: Bool = false) {
        self.ledger = ledger
        self.keepsFacts = keepFacts
    }

    /// Folds one line; `lineNumber` is the line's position in its file.
    public mutating func fold(line: String, lineNumber: Int) throws(LocatedRejection) {
        linesRead = lineNumber
        if line.utf8.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return }
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

    /// Folds raw bytes, line by line (`\n` or `\r\n` endings); a line that is
    /// not valid UTF-8 is rejected with its number. `progress` is called every
    /// `progressEvery` lines.
    public mutating func fold(
        utf8 bytes: [UInt8], progressEvery: Int = 0, progress: (Int) -> Void = { _ in }
    ) throws(LocatedRejection) {
        var number = 0
        var start = 0
        while start <= bytes.count {
            var end = start
            while end < bytes.count && bytes[end] != 0x0A { end += 1 }
            if start == bytes.count { break }  // the text ended with a newline
            number += 1
            let line = bytes[start..<end].withUnsafeBufferPointer { String(validating: $0, as: UTF8.self) }
            guard let line else {
                throw LocatedRejection(.line(number), Rejection(.malformedJSON, "the line is not valid UTF-8"))
            }
            try fold(line: line, lineNumber: number)
            if progressEvery > 0 && number % progressEvery == 0 { progress(number) }
            start = end + 1
        }
    }

    /// Folds a whole text, line by line (`\n` or `\r\n` endings).
    public mutating func fold(text: String) throws(LocatedRejection) {
        var number = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            try fold(line: String(line), lineNumber: number)
        }
    }
}
