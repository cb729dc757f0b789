import Testing
import BigInt
import PropertyBased
@Test func stub() { #expect(1 == 1) }
