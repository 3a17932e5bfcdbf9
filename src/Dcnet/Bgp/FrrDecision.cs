using Dcnet.Topology;

namespace Dcnet.Bgp;

/// <summary>
/// Why FRR chose its best path, as <c>bgp_path_selection_reason2str</c> (FRR 8.4.4 bgpd/bgp_route.c) names it. FRR
/// stores the reason of the <em>last</em> comparison it ran, which is often not the decisive one.
/// </summary>
public enum SelectionReason
{
    None,
    FirstPathReceived,
    Weight,
    LocalPref,
    LocalRoute,
    AsPath,
    Origin,
    Med,
    PeerType,
    IgpMetric,
    OlderPath,
    RouterId,
    ClusterLength,
    PathStaleness,
    LocallyConfigured,
    NeighborIp,
    NothingLeft,
}

/// <summary>The text FRR prints for a <see cref="SelectionReason"/>.</summary>
public static class SelectionReasons
{
    public static string Text(this SelectionReason r) => r switch
    {
        SelectionReason.None => "Nothing to Select",
        SelectionReason.FirstPathReceived => "First path received",
        SelectionReason.Weight => "Weight",
        SelectionReason.LocalPref => "Local Pref",
        SelectionReason.LocalRoute => "Local Route",
        SelectionReason.AsPath => "AS Path",
        SelectionReason.Origin => "Origin",
        SelectionReason.Med => "MED",
        SelectionReason.PeerType => "Peer Type",
        SelectionReason.IgpMetric => "IGP Metric",
        SelectionReason.OlderPath => "Older Path",
        SelectionReason.RouterId => "Router ID",
        SelectionReason.ClusterLength => "Cluster length",
        SelectionReason.PathStaleness => "Path Staleness",
        SelectionReason.LocallyConfigured => "Locally configured route",
        SelectionReason.NeighborIp => "Neighbor IP",
        _ => "Nothing left to compare",
    };
}

/// <summary>What the next-hop comparison of bgp_mpath.c sees of a path's next hop.</summary>
/// <remarks>The address is a <see cref="Packed128"/>: the decision process runs at start-up in every <c>dcnet check</c>.</remarks>
internal readonly record struct NextHopKey
{
    private readonly Packed128 address;

    private NextHopKey(uint v4, int mpLength, int receiverInterface, Packed128 address)
    {
        V4 = v4;
        MpLength = mpLength;
        Interface = receiverInterface;
        this.address = address;
    }

    public uint V4 { get; }

    public int MpLength { get; }

    public int Interface { get; }

    public UInt128 Address => address.Value;

    /// <summary>A next hop in an IPv4 UPDATE (numbered IPv4 session).</summary>
    public static NextHopKey Ipv4(uint address) => new(address, 0, 0, default);

    /// <summary>An MP_REACH next hop with global and link-local parts (directly connected IPv6 peer, or unnumbered).</summary>
    public static NextHopKey GlobalAndLinkLocal(int receiverInterface, UInt128 proxy) => new(0, 32, receiverInterface, Packed128.Of(proxy));

    /// <summary>The next hop FRR gives its own <c>network</c> routes (0.0.0.0, or :: for IPv6).</summary>
    public static NextHopKey Local(bool v4) => new(0, v4 ? 4 : 16, -1, default);

    /// <summary>The addresses compared as unsigned 128-bit numbers.</summary>
    public int CompareAddress(in NextHopKey other) => address.CompareTo(other.address);
}

/// <summary>A peer's transport address as <c>sockunion_cmp</c> orders it: family first (IPv4 before IPv6), then the address.</summary>
internal readonly record struct SuKey : IComparable<SuKey>
{
    private readonly Packed128 address;

    public SuKey(int family, UInt128 address)
    {
        Family = family;
        this.address = Packed128.Of(address);
    }

    public int Family { get; }

    public UInt128 Address => address.Value;

    public int CompareTo(SuKey other) => Family != other.Family ? Family.CompareTo(other.Family) : address.CompareTo(other.address);
}

/// <summary>One path as the decision process sees it. All paths here are eBGP or local; iBGP is outside the fabric.</summary>
internal struct Candidate
{
    /// <summary>A <c>network</c> route of this router (peer_self, sub-type static, weight 32768).</summary>
    public bool Local;

    public int AsPathLength;

    /// <summary>First AS of the AS_SEQUENCE, 0 for an empty path (for aspath_cmp_left).</summary>
    public uint FirstAs;

    public bool HasMed;

    public uint Med;

    /// <summary>The neighbour's AS (peer->as), for multipath without relax.</summary>
    public uint PeerAs;

    public uint PeerRouterId;

    public SuKey Su;

    public NextHopKey NextHop;

