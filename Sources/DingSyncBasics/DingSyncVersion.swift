/// The version printed by `dingsync --version`.
public enum DingSyncVersion {
    public static let current = "0.1.0"
}
