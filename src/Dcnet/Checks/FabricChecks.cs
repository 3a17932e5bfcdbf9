using Dcnet.Topology;

namespace Dcnet.Checks;

/// <summary>Placement of hosts on the fabric.</summary>
public sealed class FabricChecks : ICheck
{
    public static readonly Rule UnknownLeaf = new(
        "FAB001", Foundation.Fabric, Severity.Error,
        "Host group placed on a leaf that does not exist",
        "A host group's 'leaves' names a leaf the fabric does not have (often after the leaf count shrank). Its hosts are spread over the remaining leaves, so racks, uplinks and failure domains differ from the plan.",
        "Name leaves that exist (leaf-01 up to the fabric's leaf count), or raise fabric.leaves.");

    public static readonly Rule NoLeaf = new(
        "FAB002", Foundation.Fabric, Severity.Error,
        "Host group with no leaf to attach to",
        "None of the leaves a host group names exist, so its hosts have no uplink at all.",
        "Name at least one existing leaf.");

    public IReadOnlyList<Rule> Rules => [UnknownLeaf, NoLeaf];

    public IEnumerable<Finding> Run(Network network)
    {
        foreach (var g in network.HostGroups)
        {
            foreach (var (leaf, at) in g.UnknownLeaves)
            {
                yield return new Finding
                {
                    Rule = UnknownLeaf,
                    Severity = Severity.Error,
                    Message = $"host group '{g.Name}' is placed on '{leaf}', but the fabric has {network.Leaves.Count} leaves ({Names.Leaf(0)} to {Names.Leaf(network.Leaves.Count - 1)})",
                    Objects = [g.Name, leaf],
                    Location = at,
                };
            }

            if (g.Hosts.Count > 0 && g.Hosts[0].Leaves.Count == 0)
            {
                yield return new Finding
                {
                    Rule = NoLeaf,
                    Severity = Severity.Error,
                    Message = $"host group '{g.Name}' ({g.Hosts.Count} hosts) has no leaf to attach to",
                    Objects = [g.Name],
                    Location = g.Design.LocationOf("leaves"),
                };
            }
        }
    }
}
