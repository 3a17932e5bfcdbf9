using System.Globalization;
using Dcnet.Checks;
using Dcnet.Topology;

namespace Dcnet.Vlans;

/// <summary>802.1Q: VLAN ids and their use.</summary>
public sealed class VlanChecks : ICheck
{
    public static readonly Rule VlanReused = new(
        "VLAN001", Foundation.Vlans, Severity.Error,
        "One VLAN id used by two networks",
        "Two networks on the same VLAN id share one broadcast domain on every trunk that carries both: their ARP, DHCP and traffic mix, and the address plans collide.",
        "Give each network its own VLAN id.");

    public IReadOnlyList<Rule> Rules => [VlanReused];

    public IEnumerable<Finding> Run(Network network)
    {
        foreach (var group in network.Segments.Where(s => s.Vlan is not null).GroupBy(s => s.Vlan!.Value).Where(g => g.Count() > 1).OrderBy(g => g.Key))
        {
            var list = group.OrderBy(s => s.Index).ToList();
            foreach (var s in list.Skip(1))
            {
                yield return new Finding
                {
                    Rule = VlanReused,
                    Severity = Severity.Error,
                    Message = string.Create(CultureInfo.InvariantCulture, $"VLAN {group.Key} is used by network '{s.Name}' and by network '{list[0].Name}' (line {list[0].Design.LocationOf("vlan").Line})"),
                    Objects = list.Select(x => x.Name).ToList(),
                    Location = s.Design.LocationOf("vlan"),
                };
            }
        }
    }
}