    /// <summary>BGP_PATH_SELECTED: this path was the best after the previous run.</summary>
    public bool Selected;

    /// <summary>Output: BGP_PATH_MULTIPATH.</summary>
    public bool Multipath;

    internal bool DmedCheck;
    internal bool DmedSelected;
}

/// <summary>The configuration knobs that change the decision process.</summary>
internal readonly record struct DecisionConfig(bool DeterministicMed, bool MultipathRelax, bool CompareRouterId, int MaximumPaths);

/// <summary>
/// FRR 8.4.4's best-path selection, step for step: <c>bgp_best_selection</c> (the deterministic-MED pass, the main
/// loop, the multipath loop), <c>bgp_path_info_cmp</c> and <c>bgp_path_info_mpath_update</c>. The candidate span is
/// the path list in FRR's order, newest first. Steps that cannot differ in an all-eBGP fabric without communities,
/// labels, confederations or route reflection (local preference, IGP metric, cluster list, staleness) are kept as
/// ties so the reason strings come out as FRR prints them.
/// </summary>
internal static class FrrDecision
{
    private const int LocalWeight = 32768;

    /// <summary>Runs the selection; returns the best index (or -1) and the reason FRR would store.</summary>
    public static (int Best, SelectionReason Reason) Select(Span<Candidate> paths, DecisionConfig cfg)
    {
        var reason = SelectionReason.None;
        int n = paths.Length;
        if (cfg.DeterministicMed)
        {
            for (int i = 0; i < n; i++)
            {
                paths[i].DmedSelected = false;
            }

            for (int i = 0; i < n; i++)
            {
                if (paths[i].DmedCheck)
                {
                    continue;
                }

                int sel = i;
                for (int j = i + 1; j < n; j++)
                {
                    if (paths[j].DmedCheck || !CmpLeft(paths[i], paths[j]))
                    {
                        continue;
                    }

                    if (Cmp(paths[j], paths[sel], true, cfg, ref reason, out _))
                    {
                        paths[sel].DmedSelected = false;
                        sel = j;
                    }

                    paths[j].DmedCheck = true;
                }

                paths[sel].DmedCheck = true;
                paths[sel].DmedSelected = true;
            }
        }

        int best = -1;
        for (int i = 0; i < n; i++)
        {
            if (cfg.DeterministicMed && !paths[i].DmedSelected)
            {
                paths[i].DmedCheck = false;
                continue;
            }

            paths[i].DmedCheck = false;
            var saved = reason;
            bool wins = best < 0 ? Cmp(paths[i], default, false, cfg, ref reason, out _) : Cmp(paths[i], paths[best], true, cfg, ref reason, out _);
            if (wins)
            {
                if (best < 0 && saved != SelectionReason.None)
                {
                    reason = saved;
                }

                best = i;
            }
        }

        for (int i = 0; i < n; i++)
        {
            paths[i].Multipath = false;
        }

        if (best >= 0)
        {
            // maximum-paths ibgp keeps its default of 256, so FRR's do_mpath is always true.
            Span<int> mp = n <= 64 ? stackalloc int[n] : new int[n];
            int count = 0;
            for (int i = 0; i < n; i++)
            {
                if (i == best)
                {
                    AddSorted(paths, mp, ref count, i);
                    continue;
                }

                if (NextHopCompare(paths[i].NextHop, paths[best].NextHop) == 0)
                {
                    continue;
                }

                Cmp(paths[i], paths[best], true, cfg, ref reason, out bool equal);
                if (equal)
                {
                    AddSorted(paths, mp, ref count, i);
                }
            }

            int taken = 1;
            int prev = best;
            for (int k = 0; k < count; k++)
            {
                int c = mp[k];
                if (c == best)
                {
                    continue;
                }

                if (taken < cfg.MaximumPaths && NextHopCompare(paths[prev].NextHop, paths[c].NextHop) != 0)
                {
                    paths[c].Multipath = true;
                    prev = c;
                    taken++;
                }
            }
        }

        for (int i = 0; i < n; i++)
        {
            paths[i].Selected = i == best;
        }

        return (best, reason);
    }

    /// <summary>listnode_add_sort with bgp_path_info_mpath_cmp: insert before the first node the new one is less than.</summary>
    private static void AddSorted(Span<Candidate> paths, Span<int> list, ref int count, int item)
    {
        int at = count;
        for (int k = 0; k < count; k++)
        {
            if (MpathCompare(paths[item], paths[list[k]]) < 0)
            {
                at = k;
                break;
            }
        }

        for (int k = count; k > at; k--)
        {
            list[k] = list[k - 1];
        }

        list[at] = item;
        count++;
    }

