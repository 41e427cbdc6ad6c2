#if canImport(Glibc)
    import CMalloc
#endif

/// Keeps the resident memory of a long run flat (issue 12: ≤ 150 MB at 100,000 instances).
///
/// glibc gives each thread that allocates its own malloc arena (up to 8 per core); the
/// concurrency pool, URLSession's thread and SQLite all allocate, and memory freed in one
/// arena is not reused by another, so RSS crept up with the number of instances (114 MB at
/// 10,000 instances with the default, 88.5 MB with two arenas, measured with `scripts/bench`).
public enum MemoryTuning {
    /// Call first thing in `main`, before other threads allocate.
    public static func limitArenas() {
        #if canImport(Glibc)
            _ = mallopt(M_ARENA_MAX, 2)
        #endif
    }

    /// Returns freed memory to the system (after each chunk of a sync).
    public static func releaseFreed() {
        #if canImport(Glibc)
            _ = malloc_trim(0)
        #endif
    }
}
