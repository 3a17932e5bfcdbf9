using Dcnet.Sdn;
using FsCheck.Xunit;

namespace Dcnet.Tests.Sdn;

/// <summary>Names and header-space values: the OVN name mapping and port-set algebra.</summary>
public class SdnValueTests
{
    [Theory]
    [InlineData("app-001", "pg_app_001")]
    [InlineData("app_001", "pg_app._001")]
    [InlineData("web", "pg_web")]
    [InlineData("a.b", "pg_a.002e.b")]
    public void Group_names_map_to_ovn_identifiers_without_dashes(string group, string expected)
    {
        Assert.Equal(expected, OvnNames.PortGroup(group));
        Assert.Matches("^[a-zA-Z_.][a-zA-Z_.0-9]*$", OvnNames.PortGroup(group));
    }

    [Property(MaxTest = 300)]
    public bool The_port_group_mapping_is_injective(string a, string b) =>
        a is null || b is null || a == b || OvnNames.PortGroup(a) != OvnNames.PortGroup(b);

    [Fact]
    public void Acl_names_keep_to_63_safe_characters()
    {
        string name = OvnNames.AclName("rule12:" + new string('x', 100) + ",\"weird\"/ipv6");
        Assert.True(name.Length <= OvnNames.MaxAclName);
        Assert.Matches("^[A-Za-z0-9_.:/~-]+$", name);
        Assert.StartsWith("rule12:", name, StringComparison.Ordinal);
        Assert.EndsWith("/ipv6", name, StringComparison.Ordinal);
    }

    private static PortSet Random(int seed)
    {
        var r = new Random(seed);
        return PortSet.Of(Enumerable.Range(0, r.Next(0, 5)).Select(_ =>
        {
            int a = r.Next(0, 200), b = a + r.Next(0, 30);
            return new PortRange((ushort)a, (ushort)b);
        }));
    }

    private static bool[] Bits(PortSet s) => Enumerable.Range(0, 256).Select(s.Contains).ToArray();

    /// <summary>The interval algebra agrees with its slow twin, a bitmap of ports.</summary>
    [Property(MaxTest = 300)]
    public void Port_set_algebra_matches_a_bitmap(int seedA, int seedB)
    {
        var a = Random(seedA);
        var b = Random(seedB);
        bool[] x = Bits(a), y = Bits(b);
        Assert.Equal(x.Zip(y, (p, q) => p && q), Bits(a.Intersect(b)));
        Assert.Equal(x.Zip(y, (p, q) => p || q), Bits(a.Union(b)));
        Assert.Equal(x.Zip(y, (p, q) => p && !q), Bits(a.Except(b)));
        Assert.Equal(x.Count(v => v), a.Count);
    }

    [Fact]
    public void Port_sets_print_as_ports_and_ranges()
    {
        Assert.Equal("443,8000-8100", PortSet.Of([new PortRange(8000, 8100), new PortRange(443, 443)]).ToString());
        Assert.Equal("all", PortSet.All.ToString());
        Assert.Equal("0-22,24-65535", PortSet.All.Except(PortSet.Single(23)).ToString());
    }
}
