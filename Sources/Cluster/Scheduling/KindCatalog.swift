/// The job kinds this build implements, by registry kind name.
public struct KindCatalog: Sendable {
    private let plugins: [String: any JobKindPlugin]

    /// A catalog of `plugins` (the last wins when two share a name).
    public init(_ plugins: [any JobKindPlugin]) {
        var byName: [String: any JobKindPlugin] = [:]
        for plugin in plugins { byName[plugin.name] = plugin }
        self.plugins = byName
    }

    /// The kinds shipped with rtcluster.
    public static let standard = KindCatalog([SegmentKind(), SelftestKind(), DoseKind(), PlanKind()])

    /// Kind names, sorted.
    public var names: [String] { plugins.keys.sorted() }

    /// The plugin of `kind`, or `SchedulerError.kindNotImplemented`.
    public func plugin(_ kind: String) throws -> any JobKindPlugin {
        guard let plugin = plugins[kind] else { throw SchedulerError.kindNotImplemented(kind) }
        return plugin
    }
}
