import Foundation
import PoolLedger

/// An error already phrased for the user; the tool prints it and exits 1.
struct Failure: Error {
    var message: String
}

enum Terminal {
    static func error(_ message: String) {
        FileHandle.standardError.write(Data((message.hasSuffix("\n") ? message : message + "\n").utf8))
    }

    static func output(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) != 0 }

    /// A progress line on a terminal (rewritten in place); nothing when stderr is not a terminal.
    static func progress(_ message: String) {
        guard stderrIsTerminal else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K\(message)".utf8))
    }

    static func endProgress() {
        guard stderrIsTerminal else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }

    /// The bytes of FILE, or of standard input for "-".
    static func read(_ path: String) throws -> [UInt8] {
        if path == "-" {
            return Array(FileHandle.standardInput.readDataToEndOfFile())
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Failure(message: "cannot read \(path): no such file or not readable")
        }
        return Array(data)
    }

    /// The lines of FILE (or standard input for "-"), read 1 MiB at a time as
    /// they are needed: imports stream, whatever the file's size.
    static func lines(_ path: String) throws -> JSONLines.Reader {
        let handle: FileHandle
        if path == "-" {
            handle = FileHandle.standardInput
        } else {
            guard let opened = FileHandle(forReadingAtPath: path) else {
                throw Failure(message: "cannot read \(path): no such file or not readable")
            }
            handle = opened
        }
        let descriptor = handle.fileDescriptor
        return JSONLines.Reader(reading: { buffer in
            // read(2) straight into the reader's buffer: no Data, no new array per piece.
            var count = -1
            repeat { count = Glibc.read(descriptor, buffer.baseAddress, buffer.count) } while count < 0 && errno == EINTR
            if count < 0 {
                let failure = errno
                throw Failure(message: "cannot read \(path): \(String(cString: strerror(failure)))")
            }
            _ = handle  // kept open while the reader reads
            return count
        }, size: 1 << 20)
    }

    /// Writes lines to FILE (or standard output for nil) in 1 MiB pieces, so
    /// long outputs are streamed rather than held whole.
    static func writeLines(to path: String?, _ produce: ((String) -> Void) throws -> Void) throws {
        let output: FileHandle
        if let path {
            guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
                throw Failure(message: "cannot write \(path)")
            }
            output = handle
        } else {
            output = FileHandle.standardOutput
        }
        defer { if path != nil { try? output.close() } }
        var buffer = ""
        try produce { line in
            buffer += line
            buffer += "\n"
            if buffer.utf8.count >= 1 << 20 {
                output.write(Data(buffer.utf8))
                buffer = ""
            }
        }
        output.write(Data(buffer.utf8))
    }

    static func write(_ text: String, to path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else {
            throw Failure(message: "cannot write \(path)")
        }
    }
}
