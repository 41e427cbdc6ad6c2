import Foundation
import Testing
@testable import DingSyncCore

@Suite("SHA-256 and HMAC-SHA256")
struct SHA256Tests {
    @Test("FIPS 180-4 vectors", arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        ("The quick brown fox jumps over the lazy dog",
         "d7a8fbb307d7809469ca9abcb0082e4f8d5651e46d3cdb762d02d0bf37c9e592"),
        ("审批", "64d021080a5fbcb39fc6a36393785f02e51aa510c6cd11ecf0037f5cbab6bcc4"),
    ])
    func vectors(input: String, expected: String) {
        #expect(SHA256.hexDigest(input) == expected)
    }

    @Test("one million 'a'")
    func millionA() {
        let digest = SHA256.digest([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000))
        #expect(SHA256.hex(digest) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test("message lengths around the padding boundary", arguments: [55, 56, 63, 64, 65, 119, 120])
    func paddingBoundaries(length: Int) {
        let digest = SHA256.digest([UInt8](repeating: 0x61, count: length))
        #expect(digest.count == 32)
        #expect(digest != SHA256.digest([UInt8](repeating: 0x61, count: length + 1)))
    }

    @Test("Feishu bot signature vector (feishu-api.md §6)")
    func feishuSignature() {
        let sign = HMACSHA256.base64AuthenticationCode(key: "1599360473\ndemo", message: "")
        #expect(sign == "l1N0gAcBjdwBvGm1xMjOF0XSyaLRpR7tuO5dHfhAYc8=")
    }

    @Test("RFC 4231 test case 2 and a key longer than one block")
    func rfc4231() {
        let code = HMACSHA256.authenticationCode(
            key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8))
        #expect(SHA256.hex(code) == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        let longKey = [UInt8](repeating: 0xaa, count: 131)
        let longCode = HMACSHA256.authenticationCode(
            key: longKey, message: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8))
        #expect(SHA256.hex(longCode) == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
    }
}
