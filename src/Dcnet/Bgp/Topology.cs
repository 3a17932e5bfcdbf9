using System.Net;
using Dcnet.Design;
using Dcnet.Topology;

namespace Dcnet.Bgp;

/// <summary>One next-hop entry as FRR's route JSON prints it (<c>nexthops[]</c>).</summary>
public readonly record struct NextHopEntry(string Ip, string Hostname, IpFamily Afi, string? Scope, bool Used);

/// <summary>How a receiving router sees the router a path came from: FRR's peerId, hostname and next hops.</summary>
public sealed record PeerView(string Hostname, string PeerId, IReadOnlyList<NextHopEntry> NextHops, string NextHopText, IPAddress RouterId)
{
    /// <summary>dcnet cannot know link-local addresses (they come from MAC addresses); it writes fe80::%IFACE, IFACE being the receiving interface.</summary>
    public static string LinkLocal(string receivingInterface) => "fe80::%" + receivingInterface;

    /// <summary>A router's own <c>network</c> route: next hop 0.0.0.0 or ::, peerId (unspec).</summary>
    public static PeerView Local(BgpRouter r, IpFamily f) => new(r.Name, "(unspec)",
        [f == IpFamily.Ipv4 ? new NextHopEntry("0.0.0.0", r.Name, f, null, true) : new NextHopEntry("::", r.Name, f, "global", true)],
        f == IpFamily.Ipv4 ? "0.0.0.0" : "::", r.RouterId);
}

/// <summary>A session seen in one direction for one family: the sender's announcements arriving at the receiver.</summary>
internal sealed class Adjacency
{
    public required int Index { get; init; }

    public required BgpSession Session { get; init; }

    public required BgpNeighbor SenderEnd { get; init; }

    public required BgpNeighbor ReceiverEnd { get; init; }

    public int Sender => SenderEnd.Router.Index;

    public int Receiver => ReceiverEnd.Router.Index;

    public required RouteFilter Export { get; init; }

    public required RouteFilter Import { get; init; }

    /// <summary>Position of the receiving neighbour statement in the receiver's configuration.</summary>
    public required int ReceiverOrder { get; init; }

    public required NextHopKey NextHop { get; init; }

    public required SuKey Su { get; init; }

    public required PeerView View { get; init; }

    public uint SenderAsn => SenderEnd.Router.Asn.Value;

    public uint ReceiverAsn => ReceiverEnd.Router.Asn.Value;

    public uint SenderRouterId => SenderEnd.Router.RouterIdValue;
}

/// <summary>The sessions that carry one family, as adjacencies per sender in configuration order.</summary>
internal sealed class FamilyTopology
{
    private FamilyTopology(IpFamily family, Adjacency[] adjacencies, int[][] outgoing)
    {
        Family = family;
        Adjacencies = adjacencies;
        Outgoing = outgoing;
    }

    public IpFamily Family { get; }

    public Adjacency[] Adjacencies { get; }

    /// <summary>Per router, the adjacencies it sends on, in its neighbour order.</summary>
    public int[][] Outgoing { get; }

    /// <summary>
    /// Every established session that activates <paramref name="family"/>, both directions, except directions whose
    /// export or import policy denies everything (toward speakers, which accept nothing).
    /// </summary>
    public static FamilyTopology Build(BgpModel model, IpFamily family)
    {
        var list = new List<Adjacency>();
        var outgoing = model.Routers.Select(_ => new List<int>()).ToList();
        foreach (var sender in model.Routers)
        {
            foreach (var end in sender.Neighbors)
            {
                if (end.Session is not { Establishes: true } s || !s.Families.Contains(family))
                {
                    continue;
                }

                var recv = s.Other(end);
                var export = end.Export(family);
                var import = recv.Import(family);
                if (export.Action == FilterAction.DenyAll || import.Action == FilterAction.DenyAll)
                {
                    continue;
                }

                int ifIndex = IndexOf(recv.Router.Neighbors, recv);
                var adj = new Adjacency
                {
                    Index = list.Count,
                    Session = s,
                    SenderEnd = end,
                    ReceiverEnd = recv,
                    Export = export,
                    Import = import,
                    ReceiverOrder = ifIndex,
                    NextHop = NextHopOf(end, recv, family),
                    Su = SuOf(end, recv),
                    View = ViewOf(end, recv, family),
                };
                list.Add(adj);
                outgoing[sender.Index].Add(adj.Index);
            }
        }

        return new FamilyTopology(family, [.. list], outgoing.Select(o => o.ToArray()).ToArray());
    }

    private static int IndexOf(IReadOnlyList<BgpNeighbor> list, BgpNeighbor n)
    {
        for (int i = 0; i < list.Count; i++)
        {
            if (ReferenceEquals(list[i], n))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>A stable number per receiving interface (for bgp_interface_same): the first neighbour statement on it.</summary>
    private static int InterfaceId(BgpNeighbor recv)
    {
        var list = recv.Router.Neighbors;
        for (int i = 0; i < list.Count; i++)
        {
            if (list[i].Interface == recv.Interface)
            {
                return i;
            }
        }

        return -1;
    }

    private static NextHopKey NextHopOf(BgpNeighbor sender, BgpNeighbor recv, IpFamily family)
    {
        if (!sender.Unnumbered && family == IpFamily.Ipv4)
        {
            return NextHopKey.Ipv4((uint)IpMath.ToUInt128(sender.LocalAddress!));
        }

        // Directly connected IPv6 peers (and every unnumbered peer) send a global and a link-local next hop (32 bytes).
        return NextHopKey.GlobalAndLinkLocal(InterfaceId(recv), sender.LocalAddress is { } a ? IpMath.ToUInt128(a) : 0);
    }

    private static SuKey SuOf(BgpNeighbor sender, BgpNeighbor recv) => sender.LocalAddress is { } a
        ? new SuKey(a.IsV4() ? 4 : 6, IpMath.ToUInt128(a))
        : new SuKey(6, (UInt128.One << 127) | (UInt128)(uint)InterfaceId(recv)); // an unknown fe80:: address on that interface

    private static PeerView ViewOf(BgpNeighbor sender, BgpNeighbor recv, IpFamily family)
    {
        string host = sender.Router.Name;
        string ll = PeerView.LinkLocal(recv.Interface);
        if (sender.Unnumbered)
        {
            // RFC 8950 next hops from an unnumbered peer: both entries hold the peer's link-local address, 'used' on the first.
            return new PeerView(host, ll, [new(ll, host, IpFamily.Ipv6, "global", true), new(ll, host, IpFamily.Ipv6, "link-local", false)], recv.Interface, sender.Router.RouterId);
        }

        string ip = sender.LocalAddress!.ToString();
        if (family == IpFamily.Ipv4)
        {
            return new PeerView(host, ip, [new(ip, host, IpFamily.Ipv4, null, true)], ip, sender.Router.RouterId);
        }

        // A directly connected IPv6 peer: global plus link-local, and the kernel route uses the link-local one.
        return new PeerView(host, ip, [new(ip, host, IpFamily.Ipv6, "global", false), new(ll, host, IpFamily.Ipv6, "link-local", true)], ip, sender.Router.RouterId);
    }
}
