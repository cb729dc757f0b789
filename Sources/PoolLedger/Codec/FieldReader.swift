import PoolMath

/// Reads the fields of one JSON object by the contract's rules, naming the
/// field and the rule on every failure, and refusing fields it was not asked for.
struct FieldReader {
    // Contract objects have a dozen fields at most: a linear scan beats hashing every key.
    private var members: [(key: String, value: JSON)]
    private var read: [Bool]

    init(_ value: JSON) throws(Rejection) {
        guard case .object(let members) = value else {
            throw Rejection(.malformedJSON, "a line must hold a JSON object, found \(value.kind)")
        }
        for index in members.indices.dropFirst() {
            let key = members[index].key
            for earlier in 0..<index where members[earlier].key == key {
                throw Rejection(.duplicateField, "field \"\(key)\" appears twice")
            }
        }
        self.members = members
        self.read = Array(repeating: false, count: members.count)
    }

    func has(_ name: String) -> Bool { members.contains { $0.key == name } }

    /// The raw value of a field (marked as read).
    mutating func raw(_ name: String) -> JSON? { take(name) }

    private mutating func take(_ name: String) -> JSON? {
        guard let index = members.firstIndex(where: { $0.key == name }) else { return nil }
        read[index] = true
        return members[index].value
    }

    /// A required non-empty string.
    mutating func string(_ name: String) throws(Rejection) -> String {
        guard let value = take(name) else { throw Rejection(.missingField, "field \"\(name)\" is required") }
        return try nonEmptyString(name, value)
    }

    mutating func optionalString(_ name: String) throws(Rejection) -> String? {
        guard let value = take(name) else { return nil }
        return try nonEmptyString(name, value)
    }

    /// An optional boolean.
    mutating func optionalBool(_ name: String) throws(Rejection) -> Bool? {
        guard let value = take(name) else { return nil }
        guard case .bool(let flag) = value else {
            throw Rejection(.invalidField, "field \"\(name)\" must be true or false, found \(value.kind)")
        }
        return flag
    }

    /// A string or null, present (`required`) or not.
    mutating func nullableString(_ name: String, required: Bool) throws(Rejection) -> String? {
        guard let value = take(name) else {
            if required { throw Rejection(.missingField, "field \"\(name)\" is required (a string, or null)") }
            return nil
        }
        if case .null = value { return nil }
        return try nonEmptyString(name, value)
    }

    private func nonEmptyString(_ name: String, _ value: JSON) throws(Rejection) -> String {
        guard case .string(let text) = value else {
            throw Rejection(.invalidField, "field \"\(name)\" must be a string, found \(value.kind)")
        }
        guard !text.isEmpty else { throw Rejection(.invalidField, "field \"\(name)\" must not be empty") }
        return text
    }

    /// A required amount: a string holding a base-10 integer in [0, 2^256-1].
    mutating func amount(_ name: String) throws(Rejection) -> UInt256 {
        guard let value = take(name) else { throw Rejection(.missingField, "field \"\(name)\" is required") }
        return try amount(name, value)
    }

    mutating func optionalAmount(_ name: String) throws(Rejection) -> UInt256? {
        guard let value = take(name) else { return nil }
        return try amount(name, value)
    }

    private func amount(_ name: String, _ value: JSON) throws(Rejection) -> UInt256 {
        guard case .string(let text) = value else {
            let shown: String
            if case .number(let number) = value { shown = "the number \(number)" } else { shown = value.kind }
            throw Rejection(.invalidAmount, "field \"\(name)\" must be a string holding a base-10 integer, found \(shown)")
        }
        switch UInt256.parseDecimal(text) {
        case .success(let amount): return amount
        case .failure(let failure):
            throw Rejection(.invalidAmount, "field \"\(name)\": \(String(reflecting: text)) \(failure)")
        }
    }

    /// A required JSON integer (no fraction, no exponent, no sign) within `range`.
    mutating func integer(_ name: String, in range: ClosedRange<UInt64>) throws(Rejection) -> UInt64 {
        guard let value = take(name) else { throw Rejection(.missingField, "field \"\(name)\" is required") }
        return try integer(name, value, in: range)
    }

    mutating func optionalInteger(_ name: String, in range: ClosedRange<UInt64>) throws(Rejection) -> UInt64? {
        guard let value = take(name) else { return nil }
        return try integer(name, value, in: range)
    }

    private func integer(_ name: String, _ value: JSON, in range: ClosedRange<UInt64>) throws(Rejection) -> UInt64 {
        guard case .number(let text) = value else {
            throw Rejection(.invalidField, "field \"\(name)\" must be an integer, found \(value.kind)")
        }
        guard text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let number = UInt64(text) else {
            throw Rejection(.invalidField, "field \"\(name)\" must be a non-negative integer in \(range.lowerBound)...\(range.upperBound), found \(text)")
        }
        guard range.contains(number) else {
            throw Rejection(.invalidField, "field \"\(name)\" must be in \(range.lowerBound)...\(range.upperBound), found \(text)")
        }
        return number
    }

    /// A JSON integer that may be negative (ticks), within `range`.
    mutating func signedInteger(_ name: String, in range: ClosedRange<Int64>) throws(Rejection) -> Int64 {
        guard let value = take(name) else { throw Rejection(.missingField, "field \"\(name)\" is required") }
        return try signedInteger(name, value, in: range)
    }

    mutating func optionalSignedInteger(_ name: String, in range: ClosedRange<Int64>) throws(Rejection) -> Int64? {
        guard let value = take(name) else { return nil }
        return try signedInteger(name, value, in: range)
    }

    private func signedInteger(_ name: String, _ value: JSON, in range: ClosedRange<Int64>) throws(Rejection) -> Int64 {
        guard case .number(let text) = value else {
            throw Rejection(.invalidField, "field \"\(name)\" must be an integer, found \(value.kind)")
        }
        let digits = text.hasPrefix("-") ? text.utf8.dropFirst() : text.utf8[...]
        guard !digits.isEmpty, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let number = Int64(text), range.contains(number) else {
            throw Rejection(.invalidField, "field \"\(name)\" must be an integer in \(range.lowerBound)...\(range.upperBound), found \(text)")
        }
        return number
    }

    /// Refuses every field that was not read: a misspelt optional field must not pass unnoticed.
    func finish(_ what: String) throws(Rejection) {
        if let index = read.firstIndex(of: false) {
            throw Rejection(.unknownField, "field \"\(members[index].key)\" is not part of \(what)")
        }
    }
}
