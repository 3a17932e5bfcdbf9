using Dcnet.Topology;

namespace Dcnet.Checks;

/// <summary>Every check dcnet runs, in one place. docs/checks.md is generated from here.</summary>
public static class CheckRegistry
{
    private static readonly Lazy<IReadOnlyList<ICheck>> LazyChecks = new(() =>
    [
        new AddressingChecks(),
        new FabricChecks(),
        new Vlans.VlanChecks(),
        new PathMtu.MtuChecks(),
        new Bgp.AsnChecks(),
        new Bonding.BondChecks(),
        new Bgp.SessionChecks(),
        new Sdn.SdnChecks(),
    ]);

    public static IReadOnlyList<ICheck> Checks => LazyChecks.Value;

    /// <summary>Every rule, sorted by foundation then id.</summary>
    public static IReadOnlyList<Rule> Rules =>
        Checks.SelectMany(c => c.Rules).OrderBy(r => r.Foundation).ThenBy(r => r.Id, StringComparer.Ordinal).ToList();

    /// <summary>Runs every check and returns the findings in report order.</summary>
    public static IReadOnlyList<Finding> Run(Network network) =>
        Sort(Checks.SelectMany(c => c.Run(network)));

    /// <summary>Report order: foundation, worst first, rule id, position in the file, message.</summary>
    public static IReadOnlyList<Finding> Sort(IEnumerable<Finding> findings) => findings
        .OrderBy(f => f.Rule.Foundation)
        .ThenByDescending(f => f.Severity)
        .ThenBy(f => f.Rule.Id, StringComparer.Ordinal)
        .ThenBy(f => f.Location.Line)
        .ThenBy(f => f.Location.Column)
        .ThenBy(f => f.Message, StringComparer.Ordinal)
        .ToList();
}
