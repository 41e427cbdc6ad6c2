import Foundation
import Testing

@testable import DingSyncBasics

/// ``JSON`` as text: parsing keeps key order and number literals, compact and pretty
/// printing write them back unchanged.
@Suite("JSON text")
struct JSONTextTests {
    @Test(
        "compact text round-trips keys in order and numbers as written",
        arguments: [
            #"{"b":1,"a":2,"c":{"z":null,"y":[]}}"#,
            #"[1280.50,1e3,-0,1E-7,-1.5e2,12345678901234567890,0.1]"#,
            #"{"s":"x\n\"y\" \\ 中 😀 a/b","t":true,"f":false,"n":null}"#,
            #"{"dup":1,"dup":2}"#,
            #"[]"#, #"{}"#, #""only""#, #"42"#
        ])
    func compactRoundTrip(text: String) throws {
        let value = try #require(JSON.parse(text))
        #expect(value.compactText == text)
        #expect(JSON.parse(value.compactText) == value)
        #expect(JSON.parse(Data(text.utf8)) == value)
    }

    @Test("numbers keep their literal text")
    func numberLiterals() throws {
        let value = try #require(JSON.parse(#"{"amount": 1280.50, "big": 1e3}"#))
        #expect(value["amount"] == .number("1280.50"))
        #expect(value["big"] == .number("1e3"))
        #expect(value.compactText == #"{"amount":1280.50,"big":1e3}"#)
    }

    @Test("whitespace is dropped, escapes are decoded and written back minimally")
    func whitespaceAndEscapes() throws {
        let value = try #require(JSON.parse(" {\n\t\"a\" : [ 1 , \"\\u0041\\/\\t\\u0001\" ] }\r\n"))
        #expect(value == .object([(key: "a", value: .array([.number("1"), .string("A/\t\u{01}")]))]))
        #expect(value.compactText == #"{"a":[1,"A/\t\u0001"]}"#)
    }

    @Test(
        "text that is not exactly one JSON value is refused",
        arguments: [
            "", " ", "[1,]", #"{"a":1,}"#, #"{"a":1} x"#, "[1] [2]", "{a:1}", #"{"a" 1}"#, "tru", "nul", "x", "[\"open",
            String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        ])
    func refusals(text: String) {
        #expect(JSON.parse(text) == nil)
    }

    @Test("nesting up to 64 levels parses")
    func depth() {
        #expect(JSON.parse(String(repeating: "[", count: 64) + String(repeating: "]", count: 64)) != nil)
    }

    @Test("parseObject accepts objects only")
    func objectsOnly() {
        #expect(JSON.parseObject(Data(#"{"code":0}"#.utf8)) == ["code": 0])
        #expect(JSON.parseObject(Data("[1]".utf8)) == nil)
        #expect(JSON.parseObject(Data("7".utf8)) == nil)
        #expect(JSON.parseObject(Data("<html>".utf8)) == nil)
    }

    @Test("equality is structural and sees key order")
    func equality() {
        let ab: JSON = ["a": 1, "b": 2]
        #expect(ab == JSON.parse(#"{"a":1,"b":2}"#))
        #expect(ab != JSON.parse(#"{"b":2,"a":1}"#))
        #expect(JSON.number("1.0") != .number("1"))
        #expect(JSON.string("1") != .number("1"))
    }

    @Test("pretty text: two-space indent, one item per line, empty containers inline")
    func pretty() {
        let value: JSON = [
            "period": ["from": "2025-04-01T00:00:00+08:00", "from_ms": .number(Int64(1_743_436_800_000))],
            "rates": [0.5714, .null, 3.0], "empty_list": [], "empty_object": [:], "ok": true
        ]
        #expect(
            value.prettyText == """
                {
                  "period": {
                    "from": "2025-04-01T00:00:00+08:00",
                    "from_ms": 1743436800000
                  },
                  "rates": [
                    0.5714,
                    null,
                    3
                  ],
                  "empty_list": [],
                  "empty_object": {},
                  "ok": true
                }
                """)
        #expect(JSON.array([]).prettyText == "[]")
        #expect(JSON.string("a\"b\n").prettyText == #""a\"b\n""#)
    }

    @Test("decoding through a Decoder sorts object keys")
    func decodable() throws {
        let data = Data(#"{"b":[1,2.5,"x",null,true],"a":{"d":1,"c":2}}"#.utf8)
        let value = try JSONDecoder().decode(JSON.self, from: data)
        #expect(value.compactText == #"{"a":{"c":2,"d":1},"b":[1,2.5,"x",null,true]}"#)
    }
}
