using System.Globalization;
using Dcnet.Design;
using Dcnet.Topology;

namespace Dcnet.Bonding;

/// <summary>How, and how fast, a bond notices a failed member, and what is lost meanwhile.</summary>
/// <param name="Bond">The bond.</param>
/// <param name="LinkDown">Worst-case time to notice a member whose carrier drops (cable, NIC, switch port down); null when nothing notices.</param>
/// <param name="LinkDownHow">Which monitor notices it, with its arithmetic.</param>
/// <param name="Silent">Worst-case time to notice a member that stays up but stops passing frames (a hung switch, a one-way fibre); null when nothing notices.</param>
/// <param name="SilentHow">Which mechanism notices that, with its arithmetic.</param>
/// <param name="Recovery">Time before a repaired member carries traffic again (updelay).</param>
/// <param name="AffectedShare">Share of the bond's flows that lose packets while the failure goes unnoticed (worst member).</param>
/// <param name="Loss">What the mode loses during the window, and afterwards.</param>
/// <param name="Overlay">What tunnels between tunnel endpoints see during the window, when the bond carries them.</param>
public sealed record FailoverEstimate(Bond Bond, TimeSpan? LinkDown, string LinkDownHow, TimeSpan? Silent, string SilentHow, TimeSpan Recovery,
    double AffectedShare, string Loss, string? Overlay);

/// <summary>
/// Failure detection and loss windows of a bond, from its monitors: MII link monitoring (miimon, downdelay,
/// updelay; the kernel rounds the delays down to multiples of miimon), the ARP monitor (a member is down once no
/// reply came for arp_missed_max + 1/2 intervals, checked once per interval), and for 802.3ad the LACP timeout
/// (3 x the partner's LACPDU period: 3 s with lacp-rate fast, 90 s with slow).
/// </summary>
public static class Failover
{
    /// <summary>LACP short timeout: 3 x the fast periodic time of 1 s (IEEE 802.1AX).</summary>
    public static readonly TimeSpan LacpFastTimeout = TimeSpan.FromSeconds(3);

    /// <summary>LACP long timeout: 3 x the slow periodic time of 30 s.</summary>
    public static readonly TimeSpan LacpSlowTimeout = TimeSpan.FromSeconds(90);

    /// <summary>OVN's default BFD on tunnels to gateway chassis: 1 s transmit interval, multiplier 3.</summary>
    public static readonly TimeSpan OvnTunnelBfd = TimeSpan.FromSeconds(3);

    /// <summary>The LACP timeout of a rate.</summary>
    public static TimeSpan LacpTimeout(LacpRate rate) => rate == LacpRate.Fast ? LacpFastTimeout : LacpSlowTimeout;

