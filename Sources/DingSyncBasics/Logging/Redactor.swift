import Foundation

/// Removes secrets and tokens from text before it reaches a log line or an error message.
///
/// Two rules: every configured secret value is replaced wherever it appears, and
/// well-known token shapes (query parameters, JSON keys, headers, webhook hook ids)
/// are masked whatever their value.
public struct Redactor: Sendable {
    public static let mask = "***"
    private let secrets: [String]

    public init(secrets: [String] = []) {
        self.secrets = secrets.filter { $0.count >= 4 }.sorted { $0.count > $1.count }
    }

    private static let patterns: [NSRegularExpression] = [
        // access_token=…, appsecret=…, app_secret=…, client_secret=… in URLs and form bodies
        #"(?i)((?:access_token|appsecret|app_secret|appkey_secret|client_secret|tenant_access_token|sign)=)[^&\s"']+"#,
        // JSON keys holding tokens or secrets
        #"(?i)("(?:access_token|accessToken|tenant_access_token|app_access_token|appSecret|app_secret|secret|password|sign)"\s*:\s*")[^"]*"#,
        // headers
        #"(?i)((?:x-acs-dingtalk-access-token|authorization)\s*[:=]\s*(?:Bearer\s+)?)[^\s,"']+"#,
        #"(?i)(Bearer\s+)[A-Za-z0-9._\-]+"#,
        // Feishu bot webhook ids
        #"(/open-apis/bot/v2/hook/)[A-Za-z0-9\-]+"#
    ].compactMap { try? NSRegularExpression(pattern: $0) }

    /// The text with every secret and token masked.
    public func redact(_ text: String) -> String {
        var result = text
        for secret in secrets where result.contains(secret) {
            result = result.replacingOccurrences(of: secret, with: Self.mask)
        }
        for pattern in Self.patterns {
            let range = NSRange(result.startIndex..., in: result)
            result = pattern.stringByReplacingMatches(in: result, range: range, withTemplate: "$1\(Self.mask)")
        }
        return result
    }
}
