import Testing
@Test func stub3() { #expect(1 == 1) }