    private static int MpathCompare(in Candidate a, in Candidate b)
    {
        int c = NextHopCompare(a.NextHop, b.NextHop);
        if (c != 0)
        {
            return c;
        }

        if (a.Local && b.Local)
        {
            return 0;
        }

        return a.Local ? 1 : b.Local ? -1 : a.Su.CompareTo(b.Su);
    }

    /// <summary>
    /// bgp_path_info_nexthop_cmp. For global+link-local next hops FRR first asks whether the two arrive on the same
    /// interface and returns 1 ("greater") when they do not, so such next hops are not totally ordered and the multipath
    /// list keeps their insertion order. Link-local addresses derive from MAC addresses dcnet does not know; on one
    /// interface (several speakers on one VLAN) the global address stands in for them.
    /// </summary>
    public static int NextHopCompare(NextHopKey a, NextHopKey b)
    {
        int c = a.V4.CompareTo(b.V4);
        if (c != 0)
        {
            return c;
        }

        if (a.MpLength == b.MpLength)
        {
            return a.MpLength switch
            {
                16 => a.CompareAddress(b),
                32 => a.Interface != b.Interface ? 1 : a.CompareAddress(b),
                _ => 0,
            };
        }

        if (a.MpLength is 16 or 32)
        {
            c = a.CompareAddress(b);
            return c != 0 ? c : a.MpLength < b.MpLength ? -1 : 1;
        }

        return 0;
    }

    /// <summary>aspath_cmp_left: both paths empty, or both start with the same AS.</summary>
    private static bool CmpLeft(in Candidate a, in Candidate b) =>
        (a.AsPathLength == 0 && b.AsPathLength == 0) || (a.AsPathLength > 0 && b.AsPathLength > 0 && a.FirstAs == b.FirstAs);

    /// <summary>bgp_path_info_cmp(new, exist): true when <paramref name="n"/> is preferred. Writes the reason of the step that returned.</summary>
    private static bool Cmp(in Candidate n, in Candidate e, bool haveExist, DecisionConfig cfg, ref SelectionReason reason, out bool pathsEqual)
    {
        pathsEqual = false;
        if (!haveExist)
        {
            reason = SelectionReason.FirstPathReceived;
            return true;
        }

        int wn = n.Local ? LocalWeight : 0, we = e.Local ? LocalWeight : 0;
        if (wn != we)
        {
            reason = SelectionReason.Weight;
            return wn > we;
        }

        // 2. local preference: no path here carries LOCAL_PREF, both use the default 100.
        // 3. locally originated (network statements are BGP_ROUTE_STATIC).
        if (n.Local != e.Local)
        {
            reason = SelectionReason.LocalRoute;
            return n.Local;
        }

        if (n.AsPathLength != e.AsPathLength)
        {
            reason = SelectionReason.AsPath;
            return n.AsPathLength < e.AsPathLength;
        }

        // 5. origin: every route here is a network statement, origin IGP.
        // 6. MED, compared only between paths from the same neighbouring AS (or both empty); missing counts as 0.
        if (CmpLeft(n, e))
        {
            uint mn = n.HasMed ? n.Med : 0, me = e.HasMed ? e.Med : 0;
            if (mn != me)
            {
                reason = SelectionReason.Med;
                return mn < me;
            }
        }

        // 7. peer type: a local path's peer (peer_self) is internal, but weight has already decided between it and any
        // received path, so here both are eBGP. 8-10: IGP metric 0 for connected next hops, no cluster list, no confederation.
        // 11. multipath: equal so far; with as-path multipath-relax any equal-length path qualifies, without it one from the same neighbour AS.
        if (cfg.MultipathRelax || n.PeerAs == e.PeerAs)
        {
            pathsEqual = true;
        }

        // 12. older path: the currently selected eBGP path wins, unless bgp bestpath compare-routerid.
        if (!cfg.CompareRouterId && !n.Local && !e.Local)
        {
            if (n.Selected)
            {
                reason = SelectionReason.OlderPath;
                return true;
            }

            if (e.Selected)
            {
                reason = SelectionReason.OlderPath;
                return false;
            }
        }

        if (n.PeerRouterId != e.PeerRouterId)
        {
            reason = SelectionReason.RouterId;
            return n.PeerRouterId < e.PeerRouterId;
        }

        // 14. cluster length, 15. staleness: equal. 16. locally configured routes have no peer address and lose.
        if (n.Local)
        {
            reason = SelectionReason.LocallyConfigured;
            return false;
        }

        if (e.Local)
        {
            reason = SelectionReason.LocallyConfigured;
            return true;
        }

        int su = n.Su.CompareTo(e.Su);
        if (su != 0)
        {
            reason = SelectionReason.NeighborIp;
            return su < 0;
        }

        reason = SelectionReason.NothingLeft;
        return true;
    }
}
