import DingSyncBasics
import Foundation

/// Finds and parses an instance's amount (SPEC 4.5).
///
/// Which field: the first form field, **in form order**, whose name (trimmed) is in
/// `amountFields` (the list is a set of names, not a priority order); when none is, the first
/// `MoneyField`. Only top-level form fields are considered (not cells of a `TableField`).
public enum AmountExtractor {
    /// The outcome for one instance.
    public enum Outcome: Sendable, Equatable {
        /// The form has no amount field: the column stays empty, silently.
        case noField
        /// The amount and the field it came from.
        case amount(Decimal, fieldName: String)
        /// The field exists but its value is `"null"`, empty or not a number.
        case unreadable(fieldName: String, rawValue: String)
    }

    /// Locates the amount field in `formValues` and parses it.
    public static func extract(from formValues: [InstanceDetail.FormValue], amountFields: [String]) -> Outcome {
        let names = Set(amountFields.map { $0.trimmingCharacters(in: .whitespaces) })
        let field =
            formValues.first { names.contains($0.name.trimmingCharacters(in: .whitespaces)) }
            ?? formValues.first { $0.componentType == "MoneyField" }
        guard let field else { return .noField }
        guard let amount = parse(field.value) else {
            return .unreadable(fieldName: field.name, rawValue: field.value)
        }
        return .amount(amount, fieldName: field.name)
    }

    /// Parses an amount text: removes currency signs and codes (`¥` `￥` `$` `CNY` `RMB`), `元`
    /// and all whitespace, works out the separators, then reads a plain decimal (`-1280.50`, `.5`).
    /// nil for `"null"`, empty or anything else (`12abc`, `1e3`).
    ///
    /// Separators: `,` (and `，`) group thousands and `.` marks decimals (`1,280.50`), unless the
    /// text is written the European way: a comma after the last dot (`1.234,56` → 1234.56), a
    /// single comma followed by one or two digits (`12,5` → 12.5), or several dots and no comma
    /// (`1.234.567` → 1234567).
    public static func parse(_ text: String) -> Decimal? {
        var cleaned = text
        for token in ["CNY", "RMB", "cny", "rmb", "Cny", "Rmb"] {
            cleaned = cleaned.replacingOccurrences(of: token, with: "")
        }
        let removed: Set<Character> = ["¥", "￥", "$", "元"]
        cleaned = String(
            cleaned.filter { character in
                !removed.contains(character)
                    && !character.unicodeScalars.allSatisfy { CharacterSet.whitespacesAndNewlines.contains($0) }
            }
        ).replacingOccurrences(of: "，", with: ",")
        cleaned = normalizeSeparators(cleaned)
        guard isPlainDecimal(cleaned) else { return nil }
        return Decimal(string: cleaned, locale: Locale(identifier: "en_US_POSIX"))
    }

    /// Rewrites the separators to "no grouping, `.` for decimals" (see ``parse(_:)``).
    static func normalizeSeparators(_ text: String) -> String {
        let commas = text.filter { $0 == "," }.count
        let dots = text.filter { $0 == "." }.count
        guard commas > 0 || dots > 1 else { return text }
        let lastComma = text.lastIndex(of: ",")
        let lastDot = text.lastIndex(of: ".")
        let european: Bool
        if let lastComma, let lastDot {
            european = lastComma > lastDot
        } else if let lastComma {
            let after = text[text.index(after: lastComma)...]
            european =
                commas == 1 && (1...2).contains(after.count) && after.allSatisfy(\.isASCII)
                && after.allSatisfy(\.isNumber)
        } else {
            // several dots, no comma: dots group thousands when every group after the first has 3 digits
            let groups = text.split(separator: ".", omittingEmptySubsequences: false).dropFirst()
            european = groups.allSatisfy { $0.count == 3 && $0.allSatisfy(\.isNumber) }
            if !european { return text }
        }
        if european {
            return text.replacingOccurrences(of: ".", with: "").replacingOccurrences(of: ",", with: ".")
        }
        return text.replacingOccurrences(of: ",", with: "")
    }

    /// `[+-]?(digits[.digits?]|.digits)`.
    private static func isPlainDecimal(_ text: String) -> Bool {
        var bytes = Array(text.utf8)[...]
        if let first = bytes.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") {
            bytes = bytes.dropFirst()
        }
        var digits = 0
        var seenPoint = false
        for byte in bytes {
            if byte == UInt8(ascii: ".") {
                guard !seenPoint else { return false }
                seenPoint = true
            } else if byte >= 0x30, byte <= 0x39 {
                digits += 1
            } else {
                return false
            }
        }
        return digits > 0
    }
}
