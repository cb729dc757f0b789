import PoolMath

/// A failure of the audit itself (not of the log): prices that cannot be
/// used, or values out of the 256-bit range.
public struct AuditError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// A non-negative rational, exact.
public struct Ratio: Sendable, Equatable {
    public var numerator: UInt256
    public var denominator: UInt256

    public init(numerator: UInt256, denominator: UInt256) {
        self.numerator = numerator
        self.denominator = denominator
    }
}

/// How positions are valued: the price of one base unit of each token in
/// value units, where a value unit is 10^-decimals of the numéraire.
///
/// By default the numéraire is token1 at the pool's own price (so value units
/// are token1 base units / 10^18: values stay exact far below one wei); with
/// given prices it is whatever those prices are quoted in.
public struct Valuation: Sendable, Equatable {
    public var price0: Ratio
    public var price1: Ratio
    /// Fraction digits of a value: value units per whole numéraire unit = 10^decimals.
    public var decimals: Int
    /// What values are in: token1's symbol, or nil for given prices.
    public var numeraire: String?

    /// Extra digits kept below the smallest unit.
    static let extraDigits = 18

    /// Token1 at the pool's price, reserve1 / reserve0; nil while the pool is empty.
    public static func poolPrice(_ pool: PoolState) -> Valuation? {
        let scale = UInt256.powerOfTen(extraDigits)!
        let price0: Ratio
        switch pool.body {
        case .constantProduct(let pair):
            guard !pair.reserve0.isZero, !pair.reserve1.isZero else { return nil }
            price0 = Ratio(numerator: pair.reserve1 * scale, denominator: pair.reserve0)
        case .concentrated(let v3):
            // A concentrated pool's price is its sqrt price, not its balances' ratio.
            guard let price = concentratedPrice(sqrtPriceX96: v3.sqrtPriceX96, scale: scale) else { return nil }
            price0 = price
        }
        return Valuation(price0: price0, price1: Ratio(numerator: scale, denominator: .one),
                         decimals: Int(pool.decimals1) + extraDigits, numeraire: pool.token1)
    }

    /// Given prices per whole token (decimal strings such as `"2000"` or
    /// `"0.9998"`), valued with 18 fraction digits of the numéraire.
    public static func prices(price0: String, price1: String, pool: PoolState) throws(AuditError) -> Valuation {
        func ratio(_ text: String, decimals: UInt8, name: String) throws(AuditError) -> Ratio {
            let (mantissa, places) = try parsePrice(text, name: name)
            guard let denominator = UInt256.powerOfTen(places + Int(decimals)), decimals <= 38 else {
                throw AuditError("\(name): a token with \(decimals) decimals cannot be valued (at most 38)")
            }
            let (numerator, overflow) = mantissa.multipliedReportingOverflow(by: UInt256.powerOfTen(extraDigits)!)
            guard !overflow else { throw AuditError("\(name): \(text) is too large") }
            return Ratio(numerator: numerator, denominator: denominator)
        }
        return Valuation(
            price0: try ratio(price0, decimals: pool.decimals0, name: "price0"),
            price1: try ratio(price1, decimals: pool.decimals1, name: "price1"),
            decimals: extraDigits, numeraire: nil)
    }

    /// `"123.45"` -> (12345, 2). Plain decimals only: no sign, no exponent, at most 18 places.
    static func parsePrice(_ text: String, name: String) throws(AuditError) -> (UInt256, Int) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = parts.first, !whole.isEmpty,
              parts.count == 1 || !parts[1].isEmpty,
              text.utf8.allSatisfy({ $0 == UInt8(ascii: ".") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
        else {
            throw AuditError("\(name): \"\(text)\" is not a plain decimal price such as 2000 or 0.9998")
        }
        let fraction = parts.count == 2 ? String(parts[1]) : ""
        guard fraction.count <= 18 else { throw AuditError("\(name): at most 18 fraction digits") }
        // Leading zeros are fine in a price ("0.9998"); the integer parser refuses them.
        let digits = (whole + fraction).drop { $0 == "0" }
        guard let mantissa = digits.isEmpty ? UInt256.zero : UInt256(decimal: digits) else {
            throw AuditError("\(name): \"\(text)\" is too large")
        }
        return (mantissa, fraction.count)
    }

    /// The value of token amounts (in base units times `scale`), in value
    /// units, each term rounded down.
    public func value(_ amount0: UInt256, _ amount1: UInt256, scale: UInt256 = .one) throws(AuditError) -> UInt256 {
        let (denominator0, overflow0) = price0.denominator.multipliedReportingOverflow(by: scale)
        let (denominator1, overflow1) = price1.denominator.multipliedReportingOverflow(by: scale)
        guard !overflow0, !overflow1,
              let value0 = UInt256.mulDiv(amount0, price0.numerator, denominator0),
              let value1 = UInt256.mulDiv(amount1, price1.numerator, denominator1) else {
            throw AuditError("a value exceeds 2^256 value units")
        }
        let (sum, overflow) = value0.addingReportingOverflow(value1)
        guard !overflow else { throw AuditError("a value exceeds 2^256 value units") }
        return sum
    }
}

/// One pool's facts folded with every check, and its position book beside
/// the state: what `audit` and `report` read.
public struct AuditFold: Sendable {
    public let poolID: String
    public private(set) var pool: PoolState?
    public private(set) var book: PositionBook
    /// Concentrated pools: the range positions' histories.
    public private(set) var rangeBook = ConcentratedBook()

