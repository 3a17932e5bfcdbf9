using System.Reflection;
using Dcnet.Topology;

namespace Dcnet.Tests.Topology;

/// <summary>
/// ReadyToRun precompiles no method that touches a UInt128, not even one reading another field of a class that holds
/// one, so such a field in a type that start-up code reads sends all that code to the JIT (BENCHMARKS.md, start-up).
/// The resolved network and the BGP model are read by every check: they keep their 128-bit numbers as Packed128.
/// </summary>
public class StartupLayoutTests
{
    [Fact]
    public void No_type_of_the_resolved_network_or_the_bgp_model_holds_a_uint128_field()
    {
        const BindingFlags All = BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;
        string[] namespaces = ["Dcnet.Topology", "Dcnet.Bgp"];
        var offenders = typeof(Network).Assembly.GetTypes()
            .Where(t => namespaces.Contains(t.Namespace) && t.DeclaringType?.Name != nameof(Resolver)) // the resolver's private allocator runs once
            .SelectMany(t => t.GetFields(All).Where(f => (Nullable.GetUnderlyingType(f.FieldType) ?? f.FieldType) == typeof(UInt128)).Select(f => t.FullName + "." + f.Name))
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.Empty(offenders);
    }

    [Theory]
    [InlineData(0UL, 0UL)]
    [InlineData(0UL, ulong.MaxValue)]
    [InlineData(1UL, 0UL)]
    [InlineData(ulong.MaxValue, ulong.MaxValue)]
    public void Packed128_round_trips_and_orders_as_uint128(ulong high, ulong low)
    {
        var v = new UInt128(high, low);
        Assert.Equal(v, Packed128.Of(v).Value);
        foreach (var other in new[] { UInt128.Zero, UInt128.One, new UInt128(1, 0), new UInt128(0, ulong.MaxValue), UInt128.MaxValue })
        {
            Assert.Equal(Math.Sign(v.CompareTo(other)), Math.Sign(Packed128.Of(v).CompareTo(Packed128.Of(other))));
        }
    }
}
