import Foundation
import KwartierCore
#if canImport(Glibc)
import Glibc
#endif

// Line settings are the shared `SerialSettings` (KwartierCore/Model/Transport.swift):
// baud, data bits 7/8, parity N/E/O, stop bits 1/2.

public struct SerialError: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var message: String
    /// errno of the failing call (ENOENT: unplugged; EIO/ENXIO: gone while open).
    public var code: Int32
    public var description: String { "\(path): \(message)" }
}

/// A raw termios serial port (non-blocking fd, reads wait with poll()).
///
/// Set-up follows the project notes: O_RDWR|O_NOCTTY|O_NONBLOCK|O_CLOEXEC, cfmakeraw, CS8 or
/// CS7, PARENB (+PARODD) with INPCK, ISTRIP for 7 data bits, CSTOPB for 2 stop bits,
/// CLOCAL|CREAD, no CRTSCTS, VMIN=0/VTIME=0, and the settings read back and compared because
/// tcsetattr succeeds when only part applied. With 7 data bits the 8th bit is also masked in
/// user space: pty pairs force 8N1 and some USB adapters ignore ISTRIP.
public final class SerialPort {
    public let path: String
    public private(set) var settings: SerialSettings
    /// False when the driver ignored the character size/parity (ptys do); bytes are still masked to 7 bits for 7-bit settings.
    public private(set) var framingApplied = true
    private var fd: Int32 = -1

    public init(path: String, settings: SerialSettings) throws {
        self.path = path
        self.settings = settings
        let f = Glibc.open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)
        if f < 0 { throw SerialPort.error(path, "cannot open", errno) }
        do {
            framingApplied = try SerialPort.configure(f, path: path, settings: settings)
        } catch {
            Glibc.close(f)
            throw error
        }
        fd = f      // assigned last: a throwing init must not leave an fd for deinit to close twice
    }

    deinit { close() }

    public var fileDescriptor: Int32 { fd }
    public var isOpen: Bool { fd >= 0 }

    public func close() {
        if fd >= 0 { Glibc.close(fd); fd = -1 }
    }

    /// Changes speed and framing on the open port (auto-baud), dropping pending input.
    public func reconfigure(_ s: SerialSettings) throws {
        guard fd >= 0 else { throw SerialError(path: path, message: "port is closed", code: EBADF) }
        framingApplied = try SerialPort.configure(fd, path: path, settings: s)
        tcflush(fd, TCIFLUSH)
        settings = s
    }

    /// Waits up to `timeoutMs` for input; returns the number of bytes read (0 = none yet).
    /// Throws when the device is gone (unplugged, pty closed).
    public func read(into buf: UnsafeMutableRawBufferPointer, timeoutMs: Int32) throws -> Int {
        guard fd >= 0 else { throw SerialError(path: path, message: "port is closed", code: EBADF) }
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let r = poll(&p, 1, timeoutMs)
        if r < 0 {
            if errno == EINTR { return 0 }
            throw SerialPort.error(path, "poll failed", errno)
        }
        if r == 0 { return 0 }
        if p.revents & Int16(POLLNVAL) != 0 { throw SerialError(path: path, message: "device closed", code: EBADF) }
        let n = Glibc.read(fd, buf.baseAddress, buf.count)
        if n < 0 {
            if errno == EAGAIN || errno == EINTR { return 0 }
            throw SerialPort.error(path, "read failed (device unplugged?)", errno)
        }
        if n == 0 {
            // Readable but nothing to read: the other side hung up.
            throw SerialError(path: path, message: "device hung up", code: EIO)
        }
        if settings.dataBits == 7 {
            for k in 0..<n { buf[k] &= 0x7F }
        }
        return n
    }

    static func error(_ path: String, _ what: String, _ e: Int32) -> SerialError {
        SerialError(path: path, message: "\(what): \(String(cString: strerror(e)))", code: e)
    }

    static func speed(_ baud: Int) -> speed_t? {
        switch baud {
        case 1200: return speed_t(B1200)
        case 2400: return speed_t(B2400)
        case 4800: return speed_t(B4800)
        case 9600: return speed_t(B9600)
        case 19200: return speed_t(B19200)
        case 38400: return speed_t(B38400)
        case 57600: return speed_t(B57600)
        case 115200: return speed_t(B115200)
        case 230400: return speed_t(B230400)
        default: return nil
        }
    }

    /// Applies the settings; returns false when the driver kept its own character framing.
    @discardableResult
    static func configure(_ fd: Int32, path: String, settings s: SerialSettings) throws -> Bool {
        guard let sp = speed(s.baud) else {
            throw SerialError(path: path, message: "unsupported baud rate \(s.baud) (use 9600 or 115200)", code: EINVAL)
        }
        var t = termios()
        if tcgetattr(fd, &t) != 0 { throw error(path, "not a serial port (tcgetattr)", errno) }
        cfmakeraw(&t)
        t.c_cflag &= ~(tcflag_t(CSIZE | PARENB | PARODD | CSTOPB) | tcflag_t(CRTSCTS))
        t.c_cflag |= tcflag_t(CLOCAL | CREAD)
        t.c_iflag &= ~tcflag_t(IXON | IXOFF | IXANY)
        guard s.dataBits == 7 || s.dataBits == 8, s.stopBits == 1 || s.stopBits == 2 else {
            throw SerialError(path: path, message: "unsupported framing \(s) (use 8N1, 7E1 or similar)", code: EINVAL)
        }
        t.c_cflag |= tcflag_t(s.dataBits == 7 ? CS7 : CS8)
        if s.stopBits == 2 { t.c_cflag |= tcflag_t(CSTOPB) }
        switch s.parity {
        case .none: break
        case .even: t.c_cflag |= tcflag_t(PARENB); t.c_iflag |= tcflag_t(INPCK)
        case .odd: t.c_cflag |= tcflag_t(PARENB | PARODD); t.c_iflag |= tcflag_t(INPCK)
        }
        if s.dataBits == 7 { t.c_iflag |= tcflag_t(ISTRIP) }
        withUnsafeMutableBytes(of: &t.c_cc) { cc in
            cc[Int(VMIN)] = 0
            cc[Int(VTIME)] = 0
        }
        cfsetispeed(&t, sp)
        cfsetospeed(&t, sp)
        if tcsetattr(fd, TCSANOW, &t) != 0 { throw error(path, "tcsetattr failed", errno) }
        var back = termios()
        if tcgetattr(fd, &back) != 0 { throw error(path, "tcgetattr failed", errno) }
        guard cfgetispeed(&back) == sp, cfgetospeed(&back) == sp else {
            throw SerialError(path: path, message: "the driver did not accept \(s.baud) Bd", code: EINVAL)
        }
        // A pty (socat, ser2net's pty mode) forces CS8 and no parity. 7E1 still reads right:
        // a 7E1 character taken as 8N1 is its 7 data bits plus the parity bit as bit 7, which
        // read() masks off. Only the parity check is lost.
        let mask = tcflag_t(CSIZE | PARENB)
        return back.c_cflag & mask == t.c_cflag & mask
    }
}
