#if canImport(Glibc)
import Glibc
#endif

/// Pushes what `print` buffered out now (a pipe reader waits for whole lines). `fflush(NULL)`
/// flushes every output stream: naming `stdout`, a mutable C global, is refused by Swift 6.
func flushStandardOutput() { fflush(nil) }
