import CYaml

/// A YAML syntax problem, with libyaml's own wording and position.
public struct YAMLSyntaxError: Error, Sendable, Equatable {
    public var problem: String
    public var context: String?
    /// Where the fault is: the start of the construct being parsed when libyaml gives one (an
    /// unclosed `[` is on the line of the `[`), else where libyaml noticed the problem.
    public var mark: YAMLMark
    /// Where libyaml noticed the problem, when that differs from `mark`.
    public var noticedAt: YAMLMark?

    public init(problem: String, context: String?, mark: YAMLMark, noticedAt: YAMLMark? = nil) {
        self.problem = problem
        self.context = context
        self.mark = mark
        self.noticedAt = noticedAt
    }
}

/// Parses YAML text into a `YAMLNode` tree through libyaml's event API.
public enum YAMLParser {
    /// Parses the first document of `text`; an empty document yields an empty mapping.
    public static func parse(_ text: String) throws(YAMLSyntaxError) -> YAMLNode {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            throw YAMLSyntaxError(
                problem: "libyaml could not initialise a parser", context: nil, mark: YAMLMark(line: 1, column: 1))
        }
        defer { yaml_parser_delete(&parser) }
        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBufferPointer { buffer throws(YAMLSyntaxError) -> YAMLNode in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
            var builder = TreeBuilder()
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else {
                    throw syntaxError(parser)
                }
                defer { yaml_event_delete(&event) }
                let done = try builder.consume(&event)
                if done { break }
            }
            return builder.root ?? .mapping([], mark: YAMLMark(line: 1, column: 1))
        }
    }

    private static func syntaxError(_ parser: yaml_parser_t) -> YAMLSyntaxError {
        let problem = parser.problem.map { String(cString: $0) } ?? "invalid YAML"
        let context = parser.context.map { String(cString: $0) }
        // problem_mark is where libyaml noticed the problem, context_mark where the construct it
        // was parsing began (0-based): the fault is usually at the latter (an unclosed bracket or quote).
        let noticed = YAMLMark(line: Int(parser.problem_mark.line) + 1, column: Int(parser.problem_mark.column) + 1)
        // Only for constructs that an opening character starts (a flow `[`/`{`, a quote) is the start
        // the fault; for a block mapping the start may be line 1, and the noticed line is the better guess.
        guard let context, context.contains("flow") || context.contains("quoted") else {
            return YAMLSyntaxError(problem: problem, context: context, mark: noticed)
        }
        let start = YAMLMark(line: Int(parser.context_mark.line) + 1, column: Int(parser.context_mark.column) + 1)
        return YAMLSyntaxError(
            problem: problem, context: context, mark: start, noticedAt: start == noticed ? nil : noticed)
    }
}

/// Turns the event stream into nodes with a stack of open collections.
private struct TreeBuilder {
    private enum Open {
        case mapping(
            entries: [(key: String, keyMark: YAMLMark, value: YAMLNode)], pendingKey: (String, YAMLMark)?,
            mark: YAMLMark, anchor: String?)
        case sequence(items: [YAMLNode], mark: YAMLMark, anchor: String?)
    }

    private var stack: [Open] = []
    private var anchors: [String: YAMLNode] = [:]
    private(set) var root: YAMLNode?
    private var documentSeen = false

    /// Consumes one event; returns true once the first document has ended.
    mutating func consume(_ event: inout yaml_event_t) throws(YAMLSyntaxError) -> Bool {
        let mark = YAMLMark(line: Int(event.start_mark.line) + 1, column: Int(event.start_mark.column) + 1)
        switch event.type {
        case YAML_STREAM_END_EVENT:
            return true
        case YAML_DOCUMENT_START_EVENT:
            documentSeen = true
        case YAML_DOCUMENT_END_EVENT:
            return true
        case YAML_SCALAR_EVENT:
            let scalar = event.data.scalar
            let text =
                scalar.value.map {
                    String(decoding: UnsafeBufferPointer(start: $0, count: scalar.length), as: UTF8.self)
                } ?? ""
            let quoted =
                scalar.style == YAML_SINGLE_QUOTED_SCALAR_STYLE || scalar.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE
            let node = YAMLNode.scalar(text, quoted: quoted, mark: mark)
            if let anchor = scalar.anchor.map({ String(cString: $0) }) { anchors[anchor] = node }
            try add(node, mark: mark)
        case YAML_ALIAS_EVENT:
            let name = event.data.alias.anchor.map { String(cString: $0) } ?? ""
            guard let node = anchors[name] else {
                throw YAMLSyntaxError(problem: "unknown alias *\(name)", context: nil, mark: mark)
            }
            try add(node, mark: mark)
        case YAML_MAPPING_START_EVENT:
            let anchor = event.data.mapping_start.anchor.map { String(cString: $0) }
            stack.append(.mapping(entries: [], pendingKey: nil, mark: mark, anchor: anchor))
        case YAML_SEQUENCE_START_EVENT:
            let anchor = event.data.sequence_start.anchor.map { String(cString: $0) }
            stack.append(.sequence(items: [], mark: mark, anchor: anchor))
        case YAML_MAPPING_END_EVENT, YAML_SEQUENCE_END_EVENT:
            guard let open = stack.popLast() else { return false }
            let node: YAMLNode
            let anchor: String?
            switch open {
            case .mapping(let entries, _, let start, let a):
                node = .mapping(entries, mark: start)
                anchor = a
            case .sequence(let items, let start, let a):
                node = .sequence(items, mark: start)
                anchor = a
            }
            if let anchor { anchors[anchor] = node }
            try add(node, mark: node.mark)
        default:
            break
        }
        return false
    }

    private mutating func add(_ node: YAMLNode, mark: YAMLMark) throws(YAMLSyntaxError) {
        guard let top = stack.popLast() else {
            root = node
            return
        }
        switch top {
        case .sequence(var items, let start, let anchor):
            items.append(node)
            stack.append(.sequence(items: items, mark: start, anchor: anchor))
        case .mapping(var entries, let pending, let start, let anchor):
            if let (key, keyMark) = pending {
                if entries.contains(where: { $0.key == key }) {
                    throw YAMLSyntaxError(problem: "duplicate key \"\(key)\"", context: nil, mark: keyMark)
                }
                entries.append((key: key, keyMark: keyMark, value: node))
                stack.append(.mapping(entries: entries, pendingKey: nil, mark: start, anchor: anchor))
            } else {
                guard case .scalar(let key, _, _) = node else {
                    throw YAMLSyntaxError(
                        problem: "a mapping key must be a plain value, not \(node.kindDescription)", context: nil,
                        mark: mark)
                }
                stack.append(.mapping(entries: entries, pendingKey: (key, mark), mark: start, anchor: anchor))
            }
        }
    }
}
