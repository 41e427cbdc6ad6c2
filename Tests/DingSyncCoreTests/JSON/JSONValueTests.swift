import Foundation
import Testing

@testable import DingSyncBasics

/// ``JSON`` as a value: building with literals and number helpers, and the lenient reads
/// the DingTalk and Feishu answers need (numbers as strings and the reverse).
@Suite("JSON values")
struct JSONValueTests {
    @Test("literals and helpers build a request body in the written order")
    func building() {
        let code = "PROC-1"
        let body: JSON = [
            "processCode": .string(code), "startTime": .number(Int64(1_743_436_800_000)), "maxResults": 20,
            "flag": true, "ratio": 0.5, "statuses": ["RUNNING", "COMPLETED"], "none": .null, "nested": ["a": [1, "b"]]
        ]
        #expect(
            body.compactText == #"{"processCode":"PROC-1","startTime":1743436800000,"maxResults":20,"flag":true,"#
                + #""ratio":0.5,"statuses":["RUNNING","COMPLETED"],"none":null,"nested":{"a":[1,"b"]}}"#)
        #expect(body.compactData == Data(body.compactText.utf8))
        #expect(JSON.number(7) == .number("7"))
    }

    @Test(
        "decimals are written exactly in plain notation",
        arguments: [
            ("1280.50", "1280.5"), ("0.1", "0.1"), ("1e-7", "0.0000001"), ("-12.340", "-12.34"),
            ("123456789012345678.123456789", "123456789012345678.123456789"), ("-0.00", "0")
        ])
    func decimals(input: String, written: String) throws {
        let decimal = try #require(Decimal(string: input))
        #expect(JSON.number(decimal) == .number(written))
    }

    @Test("doubles: integral values without a fraction, others shortest, non-finite as null")
    func doubles() {
        #expect(JSON.number(3.0) == .number("3"))
        #expect(JSON.number(-0.0) == .number("0"))
        #expect(JSON.number(0.75) == .number("0.75"))
        #expect(JSON.number(1234.5) == .number("1234.5"))
        #expect(JSON.number(999_999_999_999_999.0) == .number("999999999999999"))
        #expect(JSON.number(1e15) == .number("1000000000000000.0"))
        #expect(JSON.number(1e16) == .number("1e+16"))
        #expect(JSON.number(Double.nan) == .null)
        #expect(JSON.number(-Double.infinity) == .null)
        #expect(JSON(floatLiteral: 2.25) == .number("2.25"))
    }

    @Test("setting a key replaces, appends or removes it; non-objects are left alone")
    func subscriptSetter() {
        var body: JSON = ["a": 1, "b": 2]
        body["a"] = "x"
        body["c"] = .null
        body["b"] = nil
        #expect(body.compactText == #"{"a":"x","c":null}"#)
        var list: JSON = [1]
        list["a"] = 1
        #expect(list == [1])
    }

    @Test("string reads scalars: a number's literal, a boolean's word")
    func strings() throws {
        let json = try #require(JSON.parse(#"{"s":"x","n":1254043,"d":1280.50,"t":true,"o":{},"a":[],"z":null}"#))
        #expect(json.string("s") == "x")
        #expect(json.string("n") == "1254043")
        #expect(json.string("d") == "1280.50")
        #expect(json.string("t") == "true")
        #expect(
            json.string("o") == nil && json.string("a") == nil && json.string("z") == nil
                && json.string("missing") == nil)
        #expect(JSON.string("x").string("s") == nil)
    }

    @Test(
        "int reads numbers, numeric strings and booleans",
        arguments: [
            (#"12"#, Int64(12)), (#"-3"#, -3), (#"12.7"#, 12), (#"-12.7"#, -12), (#"1e3"#, 1000), (#"" 42 ""#, 42),
            (#""7200""#, 7200),
            (#"true"#, 1), (#"false"#, 0), (#"9223372036854775807"#, Int64.max)
        ])
    func ints(value: String, expected: Int64) throws {
        let json = try #require(JSON.parse(#"{"k":"# + value + "}"))
        #expect(json.int("k") == expected)
    }

    @Test(
        "int is nil for what is no integer",
        arguments: [#""12.0""#, #""x""#, #""""#, "null", "[]", "{}", "1e30", "12345678901234567890"])
    func notInts(value: String) throws {
        let json = try #require(JSON.parse(#"{"k":"# + value + "}"))
        #expect(json.int("k") == nil)
    }

    @Test(
        "bool reads booleans, the string true in any case, and numbers",
        arguments: [
            ("true", true), ("false", false), (#""TRUE""#, true), (#""false""#, false), (#""yes""#, false),
            (#""1""#, false),
            ("1", true), ("0", false), ("2", true), ("0.5", false), ("-1.5", true)
        ])
    func bools(value: String, expected: Bool) throws {
        let json = try #require(JSON.parse(#"{"k":"# + value + "}"))
        #expect(json.bool("k") == expected)
    }

    @Test("child, children and strings")
    func structures() throws {
        let json = try #require(
            JSON.parse(
                #"{"data":{"items":[{"id":1},"x",{"id":2},null]},"ids":["a",1,true,null,{}],"csv":" a, b ,,c ","n":5}"#)
        )
        let data = try #require(json.child("data"))
        #expect(data.children("items").map { $0.int("id") } == [1, 2])
        #expect(json.child("ids") == nil && json.child("missing") == nil)
        #expect(json.children("data").isEmpty)
        #expect(json.strings("ids") == ["a", "1", "true"])
        #expect(json.strings("csv") == ["a", "b", "c"])
        #expect(json.strings("n").isEmpty && json.strings("missing").isEmpty)
    }

    @Test("a repeated key reads its first value")
    func repeatedKey() throws {
        let json = try #require(JSON.parse(#"{"a":1,"a":2}"#))
        #expect(json.int("a") == 1)
        #expect(json.members?.count == 2)
    }

    @Test("exact views of one case")
    func views() {
        let list: JSON = [1, "a"]
        #expect(list.items?.count == 2 && list.members == nil)
        #expect(JSON.null.isNull && !JSON.bool(false).isNull)
        #expect(JSON.number("1280.50").doubleValue == 1280.5)
        #expect(JSON.string("1").doubleValue == nil)
        #expect(JSON.number("12").scalarText == "12" && list.scalarText == nil)
    }
}
