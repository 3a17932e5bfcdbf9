using System.Globalization;
using Dcnet.Checks;
using Dcnet.Design;
using Dcnet.Topology;

namespace Dcnet.Bgp;

/// <summary>The AS number plan.</summary>
public sealed class AsnChecks : ICheck
{
    public static readonly Rule DuplicateAsn = new(
        "BGP001", Foundation.Bgp, Severity.Error,
        "Leaf AS reused where the plan requires unique ASNs",
        "With one AS per leaf (RFC 7938), a leaf drops every route whose AS path already holds its own AS (loop prevention), so two leaves sharing an AS never learn each other's prefixes unless allowas-in is set; a spine sharing a leaf's AS breaks every path through it.",
        "Give every leaf its own AS, or use leaf-scheme per-pair/shared, which configures allowas-in.");

    public IReadOnlyList<Rule> Rules => [DuplicateAsn];

    /// <summary>The first prefix <paramref name="receiver"/> drops because it comes from <paramref name="origin"/>, which shares its AS.</summary>
    private static string Dropped(BgpModel model, Switch receiver, Switch origin)
    {
        var r = model.Find(receiver.Name);
        var o = model.Find(origin.Name);
        if (r is null || o is null)
        {
            return "";
        }

        var lost = o.Networks(IpFamily.Ipv4).Concat(o.Networks(IpFamily.Ipv6)).Where(p => !r.Originates(p)).ToList();
        return lost.Count == 0 ? "" : string.Create(CultureInfo.InvariantCulture,
            $" (the AS path of {origin.Name}'s {lost[0]} holds AS {origin.Asn}, so {receiver.Name} drops it{(lost.Count > 1 ? $", and {lost.Count - 1} more" : "")})");
    }

    public IEnumerable<Finding> Run(Network network)
    {
        var plan = network.Design.Fabric.Asn;
        var model = BgpModel.Of(network);
        if (plan.LeafScheme == LeafAsScheme.PerLeaf)
        {
            foreach (var g in network.Leaves.GroupBy(l => l.Asn).Where(g => g.Count() > 1))
            {
                var leaves = g.OrderBy(l => l.Index).ToList();
                for (int i = 1; i < leaves.Count; i++)
                {
                    yield return new Finding
                    {
                        Rule = DuplicateAsn,
                        Severity = Severity.Error,
                        Message = string.Create(CultureInfo.InvariantCulture, $"{leaves[i].Name} has AS {g.Key}, already used by {leaves[0].Name}; with leaf-scheme per-leaf and no allowas-in each drops the other's prefixes") + Dropped(model, leaves[i], leaves[0]),
                        Objects = leaves.Select(l => l.Name).ToList(),
                        Location = plan.LocationOf(string.Create(CultureInfo.InvariantCulture, $"leaves[{leaves[i].Index}]")),
                    };
                }
            }
        }

        foreach (var leaf in network.Leaves.Where(l => l.Asn == plan.Spine))
        {
            yield return new Finding
            {
                Rule = DuplicateAsn,
                Severity = Severity.Error,
                Message = string.Create(CultureInfo.InvariantCulture, $"{leaf.Name} has AS {leaf.Asn}, the spines' AS; eBGP to the spines becomes iBGP and leaf routes are not re-advertised"),
                Objects = [leaf.Name],
                Location = plan.Leaves is not null ? plan.LocationOf(string.Create(CultureInfo.InvariantCulture, $"leaves[{leaf.Index}]")) : plan.LocationOf("leaf-base"),
            };
        }
    }
}
