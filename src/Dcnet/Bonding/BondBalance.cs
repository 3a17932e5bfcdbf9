using Dcnet.Topology;

namespace Dcnet.Bonding;

/// <summary>What one member of a bond carries under the traffic profile.</summary>
/// <param name="Nic">The member.</param>
/// <param name="Usable">False when the member carries nothing by design (a backup, or outside the active 802.3ad aggregator).</param>
/// <param name="Flows">Flows placed on it (balance-rr and broadcast count fractions and copies).</param>
/// <param name="BitsPerSecond">Offered load.</param>
/// <param name="FlowsByKind">Flows per <see cref="TrafficKind"/>, indexed by its value.</param>
public sealed record MemberLoad(Nic Nic, bool Usable, double Flows, double BitsPerSecond, IReadOnlyList<double> FlowsByKind)
{
    /// <summary>Offered load over the member's speed (above 1 means it is saturated).</summary>
    public double Utilisation => Nic.Speed.BitsPerSecond == 0 ? 0 : BitsPerSecond / Nic.Speed.BitsPerSecond;
}

/// <summary>The single largest flow of a bond and how much of it one member can carry.</summary>
/// <param name="Flow">The flow.</param>
/// <param name="Member">The member it leaves on (for balance-rr: spread over all).</param>
/// <param name="CappedBitsPerSecond">What it can get: its demand, at most one member's speed (balance-rr: the bond's).</param>
public sealed record WorstFlow(ProfiledFlow Flow, Nic? Member, double CappedBitsPerSecond)
{
    /// <summary>True when one member's speed caps the flow below its demand.</summary>
    public bool Capped => CappedBitsPerSecond < Flow.BitsPerSecond;
}

/// <summary>How a bond spreads its traffic profile over its members.</summary>
/// <param name="Bond">The bond.</param>
/// <param name="Members">Per member, in enslave order.</param>
/// <param name="FlowCount">Flows the bond transmits.</param>
/// <param name="BitsPerSecond">Their total offered load.</param>
/// <param name="FlowImbalance">Largest member's flow count over the mean of all members (1 = even; N = all on one of N).</param>
/// <param name="ByteImbalance">The same for bytes.</param>
/// <param name="Worst">The largest single flow, if any.</param>
/// <param name="Note">How the mode places flows, for reports.</param>
public sealed record BondLoad(Bond Bond, IReadOnlyList<MemberLoad> Members, int FlowCount, double BitsPerSecond,
    double FlowImbalance, double ByteImbalance, WorstFlow? Worst, string Note)
{
    /// <summary>Each member's share of the flows, 0..1.</summary>
    public IEnumerable<double> FlowShares => Members.Select(m => TotalFlows == 0 ? 0 : m.Flows / TotalFlows);

    /// <summary>Each member's share of the bytes, 0..1.</summary>
    public IEnumerable<double> ByteShares => Members.Select(m => TotalBits == 0 ? 0 : m.BitsPerSecond / TotalBits);

    private double TotalFlows => Members.Sum(m => m.Flows);

    private double TotalBits => Members.Sum(m => m.BitsPerSecond);
}

/// <summary>
/// Places every flow of the traffic profile on a member the way the bonding driver would: <c>hash % usable</c> for
/// balance-xor and 802.3ad (the usable members of 802.3ad being those of the active aggregator), the active member
/// for active-backup, every member for broadcast, an even spread of packets for balance-rr, and for balance-tlb/alb
/// the steady state of tlb_dynamic_lb: hash buckets (tlb: hash &amp; 0xff; alb: the XOR of the destination IP bytes)
/// claimed by the member with the largest spare capacity, in the order they first appear.
/// </summary>
public static class BondBalance
{
    /// <summary>Loads of every host bond, in host then bond order.</summary>
    public static IReadOnlyList<BondLoad> Analyze(Network network, TrafficModel? model = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        model ??= TrafficModel.Build(network);
        var list = new List<BondLoad>();
        foreach (var host in network.Hosts)
        {
            foreach (var bond in host.Bonds)
            {
                list.Add(Analyze(bond, model.FlowsOf(bond)));
            }
        }

        return list;
    }

