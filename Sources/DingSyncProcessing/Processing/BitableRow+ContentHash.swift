import DingSyncBasics
import Foundation

extension BitableRow {
    /// Columns left out of the content hash: they change on every write without the
    /// instance having changed.
    public static let unhashedFieldNames: Set<String> = [MainTableColumn.syncedAt.rawValue]

    /// SHA-256 (lowercase hex) of ``canonicalSerialization``: equal for rows with equal
    /// values whatever the run, platform or column order; `synced_at` excluded.
    public var contentHash: String {
        Hashing.sha256Hex(canonicalSerialization)
    }

    /// The text the content hash is computed over, version-tagged:
    ///
    ///     dingsync-row-v1\n
    ///     <utf8 length of name>:<name>=<type tag>:<utf8 length of value>:<canonical value>\n  …
    ///
    /// one line per field except ``unhashedFieldNames``, sorted by the UTF-8 bytes of the name;
    /// type tags and canonical values as in ``FieldValue/typeTag`` and
    /// ``FieldValue/canonicalString``. Length prefixes make the text unambiguous whatever the
    /// values contain. Changing this format changes every hash (every row is rewritten once).
    public var canonicalSerialization: String {
        let hashed =
            fields
            .filter { !Self.unhashedFieldNames.contains($0.name) }
            .sorted { Array($0.name.utf8).lexicographicallyPrecedes(Array($1.name.utf8)) }
        var text = "dingsync-row-v1\n"
        for field in hashed {
            let value = field.value.canonicalString
            text += "\(field.name.utf8.count):\(field.name)=\(field.value.typeTag):\(value.utf8.count):\(value)\n"
        }
        return text
    }
}
