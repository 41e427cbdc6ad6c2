import Crypto
import Foundation

/// SHA-256 and HMAC-SHA256 through swift-crypto (BoringSSL on Linux, CryptoKit on Apple
/// platforms): row content hashes and the Feishu bot signature. Not named `Digest`, which
/// is a protocol of Crypto.
package enum Hashing {
    /// The lowercase hexadecimal SHA-256 of the UTF-8 bytes of `text`.
    package static func sha256Hex(_ text: String) -> String {
        sha256Hex(Array(text.utf8))
    }

    /// The lowercase hexadecimal SHA-256 of `bytes`.
    static func sha256Hex(_ bytes: [UInt8]) -> String {
        hex(SHA256.hash(data: bytes))
    }

    /// The 32-byte HMAC-SHA256 of `message` under `key`.
    static func hmacSHA256(key: [UInt8], message: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key)))
    }

    /// The HMAC-SHA256 of the UTF-8 `message` under the UTF-8 `key`, base64-encoded (the form
    /// of the Feishu bot signature).
    package static func hmacSHA256Base64(key: String, message: String) -> String {
        Data(hmacSHA256(key: Array(key.utf8), message: Array(message.utf8))).base64EncodedString()
    }

    /// Lowercase hexadecimal text of `bytes`.
    static func hex<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
