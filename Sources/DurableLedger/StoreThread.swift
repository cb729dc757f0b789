import Foundation
import LedgerStore

/// Hashing and inserting a batch's records on a second core while this one
/// folds the next facts: the fold hands over records (numbered, with their
/// stream versions) in batches through a short bounded queue, and a thread
/// of its own appends them in order, through the SQLite C API only
/// (`RecordAppender`). A hand-over may end with a snapshot of the state at
/// its last record, stored after that record, so a snapshot does not hold
/// up the fold. Whoever else needs the connection (a lookup by id or of a
/// stream's version, the head at the end) first waits for the thread to be
/// done with everything handed over (`drain`); the first failure of the
/// thread is thrown there, or at the next hand-over. `stop` joins the thread; it
/// must run before the transaction ends, committed or rolled back.
final class StoreThread: @unchecked Sendable {
    private let condition = NSCondition()
    private var queue: [(records: [NewRecord], versions: [UInt64], snapshot: (seq: UInt64, state: [UInt8])?)] = []
    private var busy = false
    private var stopping = false
    private var failure: (any Error)?
    private let appender: RecordAppender
    private let finished = DispatchSemaphore(value: 0)

    static let depth = 4

    init(_ appender: RecordAppender) {
        self.appender = appender
        let thread = Thread { [self] in run() }
        thread.stackSize = 1 << 20
        thread.start()
    }

    private func run() {
        while true {
            condition.lock()
            while queue.isEmpty && !stopping { condition.wait() }
            if queue.isEmpty {
                condition.unlock()
                break
            }
            let batch = queue.removeFirst()
            busy = true
            condition.unlock()
            var error: (any Error)?
            do {
                try appender.append(batch.records, versions: batch.versions)
                if let (seq, state) = batch.snapshot { try appender.saveSnapshot(seq: seq, state: state) }
            } catch let thrown { error = thrown }
            condition.lock()
            busy = false
            if let error {
                failure = error
                // What was handed over after a failure is not stored: the batch fails.
                queue.removeAll()
            }
            condition.broadcast()
            condition.unlock()
        }
        finished.signal()
    }

    /// Hands records over (waiting while the queue is full), and a snapshot of
    /// the state at the last of them; throws the thread's failure, if any.
    func submit(_ records: [NewRecord], versions: [UInt64], snapshot: (seq: UInt64, state: [UInt8])? = nil) throws {
        condition.lock()
        defer { condition.unlock() }
        while queue.count >= Self.depth && failure == nil { condition.wait() }
        if let failure { throw failure }
        queue.append((records, versions, snapshot))
        condition.broadcast()
    }

    /// Waits until every record handed over is stored; returns the last one's head.
    func drain() throws -> Head {
        condition.lock()
        defer { condition.unlock() }
        while (!queue.isEmpty || busy) && failure == nil { condition.wait() }
        if let failure { throw failure }
        return appender.head
    }

    /// Drops what is not yet stored, waits for the batch in hand and joins the thread.
    func stop() {
        condition.lock()
        guard !stopping else {
            condition.unlock()
            return
        }
        stopping = true
        queue.removeAll()
        condition.broadcast()
        condition.unlock()
        finished.wait()
    }
}