    /// The audit fold of pool `pool`: feed it that pool's facts in log order.
    /// Without `keepsHistory` the positions list no entries (a timeline's
    /// fold: its memory then holds the pool and its positions, not the log).
    public init(pool: String, keepsHistory: Bool = true) {
        self.poolID = pool
        self.book = PositionBook(pool: pool)
        book.keepsEntries = keepsHistory
        rangeBook.keepsEntries = keepsHistory
    }

    /// Folds the fact at `seq` (a fact of this pool); on a rejection nothing changes.
    public mutating func fold(_ fact: Fact, seq: UInt64) throws(Rejection) {
        var trace: ConcentratedPool.SwapTrace? = nil
        try fold(fact, seq: seq, trace: &trace)
    }

    /// `trace`: for a concentrated pool's swap, which run reproduced it (and its steps when asked).
    public mutating func fold(_ fact: Fact, seq: UInt64, trace: inout ConcentratedPool.SwapTrace?) throws(Rejection) {
        guard fact.pool == poolID else {
            throw Rejection(.unknownPool, "fact of pool \(quoted(fact.pool)) in the audit of \(quoted(poolID))")
        }
        // A concentrated pool folds in place, as the ledger's does: a fact
        // then costs what it touches, not a copy of the pool's tables.
        if pool?.model == .concentrated {
            // A swap touches no position: nothing for the book to read or record.
            var touch: ConcentratedBook.Touch?
            if case .swap = fact.body {} else { touch = Self.touch(fact, pool!) }
            // On a rejection the fold has put back what it changed.
            if try Ledger.foldConcentrated(fact, seq: seq, into: &pool!, trace: &trace) {
                if let touch, case .concentrated(let v3)? = pool?.body { rangeBook.record(fact, seq: seq, before: touch, after: v3) }
                return
            }
        }
        // A constant-product swap, in place as the ledger folds it (it moves no shares: nothing for the book).
        if case .swap(let swap) = fact.body, case .some = pool, try Ledger.foldPairSwap(swap, time: fact.time, seq: seq, into: &pool!) {
            return
        }
        let next = try Ledger.folded(fact, into: pool, seq: seq)
        switch next.body {
        case .constantProduct(let pair):
            var old: (header: PoolHeader, pair: ConstantProductPool)?
            if let pool, case .constantProduct(let previous) = pool.body { old = (pool.header, previous) }
            book.record(fact, seq: seq, before: old, after: pair)
        case .concentrated(let v3):
            var touch: ConcentratedBook.Touch?
            if let pool { touch = Self.touch(fact, pool) }
            rangeBook.record(fact, seq: seq, before: touch, after: v3)
        }
        pool = next
    }

    /// A swap decided against the concentrated pool and made in place, every
    /// law checked after it (see `Ledger.swapConcentrated`); its fact, nil when
    /// the pool is not concentrated. A swap touches no position: the book is as it was.
    public mutating func swap(id: String?, time: UInt64?, block: UInt64?, seq: UInt64,
                              trader: String, zeroForOne: Bool, specified: SignedAmount, limit: UInt256?) throws(Rejection) -> Fact? {
        guard pool?.model == .concentrated else { return nil }
        return try Ledger.swapConcentrated(&pool!, id: id, time: time, block: block, seq: seq, trader: trader, zeroForOne: zeroForOne, specified: specified, limit: limit)
    }

    /// What the range book needs of a concentrated pool before `fact` (nil for another model).
    static func touch(_ fact: Fact, _ pool: PoolState) -> ConcentratedBook.Touch? {
        guard case .concentrated(let v3) = pool.body else { return nil }
        return ConcentratedBook.Touch(fact, before: v3)
    }

    /// A concentrated pool's audit now, at the pool's price or with `valuation`.
    public func concentratedAudit(valuation: Valuation? = nil, includeExited: Bool = false) throws(AuditError) -> ConcentratedPoolAudit? {
        guard let pool else { return nil }
        return try ConcentratedPoolAudit(pool: pool, book: rangeBook, valuation: valuation ?? Valuation.poolPrice(pool), includeExited: includeExited)
    }

    /// The audit now, at the pool's price or with `valuation`.
    public func audit(valuation: Valuation? = nil, includeExited: Bool = false) throws(AuditError) -> PoolAudit? {
        guard let pool else { return nil }
        return try PoolAudit(pool: pool, book: book, valuation: valuation ?? Valuation.poolPrice(pool), includeExited: includeExited)
    }
}
