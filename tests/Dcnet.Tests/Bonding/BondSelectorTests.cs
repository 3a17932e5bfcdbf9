using System.Net;
using Dcnet.Bonding;
using Dcnet.Topology;
using Dcnet.Wire;

namespace Dcnet.Tests.Bonding;

/// <summary>The member a bond picks for one frame: the API the packet walk calls.</summary>
public class BondSelectorTests
{
    private static readonly MacAddress VmMac = MacAddress.Parse("02:dc:00:00:00:07");
    private static readonly MacAddress GwMac = MacAddress.Parse("02:de:00:00:00:05");

    private static Frame Tcp(ushort sport, ushort? vlan = 100, string dst = "203.0.113.10") => new(
        [new EthernetLayer(GwMac, VmMac), .. vlan is ushort v ? new Layer[] { new VlanLayer(v) } : [], new Ipv4Layer(IPAddress.Parse("10.2.0.20"), IPAddress.Parse(dst)), new TcpLayer(sport, 443)],
        new byte[32]);

    private static Bond Bond0(string bond, bool mlag = true, int members = 2) => BondDesigns.Resolve(bond, mlag, members: members).Hosts[0].Bonds[0];

    [Fact]
    public void Lacp_picks_hash_modulo_usable_members_exactly_as_the_transmit_hash_says()
    {
        var bond = Bond0("mode: 802.3ad, xmit-hash-policy: layer3+4");
        for (ushort port = 40000; port < 40064; port++)
        {
            var frame = Tcp(port);
            var pick = BondSelector.Select(bond, frame);
            uint hash = TransmitHash.Compute(FlowKey.FromFrame(frame), XmitHashPolicy.Layer34);
            Assert.Equal(BondSelectionKind.Exact, pick.Kind);
            Assert.Equal(hash, pick.Hash);
            Assert.Same(bond.Members[(int)(hash % 2)], pick.Member);
            Assert.Contains($"hash 0x{hash:x8} % 2 usable members", pick.Why, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Leaving_a_failed_member_out_rehashes_every_flow_over_the_rest()
    {
        var bond = Bond0("mode: balance-xor, xmit-hash-policy: layer3+4", members: 3);
        var survivors = new[] { bond.Members[0], bond.Members[2] };
        for (ushort port = 50000; port < 50032; port++)
        {
            var pick = BondSelector.Select(bond, Tcp(port), survivors);
            Assert.Same(survivors[(int)(pick.Hash!.Value % 2)], pick.Member);
        }

        Assert.Equal(BondSelectionKind.Dropped, BondSelector.Select(bond, Tcp(1), []).Kind);
    }

    [Fact]
    public void A_metadata_vlan_tag_changes_only_vlan_srcmac()
    {
        var l34 = Bond0("mode: 802.3ad, xmit-hash-policy: layer3+4");
        Assert.Equal(BondSelector.Select(l34, Tcp(40000, vlan: null)).Hash, BondSelector.Select(l34, Tcp(40000, vlan: 100)).Hash);
        var srcmac = Bond0("mode: 802.3ad, xmit-hash-policy: vlan+srcmac");
        Assert.Equal(BondSelector.Select(srcmac, Tcp(40000, vlan: null)).Hash ^ 100u, BondSelector.Select(srcmac, Tcp(40000, vlan: 100)).Hash);
    }

    [Fact]
    public void Active_backup_sends_everything_on_the_first_member()
    {
        var bond = Bond0("mode: active-backup");
        Assert.All(Enumerable.Range(0, 16), i => Assert.Same(bond.Members[0], BondSelector.Select(bond, Tcp((ushort)(1000 + i))).Member));
    }

    [Fact]
    public void Broadcast_sends_a_copy_on_every_member()
    {
        var bond = Bond0("mode: broadcast", members: 3);
        var pick = BondSelector.Select(bond, Tcp(1));
        Assert.Equal(BondSelectionKind.Replicated, pick.Kind);
        Assert.Equal(bond.Members, pick.Members);
    }

    [Fact]
    public void Balance_rr_takes_the_next_member_for_each_packet()
    {
        var bond = Bond0("mode: balance-rr", members: 3);
        var picks = Enumerable.Range(0, 6).Select(i => BondSelector.Select(bond, Tcp(1), packetIndex: i).Member!.Name).ToList();
        Assert.Equal(["ens2f0", "ens3f0", "ens1f0", "ens2f0", "ens3f0", "ens1f0"], picks);
        Assert.All(Enumerable.Range(0, 3), i => Assert.Equal(BondSelectionKind.PerPacket, BondSelector.Select(bond, Tcp(1), packetIndex: i).Kind));
    }

    [Fact]
    public void Tlb_without_dynamic_lb_hashes_like_balance_xor()
    {
        var tlb = Bond0("mode: balance-tlb, xmit-hash-policy: layer3+4, tlb-dynamic-lb: false");
        var xor = Bond0("mode: balance-xor, xmit-hash-policy: layer3+4");
        for (ushort port = 1; port < 40; port++)
        {
            var a = BondSelector.Select(tlb, Tcp(port));
            Assert.Equal(BondSelectionKind.Exact, a.Kind);
            Assert.Equal(BondSelector.Select(xor, Tcp(port)).Member!.Name, a.Member!.Name);
        }
    }

    [Fact]
    public void Dynamic_alb_is_load_dependent_and_buckets_by_the_destination_address()
    {
        var bond = Bond0("mode: balance-alb");
        var pick = BondSelector.Select(bond, Tcp(1, dst: "203.0.113.10"));
        Assert.Equal(BondSelectionKind.LoadDependent, pick.Kind);

        // _simple_hash(): 203 ^ 0 ^ 113 ^ 10 = 0xb0 = 176.
        Assert.Contains("bucket 176 (the XOR of the destination IP bytes)", pick.Why, StringComparison.Ordinal);
        var arp = new Frame([new EthernetLayer(MacAddress.Broadcast, VmMac, 0x0806)], new byte[28]);
        Assert.Contains("ARP", BondSelector.Select(bond, arp).Why, StringComparison.Ordinal);
    }

    [Fact]
    public void Lacp_members_on_two_unpaired_leaves_transmit_only_in_the_first_aggregator()
    {
        var bond = Bond0("mode: 802.3ad, xmit-hash-policy: layer3+4", mlag: false);
        Assert.Equal(2, BondSelector.Aggregators(bond).Count);
        Assert.Equal([bond.Members[0]], BondSelector.UsableMembers(bond));
        Assert.All(Enumerable.Range(0, 20), i => Assert.Same(bond.Members[0], BondSelector.Select(bond, Tcp((ushort)(2000 + i))).Member));
    }

    [Fact]
    public void The_example_in_the_api_documentation_gives_what_it_says()
    {
        var network = BondDesigns.Resolve("mode: 802.3ad, xmit-hash-policy: layer3+4");
        var host = network.Hosts[0];
        var frame = new Frame([new EthernetLayer(MacAddress.Parse("02:de:00:00:00:04"), MacAddress.Parse("02:dc:00:00:00:01")),
                               new VlanLayer(100), new Ipv4Layer(IPAddress.Parse("10.1.0.10"), IPAddress.Parse("203.0.113.10")),
                               new TcpLayer(49152, 443)], []);
        var pick = BondSelector.Select(host.BondFor(Dcnet.Design.TrafficClass.Vm)!, frame);
        Assert.Equal("ens2f0", pick.Member!.Name);
        Assert.Equal(0x5de5e565u, pick.Hash);
        Assert.Equal("802.3ad layer3+4: hash 0x5de5e565 % 2 usable members = 1 (ens2f0)", pick.Why);
    }
}
