using System.Globalization;
using System.Net;
using Dcnet.Design;
using Dcnet.Topology;

namespace Dcnet.Bgp;

/// <summary>
/// One line of an FRR prefix-list: <c>permit PREFIX [ge N] [le N]</c>. Without ge/le only the prefix itself matches;
/// with them, any prefix inside PREFIX whose length lies in [ge or len, le or max] matches (FRR lib/plist.c).
/// </summary>
public readonly record struct PrefixRule(IPNetwork Prefix, int? Ge = null, int? Le = null)
{
    public bool Matches(IPNetwork p)
    {
        if (p.IsV4() != Prefix.IsV4() || p.PrefixLength < Prefix.PrefixLength || !Prefix.Contains(p.BaseAddress))
        {
            return false;
        }

        if (Ge is null && Le is null)
        {
            return p.PrefixLength == Prefix.PrefixLength;
        }

        int min = Ge ?? Prefix.PrefixLength;
        int max = Le ?? Prefix.Bits();
        return p.PrefixLength >= min && p.PrefixLength <= max;
    }

    /// <summary>The rule as FRR writes it after <c>permit</c>.</summary>
    public override string ToString()
    {
        string s = Prefix.ToString();
        if (Ge is int ge)
        {
            s += " ge " + ge.ToString(CultureInfo.InvariantCulture);
        }

        if (Le is int le)
        {
            s += " le " + le.ToString(CultureInfo.InvariantCulture);
        }

        return s;
    }

    /// <summary>Host routes (/32 or /128) inside <paramref name="pool"/>; FRR rejects <c>ge</c> equal to the prefix length.</summary>
    public static PrefixRule HostRoutesIn(IPNetwork pool) =>
        pool.PrefixLength == pool.Bits() ? new PrefixRule(pool) : new PrefixRule(pool, pool.Bits());
}

/// <summary>A named prefix-list shared by several routers (the fabric's prefixes, the VIP pools).</summary>
public sealed class PrefixSet
{
    internal PrefixSet(int id, string name, IpFamily family, IReadOnlyList<PrefixRule> rules)
    {
        Id = id;
        Name = name;
        Family = family;
        Rules = rules;
    }

    /// <summary>Bit position of this set in a prefix's membership mask (see <see cref="BgpModel.MembershipOf"/>).</summary>
    public int Id { get; }

    public string Name { get; }

    public IpFamily Family { get; }

    public IReadOnlyList<PrefixRule> Rules { get; }

    public bool Contains(IPNetwork p) => Rules.Any(r => r.Matches(p));
}

/// <summary>What a route filter does.</summary>
public enum FilterAction
{
    /// <summary>Every prefix passes.</summary>
    PermitAll,

    /// <summary>No prefix passes.</summary>
    DenyAll,

    /// <summary>Prefixes the router itself originates and/or prefixes in a shared set pass; the rest is denied.</summary>
    Match,
}

/// <summary>
/// An import or export policy as the design expresses it: announce these prefixes, accept those. Rendered as an FRR
/// route-map over prefix-lists; simulated by <see cref="Permits(IPNetwork, bool)"/>.
/// </summary>
public sealed class RouteFilter
{
    internal RouteFilter(string name, FilterAction action, bool permitOwnNetworks = false, PrefixSet? set = null)
    {
        Name = name;
        Action = action;
        PermitOwnNetworks = permitOwnNetworks;
        Set = set;
    }

    /// <summary>The route-map name in rendered configurations.</summary>
    public string Name { get; }

    public FilterAction Action { get; }

    /// <summary>Prefixes the router originates (its <c>network</c> statements) pass.</summary>
    public bool PermitOwnNetworks { get; }

    /// <summary>Prefixes in this shared set pass.</summary>
    public PrefixSet? Set { get; }

    /// <summary>Whether <paramref name="prefix"/> passes; <paramref name="ownNetwork"/> is true when the filtering router originates it.</summary>
    public bool Permits(IPNetwork prefix, bool ownNetwork) => Action switch
    {
        FilterAction.PermitAll => true,
        FilterAction.DenyAll => false,
        _ => (PermitOwnNetworks && ownNetwork) || (Set is not null && Set.Contains(prefix)),
    };

    /// <summary>The same decision from a prefix's precomputed set membership mask.</summary>
    internal bool Permits(ulong membership, bool ownNetwork) => Action switch
    {
        FilterAction.PermitAll => true,
        FilterAction.DenyAll => false,
        _ => (PermitOwnNetworks && ownNetwork) || (Set is not null && (membership & (1UL << Set.Id)) != 0),
    };

    public override string ToString() => Name;
}
