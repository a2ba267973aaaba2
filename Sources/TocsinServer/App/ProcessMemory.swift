import Foundation

/// The process's own memory, as the C library's allocator holds it.
enum ProcessMemory {
    /// Gives the allocator's free pages back to the system (glibc's `malloc_trim`). Reading the MISP warninglists
    /// at start allocates and frees about 10 MB; glibc keeps freed pages in its arenas, resident, where a later
    /// allocation of another thread may never reuse them. Does nothing where the C library has no such call (musl).
    static func releaseFreePages() {
        #if os(Linux)
        typealias Trim = @convention(c) (Int) -> Int32
        guard let symbol = dlsym(nil, "malloc_trim") else { return }
        _ = unsafeBitCast(symbol, to: Trim.self)(0)
        #endif
    }
}
