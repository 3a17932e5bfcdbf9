using Dcnet.Bonding;
using Dcnet.Topology;

namespace Dcnet.Tests.Bonding;

/// <summary>How each mode spreads the design's traffic profile over the members of a bond.</summary>
public class BondBalanceTests
{
    private static (TrafficModel Model, Bond Bond) First(string bond, bool mlag = true, int members = 2, string top = "")
    {
        var n = BondDesigns.Resolve(bond, mlag, members: members, top: top);
        return (TrafficModel.Build(n), n.Hosts[0].Bonds[0]);
    }

    private static BondLoad Load(string bond, bool mlag = true, int members = 2, string top = "")
    {
        var (m, b) = First(bond, mlag, members, top);
        return BondBalance.Analyze(b, m.FlowsOf(b));
    }

    [Fact]
    public void The_profile_gives_every_vm_host_north_south_east_west_storage_and_migration_flows()
    {
        var (model, bond) = First("mode: 802.3ad, xmit-hash-policy: layer3+4");
        var kinds = model.FlowsOf(bond).Select(f => f.Kind).Distinct().Order().ToList();
        Assert.Equal([TrafficKind.NorthSouth, TrafficKind.EastWest, TrafficKind.Storage, TrafficKind.LiveMigration], kinds);

        // 5 VMs on this host (40 VMs spread over 8 hosts), 4 connections each to the outside; 2 storage replicas; 1 migration.
        Assert.Equal(20, model.FlowsOf(bond).Count(f => f.Kind == TrafficKind.NorthSouth));
        Assert.Equal(2, model.FlowsOf(bond).Count(f => f.Kind == TrafficKind.Storage));
        Assert.Equal(1, model.FlowsOf(bond).Count(f => f.Kind == TrafficKind.LiveMigration));
    }

    [Fact]
    public void Active_backup_carries_everything_on_the_first_member()
    {
        var load = Load("mode: active-backup");
        Assert.Equal([1.0, 0.0], load.FlowShares);
        Assert.Equal(2.0, load.FlowImbalance, 6);
    }

    [Fact]
    public void Balance_rr_splits_every_flow_evenly()
    {
        var load = Load("mode: balance-rr", members: 3);
        Assert.All(load.FlowShares, s => Assert.Equal(1.0 / 3, s, 9));
        Assert.Equal(1.0, load.ByteImbalance, 9);
        Assert.False(load.Worst!.Capped);
    }

    [Fact]
    public void Broadcast_puts_a_copy_of_everything_on_every_member()
    {
        var load = Load("mode: broadcast");
        Assert.All(load.Members, m => Assert.Equal(load.BitsPerSecond, m.BitsPerSecond, 3));
    }

    [Fact]
    public void Lacp_on_unpaired_leaves_uses_one_aggregator_so_one_member_carries_everything()
    {
        var load = Load("mode: 802.3ad, xmit-hash-policy: layer3+4", mlag: false);
        Assert.Equal([1.0, 0.0], load.FlowShares);
        Assert.False(load.Members[1].Usable);
        Assert.Contains("only 1 of 2 members are in the active aggregator", load.Note, StringComparison.Ordinal);
    }

    [Fact]
    public void A_single_migration_stream_is_capped_at_one_member_with_hashing_but_not_with_round_robin()
    {
        var hashed = Load("mode: 802.3ad, xmit-hash-policy: layer3+4");
        Assert.Equal(TrafficKind.LiveMigration, hashed.Worst!.Flow.Kind);
        Assert.Equal(50e9, hashed.Worst.Flow.BitsPerSecond);
        Assert.Equal(25e9, hashed.Worst.CappedBitsPerSecond);
        Assert.True(hashed.Worst.Capped);
        Assert.False(Load("mode: balance-rr").Worst!.Capped);
    }

    [Fact]
    public void Dynamic_tlb_places_buckets_on_the_least_loaded_member_so_bytes_come_out_near_even()
    {
        var load = Load("mode: balance-tlb, xmit-hash-policy: layer3+4", top: "traffic-profile: { live-migration: { concurrent: 0 } }");
        Assert.Contains("buckets (hash & 0xff)", load.Note, StringComparison.Ordinal);
        Assert.InRange(load.ByteImbalance, 1.0, 1.35);
    }

    [Fact]
    public void Imbalance_is_the_largest_member_over_the_mean()
    {
        Assert.Equal(1.0, BondBalance.Imbalance([5, 5]));
        Assert.Equal(2.0, BondBalance.Imbalance([10, 0]));
        Assert.Equal(1.5, BondBalance.Imbalance([3, 1]));
        Assert.Equal(3.0, BondBalance.Imbalance([6, 0, 0]));
        Assert.Equal(0.0, BondBalance.Imbalance([0, 0]));
    }

    [Fact]
    public void The_same_design_gives_the_same_flows_and_loads()
    {
        var a = Dcnet.Tests.Support.Designs.Example("dc-5000.yaml");
        var b = Dcnet.Tests.Support.Designs.Example("dc-5000.yaml");
        Assert.Equal(BondsReport.Build(a).Json(), BondsReport.Build(b).Json());
    }

    [Fact]
    public void Tunnelled_flows_hash_like_the_frames_they_stand_for()
    {
        // The profile builds keys arithmetically; rebuild one tunnelled flow as a real GENEVE frame and dissect it.
        var n = Dcnet.Tests.Support.Designs.Example("lab-small.yaml");
        var model = TrafficModel.Build(n);
        var bond = n.Hosts[0].Bonds[0];
        var flow = model.FlowsOf(bond).First(f => f.Tunnelled);
        var host = n.Hosts[0];
        var peer = n.FindDevice(flow.To) is Host h ? h : n.Hosts.First(x => x.Vms.Any(v => v.Name == flow.To));
        var tep = host.TunnelEndpoint!;
        var peerTep = peer.TunnelEndpoint!;
        foreach (ushort sport in Enumerable.Range(1, 65535).Select(p => (ushort)p))
        {
            var frame = new Dcnet.Wire.Frame(
                [new Dcnet.Wire.EthernetLayer(MacPlan.Of(peerTep), MacPlan.Of(tep)), new Dcnet.Wire.VlanLayer(10), new Dcnet.Wire.Ipv4Layer(tep.V4!, peerTep.V4!), new Dcnet.Wire.UdpLayer(sport, Dcnet.Wire.GeneveLayer.Port), new Dcnet.Wire.GeneveLayer(10000)],
                new byte[64]);
            var key = FlowKey.FromFrame(frame);
            if (key.BondL4 == flow.Key.BondL4)
            {
                foreach (var p in Enum.GetValues<XmitHashPolicy>())
                {
                    Assert.Equal(TransmitHash.Compute(flow.Key, p), TransmitHash.Compute(key, p));
                }

                return;
            }
        }

        Assert.Fail("no source port reproduces the profiled flow");
    }
}
