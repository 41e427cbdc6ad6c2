import Foundation
import Testing

@testable import DingSyncSandbox

@Suite("Primitives: SHA-256, HMAC, bot signature, JSON, time formats")
struct PrimitivesTests {
    /// The rate window counts arrivals: a call stamped before the calls already admitted (it
    /// waited for the lock) counts against the window ending at its own arrival, not theirs.
    @Test func slidingWindowCountsArrivalsInOrder() {
        var window = SlidingWindow()
        let second: UInt64 = 1_000_000_000
        let base: UInt64 = 10 * second
        // Three calls in the window ending at base + 500 ms: a 4th at limit 3 is refused.
        #expect(window.admit(at: base, window: second, limit: 3) == nil)
        #expect(window.admit(at: base + 500_000_000, window: second, limit: 3) == nil)
        #expect(window.admit(at: base + 900_000_000, window: second, limit: 3) == nil)
        let wait = window.admit(at: base + 950_000_000, window: second, limit: 3)
        #expect(wait == 50_000_000)
        // The oldest leaves at base + 1 s (exclusive bound): a call then is admitted.
        #expect(window.admit(at: base + second, window: second, limit: 3) == nil)
        // A late-processed call that arrived 500 ms before the others sees only its own window.
        var late = SlidingWindow()
        let earlier = base + 2 * second + second / 2
        #expect(late.admit(at: base + 3 * second, window: second, limit: 2) == nil)
        #expect(late.admit(at: base + 3 * second + 10, window: second, limit: 2) == nil)
        #expect(late.admit(at: earlier, window: second, limit: 2) == nil)
        // ... and it is kept in order: a call just after it finds one stamp in its window.
        #expect(late.admit(at: earlier + 10, window: second, limit: 2) == nil)
        #expect(late.admit(at: earlier + 20, window: second, limit: 2) != nil)
    }

    @Test func sha256StandardVectors() {
        #expect(Hashing.sha256Hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(Hashing.sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(
            Hashing.sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        // 55 and 56 bytes straddle the padding boundary.
        #expect(
            Hashing.sha256Hex(String(repeating: "a", count: 55))
                == "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318")
        #expect(
            Hashing.sha256Hex(String(repeating: "a", count: 64))
                == "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb")
        #expect(Hashing.hex([0x00, 0x0f, 0xa0, 0xff]) == "000fa0ff")
    }

    @Test func hmacRFC4231() {
        // Case 1.
        let first = Hashing.hmacSHA256(key: [UInt8](repeating: 0x0b, count: 20), message: Array("Hi There".utf8))
        #expect(Hashing.hex(first) == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
        // Case 2.
        let mac = Hashing.hmacSHA256(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8))
        #expect(Hashing.hex(mac) == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        // Case 6: a key longer than the block size.
        let long = Hashing.hmacSHA256(
            key: Array(repeating: 0xaa, count: 131),
            message: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8))
        #expect(Hashing.hex(long) == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
    }

    /// feishu-api.md §6 and SANDBOX.md: the signature the webhook checks.
    @Test func feishuBotSignatureVector() {
        #expect(
            FeishuBotSignature.sign(timestamp: "1599360473", secret: "demo")
                == "l1N0gAcBjdwBvGm1xMjOF0XSyaLRpR7tuO5dHfhAYc8=")
        #expect(
            Sandbox.feishuBotSignature(timestamp: "1599360473", secret: "demo")
                == "l1N0gAcBjdwBvGm1xMjOF0XSyaLRpR7tuO5dHfhAYc8=")
        #expect(Base64.encode(Array("any carnal pleas".utf8)) == "YW55IGNhcm5hbCBwbGVhcw==")
        #expect(Base64.decode("YW55IGNhcm5hbCBwbGVhcw==") == Array("any carnal pleas".utf8))
    }

    /// The app's open id in person fields is the one the hand-written SHA-256 gave (pinned).
    @Test func appOpenIdIsPinned() {
        #expect(BitableSimulator.openId(ofApp: "cli_0123456789abcdef") == "ou_134510bfcd5236dbf6f222594a857cb6")
    }

    @Test func jsonKeepsNumbersOrderAndUnicode() throws {
        let text = #"{"b":1,"a":[176294576354598450,2580.5,-1e3,true,null],"s":"王小明\n\"q\" \u00e9 \ud83d\ude00"}"#
        let value = try JSONValue.parse(text)
        #expect(value["a"]?.arrayValue?[0].int64Value == 176_294_576_354_598_450)
        #expect(value["a"]?.arrayValue?[1].doubleValue == 2580.5)
        #expect(value["s"]?.stringValue == "王小明\n\"q\" é 😀")
        let out = value.serialized()
        #expect(out.hasPrefix(#"{"b":1,"a":[176294576354598450,2580.5,-1e3,true,null]"#))
        #expect(try JSONValue.parse(out) == value)
        #expect(throws: JSONParseError.self) { try JSONValue.parse("{\"a\":}") }
        #expect(throws: JSONParseError.self) { try JSONValue.parse("[1,2") }
        #expect(throws: JSONParseError.self) { try JSONValue.parse("{} x") }
    }

    @Test func timeFormats() {
        let ms: Int64 = 1_743_470_123_000  // 2025-04-01T01:15:23Z = 09:15:23 Beijing
        #expect(TimeFormat.legacy(ms) == "2025-04-01 09:15:23")
        #expect(TimeFormat.newAPI(ms, beijing: true) == "2025-04-01T09:15Z")
        #expect(TimeFormat.newAPI(ms, beijing: false) == "2025-04-01T01:15Z")
        #expect(TimeFormat.compactMinute(ms) == "202504010915")
        #expect(TimeFormat.parse("2025-04-01 09:15:23") == ms)
        #expect(TimeFormat.parse("2025-04-01T01:15:23Z") == ms)
        #expect(TimeFormat.parse("2025-04-01T09:15:23.000+08:00") == ms)
        #expect(TimeFormat.parse("1743470123") == ms)
        #expect(TimeFormat.parse("1743470123000") == ms)
        #expect(TimeFormat.parse("yesterday") == nil)
        #expect(TimeFormat.startOfDay(ms) == TimeFormat.parse("2025-04-01"))
    }
}
