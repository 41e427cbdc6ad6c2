/// The Feishu custom-bot signature: base64(HMAC-SHA256(key: "\(timestamp)\n\(secret)", message: "")).
enum FeishuBotSignature {
    static func sign(timestamp: String, secret: String) -> String {
        Base64.encode(Hashing.hmacSHA256(key: Array("\(timestamp)\n\(secret)".utf8), message: []))
    }
}
