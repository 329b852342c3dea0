import Foundation

/// Everything the UI loop reacts to, through one channel (bottom's design): keys (the terminal
/// became readable), resizes, new snapshots, ticks, and requests to stop. Other threads `post`;
/// the UI thread `wait`s, which also polls the terminal so key reading stays on the thread that
/// owns ncurses.
// unchecked: its queue is under its own lock; signal, feed and input threads post to it.
final class EventChannel: @unchecked Sendable {
    enum Event: Equatable { case input, resize, snapshot, tick, interrupt, terminate(Int32), inputClosed }

    private let lock = NSLock()
    private var queue: [Event] = []
    private var wake: [Int32] = [-1, -1]
    private let inputFD: Int32

    init(inputFD: Int32) throws {
        self.inputFD = inputFD
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw DashboardError.system("pipe: \(String(cString: strerror(errno)))") }
        for fd in fds {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        wake = fds
    }

    deinit { close(wake[0]); close(wake[1]) }

    /// From any thread.
    func post(_ e: Event) {
        lock.lock()
        // A burst of snapshots or resizes needs handling once.
        if (e == .snapshot || e == .resize), queue.contains(e) { lock.unlock(); return }
        queue.append(e)
        lock.unlock()
        var b: UInt8 = 1
        _ = write(wake[1], &b, 1)
    }

    /// Whether `fd` has bytes waiting (FIONREAD); a terminal at end of file or in error has none.
    static func hasBytes(_ fd: Int32) -> Bool {
        var n: Int32 = 0
        let r = withUnsafeMutablePointer(to: &n) { ioctl(fd, UInt(FIONREAD), $0) }
        guard r == 0 else { return false }
        return n > 0
    }

    /// On the UI thread: the events that arrived, waiting at most until `deadline` (monotonic
    /// nanoseconds); `.tick` when the deadline passed.
    func wait(until deadline: UInt64) -> [Event] {
        while true {
            lock.lock()
            if !queue.isEmpty { let q = queue; queue.removeAll(); lock.unlock(); return q }
            lock.unlock()
            let now = DispatchTime.now().uptimeNanoseconds
            if now >= deadline { return [.tick] }
            let ms = Int32(min(UInt64(Int32.max), (deadline - now + 999_999) / 1_000_000))
            var fds = [pollfd(fd: wake[0], events: Int16(POLLIN), revents: 0),
                       pollfd(fd: inputFD, events: Int16(POLLIN), revents: 0)]
            let n = poll(&fds, 2, ms)
            if n < 0 { if errno == EINTR { continue }; return [.tick] }
            var out: [Event] = []
            if fds[0].revents & Int16(POLLIN) != 0 {
                var buf = [UInt8](repeating: 0, count: 64)
                while read(wake[0], &buf, buf.count) > 0 {}
            }
            // A hung-up terminal polls readable (and HUP) for ever while read() gives 0 or EIO:
            // taking that for keys spun a core at 100 % on a deleted pty. Hang-up, error, or
            // "readable" with nothing to read all mean the terminal is gone.
            let r = fds[1].revents
            if r & Int16(POLLHUP | POLLERR | POLLNVAL) != 0 { out.append(.inputClosed) }
            else if r & Int16(POLLIN) != 0 { out.append(Self.hasBytes(inputFD) ? .input : .inputClosed) }
            lock.lock()
            out += queue; queue.removeAll()
            lock.unlock()
            if !out.isEmpty { return out }
        }
    }
}
