/// Keccak-256 as Ethereum uses it: the original Keccak submission's padding
/// (domain byte 0x01, final bit 0x80), rate 136 bytes, capacity 512 bits.
/// This is NOT FIPS 202 SHA3-256, which pads with 0x06.
///
/// Test-only, written from the Keccak reference (FIPS 202 section 3 for the
/// permutation), independent of any product code. Pure Swift, no global
/// mutable state: the tables are `static let` constants.
///
///     Keccak256.hash([])  // c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470
///     Keccak256.topic("Transfer(address,address,uint256)")
///     // 0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef
public enum Keccak256 {
    /// Bytes absorbed per permutation: (1600 - 2 * 256) / 8.
    public static let rate = 136

    /// Iota round constants RC[0..<24].
    static let roundConstants: [UInt64] = [
        0x0000_0000_0000_0001, 0x0000_0000_0000_8082, 0x8000_0000_0000_808A, 0x8000_0000_8000_8000,
        0x0000_0000_0000_808B, 0x0000_0000_8000_0001, 0x8000_0000_8000_8081, 0x8000_0000_0000_8009,
        0x0000_0000_0000_008A, 0x0000_0000_0000_0088, 0x0000_0000_8000_8009, 0x0000_0000_8000_000A,
        0x0000_0000_8000_808B, 0x8000_0000_0000_008B, 0x8000_0000_0000_8089, 0x8000_0000_0000_8003,
        0x8000_0000_0000_8002, 0x8000_0000_0000_0080, 0x0000_0000_0000_800A, 0x8000_0000_8000_000A,
        0x8000_0000_8000_8081, 0x8000_0000_0000_8080, 0x0000_0000_8000_0001, 0x8000_0000_8000_8008,
    ]

    /// Rho rotation offsets, indexed by lane x + 5 * y.
    static let rotationOffsets: [UInt64] = [
        0, 1, 62, 28, 27,
        36, 44, 6, 55, 20,
        3, 10, 43, 25, 39,
        41, 45, 15, 21, 8,
        18, 2, 61, 56, 14,
    ]

    /// Pi: lane x + 5 * y moves to lane y + 5 * ((2x + 3y) mod 5).
    static let piDestination: [Int] = (0..<25).map { index in
        let x = index % 5
        let y = index / 5
        return y + 5 * ((2 * x + 3 * y) % 5)
    }

    @inline(__always)
    static func rotateLeft(_ value: UInt64, _ count: UInt64) -> UInt64 {
        count == 0 ? value : (value << count) | (value >> (64 - count))
    }

    /// Keccak-f[1600] on 25 lanes, lane (x, y) at index x + 5 * y.
    static func permute(_ state: inout [UInt64]) {
        var c = [UInt64](repeating: 0, count: 5)
        var b = [UInt64](repeating: 0, count: 25)
        for round in 0..<24 {
            // Theta.
            for x in 0..<5 {
                c[x] = state[x] ^ state[x + 5] ^ state[x + 10] ^ state[x + 15] ^ state[x + 20]
            }
            for x in 0..<5 {
                let d = c[(x + 4) % 5] ^ rotateLeft(c[(x + 1) % 5], 1)
                for y in 0..<5 {
                    state[x + 5 * y] ^= d
                }
            }
            // Rho and pi.
            for index in 0..<25 {
                b[piDestination[index]] = rotateLeft(state[index], rotationOffsets[index])
            }
            // Chi.
            for y in 0..<5 {
                for x in 0..<5 {
                    state[x + 5 * y] = b[x + 5 * y] ^ (~b[(x + 1) % 5 + 5 * y] & b[(x + 2) % 5 + 5 * y])
                }
            }
            // Iota.
            state[0] ^= roundConstants[round]
        }
    }

    /// The 32-byte Keccak-256 digest of `bytes`.
    public static func hash(_ bytes: [UInt8]) -> [UInt8] {
        // Pad: append 0x01, zeros, and set the top bit of the last byte of the block
        // (a single 0x81 byte when only one byte of padding fits).
        var message = bytes
        let padLength = rate - (bytes.count % rate)
        message.append(contentsOf: [UInt8](repeating: 0, count: padLength))
        message[bytes.count] ^= 0x01
        message[message.count - 1] ^= 0x80

        var state = [UInt64](repeating: 0, count: 25)
        var offset = 0
        while offset < message.count {
            for lane in 0..<(rate / 8) {
                var word: UInt64 = 0
                for byte in 0..<8 {
                    word |= UInt64(message[offset + 8 * lane + byte]) << UInt64(8 * byte)
                }
                state[lane] ^= word
            }
            permute(&state)
            offset += rate
        }

        // Squeeze 32 bytes (fewer than the rate, so one block): lanes 0...3, little-endian.
        var digest: [UInt8] = []
        digest.reserveCapacity(32)
        for lane in 0..<4 {
            let word = state[lane]
            for byte in 0..<8 {
                digest.append(UInt8(truncatingIfNeeded: word >> UInt64(8 * byte)))
            }
        }
        return digest
    }

    /// The digest of a string's UTF-8 bytes.
    public static func hash(_ string: String) -> [UInt8] {
        hash(Array(string.utf8))
    }

    /// An event's topic0: "0x" + 64 lower-case hex of keccak256(signature).
    public static func topic(_ signature: String) -> String {
        "0x" + hex(hash(Array(signature.utf8)))
    }

    /// Lower-case hex of `bytes`, two digits a byte, no prefix.
    public static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
