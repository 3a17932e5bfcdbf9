using System.Buffers.Binary;
using System.Globalization;
using Dcnet.Design;
using Dcnet.Topology;
using Dcnet.Wire;

namespace Dcnet.Bonding;

/// <summary>How certain a member choice is.</summary>
public enum BondSelectionKind
{
    /// <summary>The kernel computes exactly this member from the frame (hash modes, active-backup).</summary>
    Exact,

    /// <summary>balance-tlb/alb with tlb_dynamic_lb: the member depends on load; <see cref="BondSelection.Member"/> is what an idle bond picks.</summary>
    LoadDependent,

    /// <summary>balance-rr: the member depends on the packet's place in the sequence; <see cref="BondSelection.Member"/> is for the given packet index.</summary>
    PerPacket,

    /// <summary>broadcast: every usable member sends the frame.</summary>
    Replicated,

    /// <summary>No usable member: the bond drops the frame.</summary>
    Dropped,
}

/// <summary>The member a bond sends one frame on, and why.</summary>
/// <param name="Bond">The bond.</param>
/// <param name="Member">The member the frame leaves on (for broadcast: the first of <paramref name="Members"/>); null when dropped.</param>
/// <param name="Members">Every member the frame leaves on: one, or all usable members for broadcast.</param>
/// <param name="Hash">The 32-bit transmit hash, when the mode computed one.</param>
/// <param name="Index">The position of <paramref name="Member"/> among the usable members.</param>
/// <param name="Kind">How certain the choice is.</param>
/// <param name="Why">One line a trace can print: the mode, the policy, the hash arithmetic.</param>
public sealed record BondSelection(Bond Bond, Nic? Member, IReadOnlyList<Nic> Members, uint? Hash, int? Index, BondSelectionKind Kind, string Why);

/// <summary>
/// Picks the member a host bond transmits a frame on, the way the Linux 6.1 bonding driver does, for every mode. This
/// is the API the packet walk (<c>dcnet trace</c>) calls at a host bond.
/// </summary>
/// <example>
/// <code>
/// // A VM (02:dc:00:00:00:01, 10.1.0.10) on VLAN 100 sends to 203.0.113.10:443 through its gateway (02:de:00:00:00:04).
/// var frame = new Frame([new EthernetLayer(MacAddress.Parse("02:de:00:00:00:04"), MacAddress.Parse("02:dc:00:00:00:01")),
///                        new VlanLayer(100), new Ipv4Layer(IPAddress.Parse("10.1.0.10"), IPAddress.Parse("203.0.113.10")),
///                        new TcpLayer(49152, 443)], []);
/// BondSelection pick = BondSelector.Select(host.BondFor(TrafficClass.Vm)!, frame);
/// // On an 802.3ad layer3+4 bond of ens1f0 and ens2f0: pick.Member is ens2f0, pick.Hash 0x5de5e565, and pick.Why
/// // "802.3ad layer3+4: hash 0x5de5e565 % 2 usable members = 1 (ens2f0)".
/// </code>
/// </example>
public static class BondSelector
{
    /// <summary>
    /// The member <paramref name="bond"/> sends <paramref name="frame"/> on. <paramref name="frame"/> starts with the
    /// Ethernet header the host puts on the wire; a first 802.1Q tag is taken as metadata (a VLAN device, bridge or
    /// OVS on the bond) unless <paramref name="tagging"/> says otherwise.
    /// </summary>
    /// <param name="bond">The bond.</param>
    /// <param name="frame">The frame, layers outermost first.</param>
    /// <param name="usableMembers">Members that can transmit, in enslave order; default <see cref="UsableMembers"/>. Leave a failed member out to see the rehash.</param>
    /// <param name="tagging">Where the VLAN tag travels.</param>
    /// <param name="packetIndex">For balance-rr: the 0-based position of the packet among those the bond sent.</param>
    public static BondSelection Select(Bond bond, Frame frame, IReadOnlyList<Nic>? usableMembers = null, VlanTagging tagging = VlanTagging.Metadata, long packetIndex = 0)
    {
        ArgumentNullException.ThrowIfNull(frame);
        return Select(bond, BondFrame.From(frame, tagging), usableMembers, packetIndex);
    }

