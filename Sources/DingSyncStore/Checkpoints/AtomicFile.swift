import Foundation

/// Whole-file writes that leave either the old or the new content, never a torn one.
public enum AtomicFile {
    /// Files are created owner-only (0600) by default: checkpoints and exports name people and hold form contents.
    public static func write(_ data: Data, to path: String, permissions: Int = 0o600) throws {
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        let temp = "\(path).tmp-\(getpid())"
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC, mode_t(permissions))
        guard fd >= 0 else { throw POSIXFileError(path: temp, code: errno) }
        close(fd)
        chmod(temp, mode_t(permissions))  // whatever the umask
        do {
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: temp))
            try handle.write(contentsOf: data)
            try handle.synchronize()
            try handle.close()
            guard rename(temp, path) == 0 else { throw POSIXFileError(path: path, code: errno) }
        } catch {
            try? FileManager.default.removeItem(atPath: temp)
            throw error
        }
    }
}

extension AtomicFile {
    /// The reason of a write error in a few words ("No space left on device").
    public static func reason(_ error: Error) -> String {
        if let posix = error as? POSIXFileError { return posix.reason }
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        if ns.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(ns.code))) }
        return ns.localizedDescription
    }
}

/// A file system call that failed, with its path and the system's reason.
public struct POSIXFileError: Error, LocalizedError {
    public var path: String
    public var code: Int32
    public init(path: String, code: Int32) {
        self.path = path
        self.code = code
    }
    public var reason: String { String(cString: strerror(code)) }
    public var errorDescription: String? { "\(path): \(reason)" }
}
