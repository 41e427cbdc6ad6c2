import Testing

@testable import DingSyncBasics
@testable import DingSyncClients
@testable import DingSyncOperations
@testable import DingSyncPipeline
@testable import DingSyncProcessing
@testable import DingSyncReports
@testable import DingSyncStore

@Suite struct YAMLParserTests {
    @Test func mapsSequencesScalarsWithMarks() throws {
        let node = try YAMLParser.parse("a: 1\nb:\n  - x\n  - \"y\"\nc: {d: e}\n")
        guard case .mapping(let pairs, _) = node else {
            Issue.record("not a mapping")
            return
        }
        #expect(pairs.map(\.key) == ["a", "b", "c"])
        #expect(pairs[0].value == .scalar("1", quoted: false, mark: YAMLMark(line: 1, column: 4)))
        guard case .sequence(let items, _) = pairs[1].value else {
            Issue.record("not a sequence")
            return
        }
        #expect(items.count == 2)
        #expect(items[1] == .scalar("y", quoted: true, mark: YAMLMark(line: 4, column: 5)))
        #expect(pairs[2].keyMark == YAMLMark(line: 5, column: 1))
    }

    @Test func emptyDocumentIsEmptyMapping() throws {
        #expect(try YAMLParser.parse("") == .mapping([], mark: YAMLMark(line: 1, column: 1)))
        #expect(try YAMLParser.parse("# only a comment\n") == .mapping([], mark: YAMLMark(line: 1, column: 1)))
    }

    @Test func nullScalars() throws {
        let node = try YAMLParser.parse("a: ~\nb:\nc: null\nd: \"null\"\n")
        guard case .mapping(let pairs, _) = node else {
            Issue.record("not a mapping")
            return
        }
        #expect(pairs.map(\.value.isNull) == [true, true, true, false])
    }

    @Test func aliasesResolve() throws {
        let node = try YAMLParser.parse("base: &b {x: 1}\ncopy: *b\n")
        guard case .mapping(let pairs, _) = node, case .mapping(let inner, _) = pairs[1].value else {
            Issue.record("alias not resolved")
            return
        }
        #expect(inner.map(\.key) == ["x"])
    }

    @Test func syntaxErrorCarriesLibyamlProblemAndPosition() {
        #expect {
            _ = try YAMLParser.parse("a: [1, 2\nb: 3\n")
        } throws: { error in
            guard let e = error as? YAMLSyntaxError else { return false }
            return e.problem.contains("expected") && e.mark.line == 1 && e.noticedAt?.line == 2
        }
    }

    @Test func duplicateKeysAreRejected() {
        #expect(throws: YAMLSyntaxError.self) { _ = try YAMLParser.parse("a: 1\na: 2\n") }
    }

    @Test func chineseText() throws {
        let node = try YAMLParser.parse("amount_fields: [\"金额\", 报销金额]\n")
        guard case .mapping(let pairs, _) = node, case .sequence(let items, _) = pairs[0].value else {
            Issue.record("bad shape")
            return
        }
        #expect(items.map { if case .scalar(let t, _, _) = $0 { t } else { "" } } == ["金额", "报销金额"])
    }
}
