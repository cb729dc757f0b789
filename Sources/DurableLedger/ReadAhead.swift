import Foundation
import PoolLedger

/// Reading and decoding input on a second core while this one folds and
/// stores it: a producer thread runs `produce` (the file's reader and the
/// parser: fact lines, raw logs), handing items over in batches through a
/// short bounded queue; the caller's thread takes them in order. The first
/// error of either side ends both, and the producer's error arrives after
/// every item read before it, so the failure reported is the first in file
/// order, as when one thread does both. The thread is joined before this returns.
///
/// Batches the caller is done with go back to the producer, which drops
/// them: the memory of an item is freed by the thread that allocated it
/// (freeing another thread's allocations contends for its allocator), and
/// the folding core is spared the work.
enum ReadAhead {
    /// What the two threads share, behind one condition lock.
    private final class Channel<Item>: @unchecked Sendable {
        let condition = NSCondition()
        var batches: [[Item]] = []
        /// Batches taken and done with, for the producer to drop.
        var spent: [[Item]] = []
        var finished = false
        var failure: (any Error)?
        var cancelled = false
        let done = DispatchSemaphore(value: 0)
    }

    private struct Cancelled: Error {}

    /// The producer's work, moved to its thread (it owns the reader from then on).
    private final class Work<Item>: @unchecked Sendable {
        let produce: ((Item) throws -> Void) throws -> Void
        init(_ produce: @escaping ((Item) throws -> Void) throws -> Void) { self.produce = produce }
    }

    static let batchSize = 2048
    static let depth = 8

    static func forEach<Item>(_ produce: @escaping ((Item) throws -> Void) throws -> Void, _ body: (Item) throws -> Void) throws {
        let channel = Channel<Item>()
        let work = Work(produce)
        let thread = Thread {
            var batch: [Item] = []
            batch.reserveCapacity(batchSize)
            func push(_ logs: [Item]) throws {
                var spent: [[Item]] = []
                // Dropped here, outside the lock.
                defer { spent.removeAll() }
                channel.condition.lock()
                defer { channel.condition.unlock() }
                while channel.batches.count >= depth && !channel.cancelled { channel.condition.wait() }
                if channel.cancelled { throw Cancelled() }
                channel.batches.append(logs)
                swap(&spent, &channel.spent)
                channel.condition.broadcast()
            }
            do {
                try work.produce { item in
                    batch.append(item)
                    if batch.count == batchSize {
                        try push(batch)
                        batch.removeAll(keepingCapacity: true)
                    }
                }
                if !batch.isEmpty { try push(batch) }
                channel.condition.lock()
                channel.finished = true
            } catch {
                // The items read before the failure go first: the consumer may fail on one of them.
                if !(error is Cancelled) && !batch.isEmpty { try? push(batch) }
                channel.condition.lock()
                if !(error is Cancelled) { channel.failure = error }
                channel.finished = true
            }
            channel.condition.broadcast()
            channel.condition.unlock()
            channel.done.signal()
        }
        thread.stackSize = 8 << 20
        thread.start()
        defer {
            // Stop the producer (if the consumer failed) and wait for it.
            channel.condition.lock()
            channel.cancelled = true
            channel.condition.broadcast()
            channel.condition.unlock()
            channel.done.wait()
        }
        var done: [Item]?
        while true {
            channel.condition.lock()
            if let batch = done.take() { channel.spent.append(batch) }
            while channel.batches.isEmpty && !channel.finished { channel.condition.wait() }
            if channel.batches.isEmpty {
                let failure = channel.failure
                channel.condition.unlock()
                if let failure { throw failure }
                return
            }
            let batch = channel.batches.removeFirst()
            channel.condition.broadcast()
            channel.condition.unlock()
            // Each item lent to `body`, not copied out (a copy retains everything it holds).
            for index in batch.indices { try body(batch[index]) }
            done = consume batch
        }
    }
}
