import Foundation
import Testing

@testable import DingSyncBasics
@testable import DingSyncClients
@testable import DingSyncOperations
@testable import DingSyncPipeline
@testable import DingSyncProcessing
@testable import DingSyncReports
@testable import DingSyncStore

/// ``Hashing`` (swift-crypto underneath): the digests the content hash and the bot signature
/// rest on, pinned to the published vectors and to what the earlier hand-written code gave.
@Suite("SHA-256 and HMAC-SHA256")
struct SHA256Tests {
    @Test(
        "FIPS 180-4 vectors",
        arguments: [
            ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
            ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
            (
                "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
                "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
            ),
            (
                "The quick brown fox jumps over the lazy dog",
                "d7a8fbb307d7809469ca9abcb0082e4f8d5651e46d3cdb762d02d0bf37c9e592"
            ),
            ("审批", "64d021080a5fbcb39fc6a36393785f02e51aa510c6cd11ecf0037f5cbab6bcc4")
        ])
    func vectors(input: String, expected: String) {
        #expect(Hashing.sha256Hex(input) == expected)
        #expect(Hashing.sha256Hex(Array(input.utf8)) == expected)
    }

    @Test("one million 'a'")
    func millionA() {
        let digest = Hashing.sha256Hex([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000))
        #expect(digest == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test("message lengths around the padding boundary", arguments: [55, 56, 63, 64, 65, 119, 120])
    func paddingBoundaries(length: Int) {
        let digest = Hashing.sha256Hex([UInt8](repeating: 0x61, count: length))
        #expect(digest.count == 64)
        #expect(digest.allSatisfy { "0123456789abcdef".contains($0) })
        #expect(digest != Hashing.sha256Hex([UInt8](repeating: 0x61, count: length + 1)))
    }

    @Test("lengths 55 and 64 (known digests)")
    func knownLengths() {
        #expect(
            Hashing.sha256Hex([UInt8](repeating: 0x61, count: 55))
                == "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318")
        #expect(
            Hashing.sha256Hex([UInt8](repeating: 0x61, count: 64))
                == "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb")
    }

    @Test(
        "hex text",
        arguments: [
            ([UInt8](), ""), ([0x00, 0x0f, 0xa0, 0xff], "000fa0ff")
        ])
    func hex(bytes: [UInt8], expected: String) {
        #expect(Hashing.hex(bytes) == expected)
    }

    @Test("Feishu bot signature vector (feishu-api.md §6)")
    func feishuSignature() {
        let sign = Hashing.hmacSHA256Base64(key: "1599360473\ndemo", message: "")
        #expect(sign == "l1N0gAcBjdwBvGm1xMjOF0XSyaLRpR7tuO5dHfhAYc8=")
        #expect(FeishuBot.signature(timestamp: "1599360473", secret: "demo") == sign)
    }

    @Test("RFC 4231 HMAC-SHA256 test cases 1-4, 6, 7", arguments: RFC4231.cases)
    func rfc4231(vector: RFC4231.Case) {
        #expect(Hashing.hex(Hashing.hmacSHA256(key: vector.key, message: vector.data)) == vector.mac)
    }

    @Test("RFC 4231 test case 5: output truncated to 128 bits")
    func rfc4231Truncated() {
        let mac = Hashing.hmacSHA256(
            key: [UInt8](repeating: 0x0c, count: 20), message: Array("Test With Truncation".utf8))
        #expect(Hashing.hex(mac.prefix(16)) == "a3b6167473100ee06e0c796c2955552b")
    }
}

/// RFC 4231 §4 (HMAC-SHA256 column).
enum RFC4231 {
    struct Case: Sendable, CustomTestStringConvertible {
        let number: Int
        let key: [UInt8]
        let data: [UInt8]
        let mac: String
        var testDescription: String { "test case \(number)" }
    }

    static let cases: [Case] = [
        Case(
            number: 1, key: [UInt8](repeating: 0x0b, count: 20), data: Array("Hi There".utf8),
            mac: "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
        Case(
            number: 2, key: Array("Jefe".utf8), data: Array("what do ya want for nothing?".utf8),
            mac: "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
        Case(
            number: 3, key: [UInt8](repeating: 0xaa, count: 20), data: [UInt8](repeating: 0xdd, count: 50),
            mac: "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
        Case(
            number: 4, key: Array(0x01...0x19), data: [UInt8](repeating: 0xcd, count: 50),
            mac: "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"),
        Case(
            number: 6, key: [UInt8](repeating: 0xaa, count: 131),
            data: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
            mac: "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
        Case(
            number: 7, key: [UInt8](repeating: 0xaa, count: 131),
            data: Array(
                ("This is a test using a larger than block-size key and a larger than block-size data. "
                    + "The key needs to be hashed before being used by the HMAC algorithm.").utf8),
            mac: "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2")
    ]
}
