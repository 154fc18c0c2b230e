//! Giving memory back. With glibc's defaults a server that once hashed a burst of passwords
//! (19 MiB each) or held many request bodies keeps that memory for good: the threshold above
//! which allocations get their own mapping rises to the largest block ever freed, so later
//! 19 MiB blocks come from the heap and stay there, and every thread that allocates gets an
//! arena of its own. Fixing the threshold at 1 MiB sends large blocks (hashes, bodies) to their
//! own mappings, returned to the system when freed; two arenas keep fragmentation across the
//! runtime's threads small. `docs/memory.md` has the figures behind this.

/// Applies the allocator settings, unless the operator set `GLIBC_TUNABLES` (theirs win) or
/// the binary was built with mimalloc.
pub fn tune_allocator() {
    #[cfg(all(target_os = "linux", target_env = "gnu", not(feature = "mimalloc")))]
    if std::env::var_os("GLIBC_TUNABLES").is_none() {
        // SAFETY: mallopt only changes the allocator's parameters (it takes the allocator's
        // own locks); called at start, before the runtime's threads exist.
        unsafe {
            libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
            libc::mallopt(libc::M_ARENA_MAX, 2);
        }
    }
}
