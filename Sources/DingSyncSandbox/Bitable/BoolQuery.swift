/// Boolean query parameters of the Bitable API. The reference types them `bool`; the SDKs
/// send them in their language's spelling (lark-oapi for Python sends `True`), so the usual
/// spellings are all taken: `true`/`True`/`TRUE`/`1` and `false`/`False`/`FALSE`/`0`.
/// An empty value counts as absent (false); anything else is refused (1254001).
enum BoolQuery {
    /// The documented boolean query flags (reference §2, §2.2, §2.3, §3.3).
    static let names: Set<String> = [
        "automatic_fields", "text_field_as_array", "with_shared_url", "display_formula_ref",
        "ignore_consistency_check"
    ]

    static func parse(_ text: String) -> Bool? {
        switch text {
        case "true", "True", "TRUE", "1": return true
        case "false", "False", "FALSE", "0", "": return false
        default: return nil
        }
    }
}
