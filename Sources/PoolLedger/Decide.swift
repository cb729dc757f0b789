import PoolMath

/// `decide(command, state) -> [fact]`: checks an intent against the current
/// pool and turns it into the facts that record it. The one dispatcher: a
/// `create_pool` opens a pool of any model; every other command goes to its
/// pool's model (`Models/<Model>/<Model>Decide.swift`), and a command the
/// model does not take is refused here, once, as `UNSUPPORTED_MODEL`.
public enum Decide {
    public static func decide(_ command: Command, _ pool: PoolState?) throws(Rejection) -> [Fact] {
        let body: FactBody
        if case .createPool(let created) = command.body {
            guard pool == nil else { throw Rejection(.poolExists, "pool \(quoted(created.pool)) already exists") }
            body = .poolCreated(created)
        } else {
            guard let pool else { throw Rejection(.unknownPool, "no pool \(quoted(command.pool)) exists") }
            let decided: FactBody?
            switch pool.body {
            case .constantProduct(let pair): decided = try pair.decide(command, header: pool.header)
            case .concentrated(let v3): decided = try v3.decide(command, header: pool.header)
            }
            guard let decided else {
                throw Rejection(.unsupportedModel, "pool \(quoted(pool.pool)) is \(pool.model.displayName): it takes no \(command.body.commandName)")
            }
            body = decided
        }
        return [Fact(body, id: command.id, time: command.time, block: command.block)]
    }

    /// A swap command's token: true when it is token0 of the pool, false for token1.
    static func direction(token: String, field: String, _ header: PoolHeader) throws(Rejection) -> Bool {
        if token == header.token0 { return true }
        if token == header.token1 { return false }
        throw Rejection(.unknownToken, "\(field) \(quoted(token)) is neither token0 \(quoted(header.token0)) nor token1 \(quoted(header.token1))")
    }
}