    /// <summary>The member <paramref name="bond"/> sends a frame on, given as the bond sees it.</summary>
    public static BondSelection Select(Bond bond, BondFrame frame, IReadOnlyList<Nic>? usableMembers = null, long packetIndex = 0)
    {
        ArgumentNullException.ThrowIfNull(bond);
        ArgumentNullException.ThrowIfNull(frame);
        var usable = usableMembers ?? UsableMembers(bond);
        string mode = Tokens.Of(bond.Mode);
        string policy = Tokens.Of(bond.HashPolicy);
        if (usable.Count == 0)
        {
            return new BondSelection(bond, null, [], null, null, BondSelectionKind.Dropped, $"{mode}: no usable member, the bond drops the frame");
        }

        var skb = frame.Skb;
        switch (bond.Mode)
        {
            case BondMode.BalanceXor:
            case BondMode.Lacp:
                return Hashed(bond, FlowKey.Dissect(skb), usable);
            case BondMode.ActiveBackup:
                return One(bond, usable, 0, null, BondSelectionKind.Exact, $"{mode}: the active member is {usable[0].Name} (the first usable member; backups send nothing)");
            case BondMode.Broadcast:
                return new BondSelection(bond, usable[0], usable, null, 0, BondSelectionKind.Replicated, $"{mode}: a copy leaves on each of {usable.Count} members");
            case BondMode.BalanceRr:
                {
                    if (skb.Protocol == KernelTransmitHash.EthPIp && skb.NetworkOffset + 20 <= skb.Data.Length && skb.Data[skb.NetworkOffset + 9] == 2)
                    {
                        return One(bond, usable, 0, null, BondSelectionKind.Exact, $"{mode}: IGMP always leaves on the active member {usable[0].Name}");
                    }

                    // bond_rr_gen_slave_id(): a per-CPU counter incremented before use, so packet 0 takes member 1.
                    int index = (int)((packetIndex + 1) % usable.Count);
                    return One(bond, usable, index, null, BondSelectionKind.PerPacket,
                        string.Create(CultureInfo.InvariantCulture, $"{mode}: packet {packetIndex} of the sequence goes to member ({packetIndex} + 1) % {usable.Count} = {index} ({usable[index].Name}); the next packet of this flow takes the next member"));
                }

            case BondMode.BalanceTlb:
            case BondMode.BalanceAlb:
                return LoadBalanced(bond, frame, usable, mode, policy);
            default:
                throw new ArgumentOutOfRangeException(nameof(bond), bond.Mode, "unknown bonding mode");
        }
    }

    /// <summary>balance-xor/802.3ad: <c>usable[hash % count]</c> for a pre-dissected flow.</summary>
    public static BondSelection Hashed(Bond bond, in FlowKey key, IReadOnlyList<Nic> usable)
    {
        ArgumentNullException.ThrowIfNull(bond);
        ArgumentNullException.ThrowIfNull(usable);
        string mode = Tokens.Of(bond.Mode);
        if (usable.Count == 0)
        {
            return new BondSelection(bond, null, [], null, null, BondSelectionKind.Dropped, $"{mode}: no usable member, the bond drops the frame");
        }

        uint hash = TransmitHash.Compute(key, bond.HashPolicy);
        int index = (int)(hash % (uint)usable.Count);
        return One(bond, usable, index, hash, BondSelectionKind.Exact,
            string.Create(CultureInfo.InvariantCulture, $"{mode} {Tokens.Of(bond.HashPolicy)}: hash 0x{hash:x8} % {usable.Count} usable members = {index} ({usable[index].Name})"));
    }

    /// <summary>
    /// The members that can transmit when every link is up, in enslave order. For 802.3ad these are the members of
    /// the aggregator the bond selects: members cabled to leaves that do not form one LACP partner (one leaf, or an
    /// MLAG pair) end up in separate aggregators, and only one aggregator carries traffic (ad_select: the one with
    /// the most bandwidth; on a tie the first formed, i.e. the first member's).
    /// </summary>
    public static IReadOnlyList<Nic> UsableMembers(Bond bond)
    {
        ArgumentNullException.ThrowIfNull(bond);
        if (bond.Mode != BondMode.Lacp)
        {
            return bond.Members;
        }

        var groups = Aggregators(bond);
        if (groups.Count <= 1)
        {
            return bond.Members;
        }

        return groups.OrderByDescending(g => g.Sum(n => n.Speed.BitsPerSecond)).ThenBy(g => g[0].Index).First();
    }

    /// <summary>The members grouped by LACP partner: members on one leaf, or on the two leaves of an MLAG pair, share one.</summary>
    public static IReadOnlyList<IReadOnlyList<Nic>> Aggregators(Bond bond)
    {
        ArgumentNullException.ThrowIfNull(bond);
        var groups = new List<List<Nic>>();
        var keys = new List<string>();
        foreach (var nic in bond.Members)
        {
            string key = nic.Leaf is null ? "" : nic.Leaf.MlagPair?.Name ?? nic.Leaf.Name;
            int at = keys.IndexOf(key);
            if (at < 0)
            {
                keys.Add(key);
                groups.Add([nic]);
            }
            else
            {
                groups[at].Add(nic);
            }
        }

        return groups;
    }

