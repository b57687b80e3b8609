//! Returning freed memory to the operating system between stages.
//!
//! glibc's allocator keeps memory a program freed for its next allocations
//! instead of giving it back, and the build's stages allocate differently
//! (the list items of one stage, the search postings of the next), so the
//! peak resident memory grew by what one stage left behind. Between stages
//! the build asks glibc to give the free memory back (`malloc_trim`).
//! Elsewhere this does nothing.

/// Gives memory freed so far back to the operating system, where the
/// allocator allows it.
pub fn give_back() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free memory held by the allocator;
    // it takes no pointers and is safe to call at any time.
    unsafe {
        libc::malloc_trim(0);
    }
}
