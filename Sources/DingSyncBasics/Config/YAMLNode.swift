/// A position in a YAML document, 1-based, as libyaml reports it.
public struct YAMLMark: Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public var description: String { "\(line):\(column)" }
}

/// A small YAML document tree: maps, sequences and scalars, each with its position.
///
/// Only what configuration needs: no tags beyond plain/quoted scalars; aliases are
/// resolved by the parser into copies of their anchored node.
public indirect enum YAMLNode: Sendable, Equatable {
    /// A scalar; `quoted` is true for single- or double-quoted scalars (never null).
    case scalar(String, quoted: Bool, mark: YAMLMark)
    case mapping([(key: String, keyMark: YAMLMark, value: YAMLNode)], mark: YAMLMark)
    case sequence([YAMLNode], mark: YAMLMark)

    public var mark: YAMLMark {
        switch self {
        case .scalar(_, _, let mark), .mapping(_, let mark), .sequence(_, let mark): return mark
        }
    }

    /// True for a plain `~`, `null`, `Null`, `NULL` or empty scalar.
    public var isNull: Bool {
        if case .scalar(let text, false, _) = self {
            return text.isEmpty || text == "~" || text == "null" || text == "Null" || text == "NULL"
        }
        return false
    }

    /// A short description of the node's kind for error messages.
    public var kindDescription: String {
        switch self {
        case .scalar(let text, _, _): return isNull ? "nothing" : "\"\(text)\""
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        }
    }

    public static func == (lhs: YAMLNode, rhs: YAMLNode) -> Bool {
        switch (lhs, rhs) {
        case (.scalar(let a, let qa, let ma), .scalar(let b, let qb, let mb)):
            return a == b && qa == qb && ma == mb
        case (.sequence(let a, let ma), .sequence(let b, let mb)):
            return a == b && ma == mb
        case (.mapping(let a, let ma), .mapping(let b, let mb)):
            guard ma == mb, a.count == b.count else { return false }
            return zip(a, b).allSatisfy { $0.key == $1.key && $0.keyMark == $1.keyMark && $0.value == $1.value }
        default:
            return false
        }
    }
}
