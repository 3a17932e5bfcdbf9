using Dcnet.Bonding;

namespace Dcnet.Tests.Bonding;

/// <summary>Failure detection windows from miimon, updelay/downdelay, the ARP monitor and LACP rate.</summary>
public class FailoverTests
{
    private static FailoverEstimate Estimate(string bond, string platform = "ove")
    {
        var n = BondDesigns.Resolve(bond, platform: platform);
        return Failover.Estimate(n, n.Hosts[0].Bonds[0]);
    }

    [Fact]
    public void Miimon_sees_carrier_loss_within_one_interval_plus_downdelay()
    {
        var f = Estimate("mode: 802.3ad, miimon: 100ms, downdelay: 200ms, updelay: 5s");
        Assert.Equal(TimeSpan.FromMilliseconds(300), f.LinkDown);
        Assert.Equal(TimeSpan.FromSeconds(5), f.Recovery);
    }

    [Fact]
    public void Delays_are_rounded_down_to_whole_miimon_intervals_as_the_kernel_does()
    {
        var f = Estimate("mode: 802.3ad, miimon: 100ms, downdelay: 250ms, updelay: 199ms");
        Assert.Equal(TimeSpan.FromMilliseconds(300), f.LinkDown);
        Assert.Equal(TimeSpan.FromMilliseconds(100), f.Recovery);
    }

    [Theory]
    [InlineData("fast", 3)]
    [InlineData("slow", 90)]
    public void A_silent_failure_is_seen_only_by_lacp_after_three_periods(string rate, int seconds)
    {
        var f = Estimate($"mode: 802.3ad, lacp-rate: {rate}");
        Assert.Equal(TimeSpan.FromSeconds(seconds), f.Silent);
        Assert.Contains(seconds + " s", f.SilentHow, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_lacp_or_an_arp_monitor_a_silent_failure_is_never_seen()
    {
        var f = Estimate("mode: balance-xor");
        Assert.Null(f.Silent);
        Assert.Contains("never taken out", f.SilentHow, StringComparison.Ordinal);
    }

    [Fact]
    public void The_arp_monitor_declares_a_member_down_after_missed_max_and_a_half_intervals_checked_once_per_interval()
    {
        var f = Estimate("mode: active-backup, miimon: 0s, arp-interval: 1s, arp-ip-targets: [10.0.0.1]");
        Assert.Equal(TimeSpan.FromSeconds(3.5), f.LinkDown);
        Assert.Equal(TimeSpan.FromSeconds(3.5), f.Silent);
    }

    [Fact]
    public void With_no_monitor_at_all_nothing_is_ever_taken_out()
    {
        var f = Estimate("mode: balance-xor, miimon: 0s");
        Assert.Null(f.LinkDown);
        Assert.Null(f.Silent);
    }

    [Fact]
    public void A_slow_lacp_window_outlasts_ovn_tunnel_bfd_and_a_fast_one_does_not()
    {
        Assert.Contains("outlasts tunnel BFD", Estimate("mode: 802.3ad, lacp-rate: slow").Overlay, StringComparison.Ordinal);
        Assert.Contains("does not outlast tunnel BFD", Estimate("mode: 802.3ad, lacp-rate: fast").Overlay, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_entropy_a_tunnel_pair_loses_all_or_nothing()
    {
        var n = Dcnet.Topology.Resolver.Resolve(Dcnet.Design.DesignLoader.Parse(BondDesigns.Yaml("mode: 802.3ad").Replace("overlay: { type: geneve,", "overlay: { type: geneve, source-port-entropy: false,", StringComparison.Ordinal)));
        Assert.Contains("either loses nothing or everything", Failover.Estimate(n, n.Hosts[0].Bonds[0]).Overlay, StringComparison.Ordinal);
    }

    [Fact]
    public void Active_backup_loses_everything_when_the_active_member_fails()
    {
        var f = Estimate("mode: active-backup");
        Assert.Equal(1.0, f.AffectedShare);
        Assert.Contains("all traffic stops", f.Loss, StringComparison.Ordinal);
    }
}
