import Foundation

/// Appends lines to a log file and rotates it by size: `sync.log` → `sync.log.1` … `sync.log.N`.
///
/// Rotation happens before a write that would take the file past `maxBytes`; the oldest
/// backup beyond `backupCount` is removed. With `backupCount` 0 the file is truncated.
/// Thread-safe; write errors are swallowed after one report on stderr (logging never
/// stops a sync).
public final class RotatingFileWriter: @unchecked Sendable {
    public let path: String
    public let maxBytes: Int
    public let backupCount: Int
    private let lock = NSLock()
    private var handle: FileHandle?
    private var size = 0
    private var reportedFailure = false

    public init(path: String, maxBytes: Int, backupCount: Int) throws {
        self.path = path
        self.maxBytes = max(1, maxBytes)
        self.backupCount = max(0, backupCount)
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        try open()
    }

    deinit { try? handle?.close() }

    private func open() throws {
        if !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o640])
            else {
                throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
            }
        }
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        size = Int(try h.seekToEnd())
        handle = h
    }

    /// Writes one line (a newline is added).
    public func write(line: String) {
        let data = Data((line + "\n").utf8)
        lock.lock()
        defer { lock.unlock() }
        do {
            if size > 0, size + data.count > maxBytes { try rotate() }
            if handle == nil { try open() }
            try handle?.write(contentsOf: data)
            size += data.count
        } catch {
            if !reportedFailure {
                reportedFailure = true
                FileHandle.standardError.write(
                    Data("warning: cannot write log file \(path): \(error.localizedDescription)\n".utf8))
            }
        }
    }

    private func rotate() throws {
        try handle?.close()
        handle = nil
        let fm = FileManager.default
        if backupCount == 0 {
            try? fm.removeItem(atPath: path)
        } else {
            try? fm.removeItem(atPath: "\(path).\(backupCount)")
            if backupCount > 1 {
                for index in stride(from: backupCount - 1, through: 1, by: -1)
                where fm.fileExists(atPath: "\(path).\(index)") {
                    try fm.moveItem(atPath: "\(path).\(index)", toPath: "\(path).\(index + 1)")
                }
            }
            try fm.moveItem(atPath: path, toPath: "\(path).1")
        }
        try open()
    }
}