    private static BondSelection One(Bond bond, IReadOnlyList<Nic> usable, int index, uint? hash, BondSelectionKind kind, string why) =>
        new(bond, usable[index], [usable[index]], hash, index, kind, why);

    private static BondSelection LoadBalanced(Bond bond, BondFrame frame, IReadOnlyList<Nic> usable, string mode, string policy)
    {
        var skb = frame.Skb;
        var d = skb.Data;
        bool alb = bond.Mode == BondMode.BalanceAlb;
        bool dynamic = bond.Design.TlbDynamicLb;
        bool multicast = d.Length >= 6 && (d[0] & 1) != 0;
        bool broadcast = d.Length >= 6 && d[..6].SequenceEqual(AllOnes);
        int nh = skb.NetworkOffset;
        string? unbalanced = null;
        uint bucketSource = 0;
        bool haveIp = false;
        if (skb.Protocol == KernelTransmitHash.EthPIp)
        {
            if (alb && (broadcast || nh + 20 > d.Length))
            {
                unbalanced = "broadcast frames";
            }
            else if (alb && (BinaryPrimitives.ReadUInt32BigEndian(d[(nh + 16)..]) == 0xFFFFFFFF || d[nh + 9] == 2))
            {
                unbalanced = "IGMP and IPv4 broadcast";
            }
            else if (!alb && multicast)
            {
                unbalanced = "multicast and broadcast frames";
            }
            else
            {
                haveIp = true;
                bucketSource = alb ? XorBytes(d.Slice(nh + 16, 4)) : 0u;
            }
        }
        else if (skb.Protocol == KernelTransmitHash.EthPIpv6)
        {
            bool nd = nh + 40 > d.Length || (d[nh + 6] == 58 && (nh + 48 > d.Length || d[nh + 40] is 135 or 136));
            if (nd)
            {
                unbalanced = "IPv6 neighbour discovery";
            }
            else if (!alb && multicast)
            {
                unbalanced = "multicast and broadcast frames";
            }
            else if (alb && (broadcast || d[..6].SequenceEqual(AllNodes) || d.Slice(nh + 8, 16).IndexOfAnyExcept((byte)0) < 0))
            {
                unbalanced = "all-nodes multicast and unspecified sources";
            }
            else
            {
                haveIp = true;
                bucketSource = alb ? XorBytes(d.Slice(nh + 24, 16)) : 0u;
            }
        }
        else
        {
            unbalanced = skb.Protocol == KernelTransmitHash.EthPArp && alb ? "ARP (receive load balancing answers per client)" : "non-IP frames";
        }

        if (!haveIp)
        {
            return One(bond, usable, 0, null, BondSelectionKind.Exact, $"{mode}: {unbalanced} are not balanced; they leave on the active member {usable[0].Name}");
        }

        uint? hash = null;
        if (!alb || !dynamic)
        {
            hash = KernelTransmitHash.Compute(skb, bond.HashPolicy);
        }

        if (!dynamic)
        {
            int index = (int)(hash!.Value % (uint)usable.Count);
            return One(bond, usable, index, hash, BondSelectionKind.Exact,
                string.Create(CultureInfo.InvariantCulture, $"{mode} (tlb-dynamic-lb off) {policy}: hash 0x{hash:x8} % {usable.Count} usable members = {index} ({usable[index].Name})"));
        }

        uint bucket = alb ? bucketSource : hash!.Value & 0xFF;
        int idle = IdleChoice(usable);
        string from = alb ? "the XOR of the destination IP bytes" : $"the {policy} hash 0x{hash:x8} & 0xff";
        return One(bond, usable, idle, hash, BondSelectionKind.LoadDependent,
            string.Create(CultureInfo.InvariantCulture, $"{mode}: bucket {bucket} ({from}) is placed on the least loaded member when first used and moved at each 10 s rebalance; an idle bond picks {usable[idle].Name}"));
    }

    /// <summary><c>tlb_get_least_loaded_slave()</c> on an idle bond: the first member with the largest speed.</summary>
    private static int IdleChoice(IReadOnlyList<Nic> usable)
    {
        int best = 0;
        for (int i = 1; i < usable.Count; i++)
        {
            if (usable[i].Speed.BitsPerSecond > usable[best].Speed.BitsPerSecond)
            {
                best = i;
            }
        }

        return best;
    }

    /// <summary><c>_simple_hash()</c> of bond_alb.c: the XOR of the bytes.</summary>
    internal static byte XorBytes(ReadOnlySpan<byte> bytes)
    {
        byte h = 0;
        foreach (byte b in bytes)
        {
            h ^= b;
        }

        return h;
    }

    private static ReadOnlySpan<byte> AllOnes => [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF];

    private static ReadOnlySpan<byte> AllNodes => [0x33, 0x33, 0x00, 0x00, 0x00, 0x01];
}