    /// <summary>Estimates detection and loss for <paramref name="bond"/>; <paramref name="load"/> (from <see cref="BondBalance"/>) gives the affected share.</summary>
    public static FailoverEstimate Estimate(Network network, Bond bond, BondLoad? load = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(bond);
        var d = bond.Design;
        TimeSpan? link = null;
        string linkHow;
        TimeSpan? arp = null;
        string arpHow = "";
        if (d.ArpInterval > TimeSpan.Zero && d.ArpIpTargets.Count > 0)
        {
            arp = d.ArpInterval * (d.ArpMissedMax + 1.5);
            arpHow = string.Create(CultureInfo.InvariantCulture, $"ARP monitor: no reply for {d.ArpMissedMax} + 1/2 intervals of {Ms(d.ArpInterval)}, checked once per interval: up to {Ms(arp.Value)}");
        }

        TimeSpan down = RoundDown(d.Downdelay, d.Miimon);
        TimeSpan up = RoundDown(d.Updelay, d.Miimon);
        if (d.Miimon > TimeSpan.Zero)
        {
            link = d.Miimon + down;
            linkHow = down > TimeSpan.Zero
                ? $"miimon: carrier loss seen within {Ms(d.Miimon)}, plus downdelay {Ms(down)}: up to {Ms(link.Value)}"
                : $"miimon: carrier loss seen within {Ms(d.Miimon)}";
        }
        else if (arp is not null)
        {
            link = arp;
            linkHow = arpHow;
        }
        else
        {
            linkHow = "no link monitoring (miimon 0, no ARP monitor): a failed member is never taken out";
        }

        TimeSpan? silent = null;
        string silentHow;
        if (bond.Mode == BondMode.Lacp)
        {
            silent = LacpTimeout(d.LacpRate);
            silentHow = d.LacpRate == LacpRate.Fast
                ? "802.3ad: the partner's LACPDUs stop; with lacp-rate fast (one per 1 s) the port times out after 3 s"
                : "802.3ad: the partner's LACPDUs stop; with lacp-rate slow (one per 30 s) the port times out after 90 s";
            if (arp is not null && arp < silent)
            {
                silent = arp;
                silentHow = arpHow;
            }
        }
        else if (arp is not null)
        {
            silent = arp;
            silentHow = arpHow;
        }
        else
        {
            silentHow = "miimon sees only carrier: a member that stays up but passes nothing is never taken out";
        }

        double affected = AffectedShare(bond, load);
        string loss = Loss(bond, affected);
        string? overlay = null;
        if (bond.Carries.Contains(TrafficClass.Overlay))
        {
            bool entropy = OverlayEntropy.Applies(network.Design);
            var window = silent ?? link;
            overlay = entropy
                ? string.Create(CultureInfo.InvariantCulture, $"tunnels: only the inner flows whose outer source port hashes onto the failed member ({affected:P0}) stall")
                : "tunnels: all traffic between two tunnel endpoints shares one outer 5-tuple, so each endpoint pair either loses nothing or everything";
            overlay += window is { } w
                ? w > OvnTunnelBfd
                    ? $"; the window ({Ms(w)}) outlasts tunnel BFD (OVN: 1 s x 3 = 3 s), so a gateway chassis whose BFD packets hash onto that member is declared down and its traffic fails over"
                    : $"; the window ({Ms(w)}) does not outlast tunnel BFD (OVN: 1 s x 3 = 3 s), so tunnels stay up"
                : "; with no monitor the loss lasts until someone intervenes";
        }

        return new FailoverEstimate(bond, link, linkHow, silent, silentHow, up, affected, loss, overlay);
    }

    private static double AffectedShare(Bond bond, BondLoad? load)
    {
        if (load is null || load.FlowCount == 0)
        {
            int n = Math.Max(1, BondSelector.UsableMembers(bond).Count);
            return bond.Mode switch
            {
                BondMode.ActiveBackup => 1,
                BondMode.Broadcast => 0,
                BondMode.BalanceRr => 1,
                _ => 1.0 / n,
            };
        }

        double total = load.Members.Sum(m => m.Flows);
        return bond.Mode switch
        {
            BondMode.Broadcast => 0,
            BondMode.BalanceRr => 1,
            _ => total == 0 ? 0 : load.Members.Max(m => m.Flows) / total,
        };
    }

    private static string Loss(Bond bond, double affected) => bond.Mode switch
    {
        BondMode.ActiveBackup => "active-backup: if the active member fails, all traffic stops until a backup takes over and announces the MAC (gratuitous ARP); a failed backup costs nothing",
        BondMode.Broadcast => "broadcast: nothing is lost; every frame also left on the other members",
        BondMode.BalanceRr => string.Create(CultureInfo.InvariantCulture, $"balance-rr: every flow loses 1 in {Math.Max(1, bond.Members.Count)} packets until the member is taken out; TCP treats that as congestion and slows down"),
        BondMode.BalanceTlb or BondMode.BalanceAlb => string.Create(CultureInfo.InvariantCulture, $"{Tokens.Of(bond.Mode)}: the flows on the failed member ({affected:P0}) are lost until it is taken out; its buckets then move to the least loaded member"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{Tokens.Of(bond.Mode)}: the flows hashed to the failed member ({affected:P0} of this bond's) are lost until it is taken out; then every flow is rehashed over the remaining members (hash % N-1), which moves most flows and can reorder packets in flight"),
    };

    /// <summary>The kernel keeps updelay/downdelay as a count of miimon intervals, rounding down.</summary>
    public static TimeSpan RoundDown(TimeSpan delay, TimeSpan miimon) =>
        miimon <= TimeSpan.Zero ? TimeSpan.Zero : TimeSpan.FromTicks(delay.Ticks / miimon.Ticks * miimon.Ticks);

    /// <summary>A duration as people read it: 100 ms, 3 s, 1.5 s, 90 s.</summary>
    public static string Ms(TimeSpan t) => t.TotalMilliseconds < 1000
        ? t.TotalMilliseconds.ToString("0.#", CultureInfo.InvariantCulture) + " ms"
        : t.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s";
}