    /// <summary>The load of one bond carrying <paramref name="flows"/>.</summary>
    public static BondLoad Analyze(Bond bond, IReadOnlyList<ProfiledFlow> flows, IReadOnlyList<Nic>? usableMembers = null)
    {
        ArgumentNullException.ThrowIfNull(bond);
        ArgumentNullException.ThrowIfNull(flows);
        var members = bond.Members;
        var usable = usableMembers ?? BondSelector.UsableMembers(bond);
        int n = members.Count;
        var slot = new int[usable.Count];
        for (int u = 0; u < usable.Count; u++)
        {
            slot[u] = IndexIn(members, usable[u]);
        }

        int kinds = Enum.GetValues<TrafficKind>().Length;
        var flowCount = new double[n];
        var bits = new double[n];
        var byKind = new double[n][];
        for (int i = 0; i < n; i++)
        {
            byKind[i] = new double[kinds];
        }

        var placedOn = new int[flows.Count];
        string note;
        if (usable.Count == 0 || n == 0)
        {
            note = "no usable member: everything is dropped";
            Array.Fill(placedOn, -1);
        }
        else
        {
            note = Place(bond, flows, usable, slot, placedOn);
        }

        for (int f = 0; f < flows.Count; f++)
        {
            var flow = flows[f];
            int k = (int)flow.Kind;
            switch (placedOn[f])
            {
                case -1:
                    break;
                case Spread:
                    foreach (int s in slot)
                    {
                        flowCount[s] += 1.0 / slot.Length;
                        bits[s] += flow.BitsPerSecond / slot.Length;
                        byKind[s][k] += 1.0 / slot.Length;
                    }

                    break;
                case Copy:
                    foreach (int s in slot)
                    {
                        flowCount[s] += 1;
                        bits[s] += flow.BitsPerSecond;
                        byKind[s][k] += 1;
                    }

                    break;
                default:
                    flowCount[placedOn[f]] += 1;
                    bits[placedOn[f]] += flow.BitsPerSecond;
                    byKind[placedOn[f]][k] += 1;
                    break;
            }
        }

        var loads = new List<MemberLoad>(n);
        for (int i = 0; i < n; i++)
        {
            loads.Add(new MemberLoad(members[i], slot.Contains(i), flowCount[i], bits[i], byKind[i]));
        }

        WorstFlow? worst = null;
        if (flows.Count > 0)
        {
            int w = 0;
            for (int f = 1; f < flows.Count; f++)
            {
                if (flows[f].BitsPerSecond > flows[w].BitsPerSecond)
                {
                    w = f;
                }
            }

            var wf = flows[w];
            int on = placedOn[w];
            double cap = on switch
            {
                -1 => 0,
                Spread => slot.Sum(s => (double)members[s].Speed.BitsPerSecond),
                Copy => slot.Min(s => (double)members[s].Speed.BitsPerSecond),
                _ => members[on].Speed.BitsPerSecond,
            };
            worst = new WorstFlow(wf, on >= 0 ? members[on] : null, Math.Min(wf.BitsPerSecond, cap));
        }

        return new BondLoad(bond, loads, flows.Count, flows.Sum(f => f.BitsPerSecond), Imbalance(flowCount), Imbalance(bits), worst, note);
    }

    /// <summary>Largest value over the mean; 0 when everything is 0.</summary>
    public static double Imbalance(IReadOnlyList<double> perMember)
    {
        ArgumentNullException.ThrowIfNull(perMember);
        double sum = perMember.Sum();
        return sum <= 0 || perMember.Count == 0 ? 0 : perMember.Max() / (sum / perMember.Count);
    }

    private const int Spread = -2;
    private const int Copy = -3;

    private static int IndexIn(IReadOnlyList<Nic> members, Nic nic)
    {
        for (int i = 0; i < members.Count; i++)
        {
            if (ReferenceEquals(members[i], nic))
            {
                return i;
            }
        }

        throw new ArgumentException($"{nic.FullName} is not a member of its bond", nameof(nic));
    }

    private static string Place(Bond bond, IReadOnlyList<ProfiledFlow> flows, IReadOnlyList<Nic> usable, int[] slot, int[] placedOn)
    {
        var policy = bond.HashPolicy;
        switch (bond.Mode)
        {
            case BondMode.BalanceXor:
            case BondMode.Lacp:
                {
                    var mod = new FastMod((uint)usable.Count);
                    for (int f = 0; f < flows.Count; f++)
                    {
                        placedOn[f] = slot[mod.Of(TransmitHash.Compute(flows[f].Key, policy))];
                    }

                    return usable.Count < bond.Members.Count
                        ? $"hash % {usable.Count}: only {usable.Count} of {bond.Members.Count} members are in the active aggregator"
                        : $"hash % {usable.Count}";
                }

            case BondMode.ActiveBackup:
                Array.Fill(placedOn, slot[0]);
                return "everything on the active member";
            case BondMode.Broadcast:
                Array.Fill(placedOn, Copy);
                return "every frame on every member";
            case BondMode.BalanceRr:
                Array.Fill(placedOn, Spread);
                return "every flow sprayed packet by packet over all members";
            default:
                {
                    bool alb = bond.Mode == BondMode.BalanceAlb;
                    if (!bond.Design.TlbDynamicLb)
                    {
                        var mod = new FastMod((uint)usable.Count);
                        for (int f = 0; f < flows.Count; f++)
                        {
                            placedOn[f] = slot[mod.Of(TransmitHash.Compute(flows[f].Key, policy))];
                        }

                        return $"tlb-dynamic-lb off: hash % {usable.Count}";
                    }

                    // tlb_dynamic_lb: a bucket goes to the member with the largest gap (speed in Mbit/s << 20, minus
                    // its load in bits/s) when first seen after a rebalance; the load of a bucket is its bytes per second.
                    var bucketLoad = new double[256];
                    var order = new List<int>();
                    var bucketOf = new int[flows.Count];
                    for (int f = 0; f < flows.Count; f++)
                    {
                        int b = alb ? flows[f].DestinationXor : (int)(TransmitHash.Compute(flows[f].Key, policy) & 0xFF);
                        bucketOf[f] = b;
                        if (bucketLoad[b] == 0)
                        {
                            order.Add(b);
                        }

                        bucketLoad[b] += 1 + (flows[f].BitsPerSecond / 8);
                    }

                    var memberLoad = new double[usable.Count];
                    var assigned = new int[256];
                    foreach (int b in order)
                    {
                        int best = 0;
                        double bestGap = double.MinValue;
                        for (int u = 0; u < usable.Count; u++)
                        {
                            double gap = (usable[u].Speed.BitsPerSecond / 1e6 * 1048576.0) - (memberLoad[u] * 8);
                            if (gap > bestGap)
                            {
                                best = u;
                                bestGap = gap;
                            }
                        }

                        assigned[b] = best;
                        memberLoad[best] += bucketLoad[b];
                    }

                    for (int f = 0; f < flows.Count; f++)
                    {
                        placedOn[f] = slot[assigned[bucketOf[f]]];
                    }

                    return alb
                        ? $"{order.Count} buckets (XOR of the destination IP bytes) on the least loaded member"
                        : $"{order.Count} buckets (hash & 0xff) on the least loaded member";
                }
        }
    }
}
