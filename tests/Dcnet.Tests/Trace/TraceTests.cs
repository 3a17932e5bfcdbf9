using Dcnet.Design;
using Dcnet.Tests.Support;
using Dcnet.Trace;
using Dcnet.Wire;

namespace Dcnet.Tests.Trace;

/// <summary>The packet walk on the seed scenario and on small designs that set up one MTU situation each.</summary>
public class TraceTests
{
    private static readonly Lazy<Tracer> Seed = new(() => new Tracer(Designs.Example("dc-5000.yaml")));
    private static readonly Lazy<Tracer> Pitfalls = new(() => new Tracer(Designs.Example("dc-5000-pitfalls.yaml")));

    private static TraceResult Run(Tracer t, string from, string to, int? size = null, bool df = true, IpFamily family = IpFamily.Ipv4, TraceProtocol proto = TraceProtocol.Tcp, ushort dport = 443) =>
        t.Trace(new TraceRequest { From = from, To = to, Size = size, DontFragment = df, Family = family, Protocol = proto, DestinationPort = dport });

    [Fact]
    public void Seed_question_vlan_100_to_vlan_200_is_routed_by_the_leaf_anycast_gateway_with_symmetric_irb()
    {
        var r = Run(Seed.Value, "vm-legacy-web-0001", "vm-legacy-db-0007", dport: 5432);
        Assert.Equal(TraceVerdict.Delivered, r.Verdict);
        var actions = r.Hops.Select(h => (h.Device, Tokens.Of(h.Action))).ToList();
        Assert.Contains(("worker-001", "tag"), actions);
        Assert.Contains(actions, a => a.Item2 == "route" && a.Device is "leaf-01" or "leaf-02"); // the leaf the bond hash picked
        Assert.Contains(r.Hops, h => h.Action == HopAction.Encap && h.Frame!.Find<VxlanLayer>()?.Vni == Tracer.EvpnL3Vni);
        Assert.Contains(r.Hops, h => h.Kind == "spine" && h.Action == HopAction.Route);
        Assert.Contains(r.Hops, h => h.Ecmp is not null && h.Ecmp.Candidates.Count == 4);
        Assert.Contains(r.Hops, h => h.Action == HopAction.Untag);
        Assert.Equal(HopAction.Deliver, r.Hops[^1].Action);
        Assert.Equal(62, r.Hops[^1].Frame!.Find<Ipv4Layer>()!.Ttl); // routed twice: into the L3VNI, out into VLAN 200
        int untag = r.Hops.ToList().FindIndex(h => h.Action == HopAction.Untag);
        Assert.Equal(200, r.Hops[untag - 1].Frame!.Find<VlanLayer>()!.Vid);
        Assert.Null(r.Hops[untag].Frame!.Find<VlanLayer>());
    }

    [Fact]
    public void Seed_trace_text_and_json_are_golden()
    {
        var r = Run(Seed.Value, "vm-legacy-web-0001", "vm-legacy-db-0007", dport: 5432);
        Golden.Assert("tests/Dcnet.Tests/Trace/Golden/seed-vlan100-to-vlan200.txt", TraceFormatter.Text(r));
        Golden.Assert("tests/Dcnet.Tests/Trace/Golden/seed-vlan100-to-vlan200.json", TraceFormatter.Json(r));
        var overlay = Run(Seed.Value, "vm-app-002-0001", "vm-app-001-0001"); // rule app-api: app-0* -> app-001 tcp 443
        Golden.Assert("tests/Dcnet.Tests/Trace/Golden/seed-overlay.txt", TraceFormatter.Text(overlay));
        Golden.Assert("tests/Dcnet.Tests/Trace/Golden/seed-overlay.json", TraceFormatter.Json(overlay));
    }

    /// <summary>
    /// Trace skips the probe walk when no MTU touched the packet: that packet has seen every limit already. The slow
    /// twin always probes; both must agree on every field for random endpoints, sizes (around the usual limits), DF,
    /// protocols and families, on designs with clean and broken MTUs.
    /// </summary>
    [Theory]
    [InlineData("dc-5000.yaml")]
    [InlineData("dc-5000-pitfalls.yaml")]
    [InlineData("lab-small.yaml")]
    public void Skipping_the_probe_walk_never_changes_a_result(string example)
    {
        var t = new Tracer(Designs.Example(example));
        var n = t.Network;
        var rnd = new Random(7);
        int?[] sizes = [null, 64, 1200, 1400, 1442, 1443, 1450, 1500, 1501, 4000, 8950, 9000, 9001];
        string Endpoint() => rnd.Next(10) switch
        {
            0 => n.Hosts[rnd.Next(n.Hosts.Count)].Name,
            1 => rnd.Next(2) == 0 ? "198.51.100.7" : "2001:db8:77::7",
            _ => n.Vms[rnd.Next(n.Vms.Count)].Name,
        };

        int sizeLimited = 0;
        for (int i = 0; i < 1500; i++)
        {
            var req = new TraceRequest
            {
                From = Endpoint(),
                To = Endpoint(),
                Size = sizes[rnd.Next(sizes.Length)],
                DontFragment = rnd.Next(3) != 0,
                Family = rnd.Next(3) == 0 ? IpFamily.Ipv6 : IpFamily.Ipv4,
                Protocol = (TraceProtocol)rnd.Next(3),
            };
            TraceResult fast, slow;
            try
            {
                fast = t.Trace(req);
                slow = t.TraceAlwaysProbing(req);
            }
            catch (ArgumentException)
            {
                continue; // an endpoint without an address in that family
            }

            Assert.Equal(TraceFormatter.Json(slow), TraceFormatter.Json(fast));
            sizeLimited += fast.Verdict is TraceVerdict.Fragmented or TraceVerdict.TooBigAtSource or TraceVerdict.BlackHoled ? 1 : 0;
        }

        Assert.True(sizeLimited > 0 || example == "lab-small.yaml", "no request was size-limited: the sizes miss the design's MTUs");
    }

    [Fact]
    public void A_drop_hop_adds_no_latency_and_the_total_stops_where_the_packet_does()
    {
        var r = Run(Seed.Value, "vm-app-001-0001", "vm-app-002-0001"); // between groups: app-002's default deny
        Assert.Equal(TraceVerdict.Dropped, r.Verdict);
        var drop = r.Hops[^1];
        Assert.Equal(HopAction.Drop, drop.Action);
        Assert.Equal(0, drop.Latency.TotalNs);
        Assert.Equal("none", drop.Latency.DeviceKind);

        // The switch hop before it carries the ACL decision and the vSwitch's figure, once.
        Assert.Equal(drop.Device, r.Hops[^2].Device);
        Assert.Equal(drop.Acl, r.Hops[^2].Acl);
        Assert.True(r.Hops[^2].Latency.DeviceNs > 0);

        string text = TraceFormatter.Text(r);
        Assert.Contains("latency (one way, up to where it stops): ", text, StringComparison.Ordinal);
        string dropBlock = text[text.IndexOf($"{drop.Index,3}  {drop.Device}", StringComparison.Ordinal)..text.IndexOf("\npath MTU", StringComparison.Ordinal)];
        Assert.DoesNotContain("latency:", dropBlock, StringComparison.Ordinal);
    }

    [Fact]
    public void Overlay_pair_across_hosts_is_geneve_encapsulated_with_ovns_option()
    {
        var r = Run(Seed.Value, "vm-app-001-0001", "vm-app-001-0002");
        Assert.Equal(TraceVerdict.Delivered, r.Verdict);
        var encap = r.Hops.Single(h => h.Action == HopAction.Encap && h.Kind == "host");
        var g = encap.Frame!.Find<GeneveLayer>()!;
        Assert.Equal(GeneveLayer.Port, encap.Frame.Find<UdpLayer>()!.DestinationPort);
        Assert.Equal((ushort)0x0102, g.OptionList.Single().Class);
        Assert.Equal(1500 + 58, FrameCodec.Encode(encap.Frame).Length - 14);
        Assert.Equal(1472, r.MaxDfPayload);
    }

    [Fact]
    public void Geneve_over_1500_underlay_leaves_1442_bytes_for_vms()
    {
        var r = Run(Pitfalls.Value, "vm-app-001-0001", "vm-app-001-0002");
        Assert.Equal(TraceVerdict.Dropped, r.Verdict);
        Assert.Contains("dropped silently", r.VerdictDetail, StringComparison.Ordinal);
        Assert.Equal(1500, r.PathMtu);                 // PMTUD learns nothing: the VM keeps sending 1500
        Assert.Equal(1442 - 28, r.MaxDfPayload);        // 1442-byte packets are the largest that get through
        Assert.Equal(TraceVerdict.Delivered, Run(Pitfalls.Value, "vm-app-001-0001", "vm-app-001-0002", size: 1442).Verdict);
        Assert.Equal(TraceVerdict.Dropped, Run(Pitfalls.Value, "vm-app-001-0001", "vm-app-001-0002", size: 1443).Verdict);
    }

    [Fact]
    public void Icmp_too_big_filtered_at_the_border_is_a_black_hole()
    {
        var r = Run(Pitfalls.Value, "worker-010/bond1.30", "198.51.100.7", size: 9000);
        Assert.Equal(TraceVerdict.BlackHoled, r.Verdict);
        Assert.Equal(9000, r.PathMtu);
        Assert.Equal(1472, r.MaxDfPayload);
        Assert.Contains("ICMP is filtered", r.VerdictDetail, StringComparison.Ordinal);

        var unfiltered = Run(Seed.Value, "worker-010", "198.51.100.7", size: 9000);
        Assert.Equal(TraceVerdict.Dropped, unfiltered.Verdict);
        Assert.Equal(1500, unfiltered.PathMtu); // the ICMP gets back, so PMTUD learns 1500
        Assert.Contains("fragmentation needed (next-hop MTU 1500)", unfiltered.VerdictDetail, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_df_a_router_fragments_ipv4()
    {
        var r = Run(Seed.Value, "worker-010", "198.51.100.7", size: 9000, df: false);
        Assert.Equal(TraceVerdict.Fragmented, r.Verdict);
        Assert.Equal(7, r.Fragments); // (9000 - 20) / 1480 = 6.07
        var frag = r.Hops.Single(h => h.Action == HopAction.Fragment).Frame!.Find<Ipv4Layer>()!;
        Assert.True(frag.MoreFragments);
    }

    [Fact]
    public void Ipv6_routers_never_fragment_they_send_packet_too_big()
    {
        var r = Run(Seed.Value, "worker-010", "2001:db8::7", size: 9000, df: false, family: IpFamily.Ipv6);
        Assert.Equal(TraceVerdict.Dropped, r.Verdict);
        Assert.Contains("Packet Too Big (MTU 1500)", r.VerdictDetail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_packet_larger_than_the_senders_mtu_is_refused_at_the_source()
    {
        var r = Run(Seed.Value, "vm-app-001-0001", "vm-app-001-0002", size: 1600);
        Assert.Equal(TraceVerdict.TooBigAtSource, r.Verdict);
        Assert.Contains("message too long, mtu=1500", r.VerdictDetail, StringComparison.Ordinal);
    }

    [Fact]
    public void Overlay_vms_reach_the_outside_through_snat_to_the_node_address()
    {
        var r = Run(Seed.Value, "vm-app-001-0001", "198.51.100.7", size: 100);
        Assert.Equal(TraceVerdict.Delivered, r.Verdict);
        var snat = r.Hops.Single(h => h.Action == HopAction.Snat);
        Assert.Equal("10.10.0.14", snat.Frame!.Find<Ipv4Layer>()!.Source.ToString());
    }

    [Fact]
    public void Nothing_outside_reaches_an_overlay_vm_directly() =>
        Assert.Equal(TraceVerdict.Unreachable, Run(Seed.Value, "198.51.100.7", "vm-app-001-0001", size: 100).Verdict);

    [Fact]
    public void Same_host_vms_on_one_network_are_switched_locally()
    {
        var lab = new Tracer(Designs.Example("lab-small.yaml"));
        var host = lab.Network.Hosts.First(h => h.Vms.GroupBy(v => v.Group).Any(g => g.Count() >= 2));
        var pair = host.Vms.GroupBy(v => v.Group).First(g => g.Count() >= 2).Take(2).ToList(); // one group: the policy allows it
        var r = Run(lab, pair[0].Name, pair[1].Name);
        Assert.Equal(TraceVerdict.Delivered, r.Verdict);
        Assert.DoesNotContain(r.Hops, h => h.Kind is "leaf" or "spine");
    }

    [Fact]
    public void A_vlan_missing_from_the_senders_trunk_is_unreachable()
    {
        string yaml = Designs.Minimal.Replace("  - { name: tenant", "  - { name: storage, kind: host-vlan, role: storage, vlan: 20, ipv4: 10.2.0.0/24 }\n  - { name: tenant", StringComparison.Ordinal)
            .Replace("carries: [management, vm, overlay] }", "carries: [management, vm, overlay, storage] }\n    overrides: [{ host: h-001, bond: bond0, remove-vlans: [20] }]", StringComparison.Ordinal);
        var r = new Tracer(Designs.Resolve(yaml)).Trace(new TraceRequest { From = "h-002", To = "10.2.0.11", Size = 100 });
        Assert.Equal(TraceVerdict.Unreachable, r.Verdict);
        Assert.Contains("VLAN 20 (storage) is not allowed on h-001/bond0", r.VerdictDetail, StringComparison.Ordinal);
    }

    [Fact]
    public void An_l2_mtu_mismatch_drops_silently_and_the_receiver_takes_4_bytes_of_slack()
    {
        string yaml = Designs.Minimal.Replace("{ name: bond0, members: [eth0, eth1], carries: [management, vm, overlay] }", "{ name: bond0, members: [eth0, eth1], mtu: 9000, carries: [management, vm, overlay] }\n    overrides: [{ host: h-002, bond: bond0, mtu: 1500 }]", StringComparison.Ordinal)
            .Replace("vlan: 10, ipv4: 10.0.0.0/24 }", "vlan: 10, ipv4: 10.0.0.0/24, mtu: 9000 }", StringComparison.Ordinal);
        var t = new Tracer(Designs.Resolve(yaml));
        var r = t.Trace(new TraceRequest { From = "h-001", To = "h-002", Size = 9000, Protocol = TraceProtocol.Icmp });
        Assert.Equal(TraceVerdict.Dropped, r.Verdict);
        Assert.Contains("dropped silently", r.VerdictDetail, StringComparison.Ordinal);
        Assert.Equal(9000, r.PathMtu);
        Assert.Equal(1500 + 4 - 28, r.MaxDfPayload);
    }

    [Fact]
    public void Trace_picks_the_bond_member_with_the_linux_transmit_hash()
    {
        var n = Seed.Value.Network;
        var members = new HashSet<string>();
        foreach (var to in new[] { "vm-app-002-0001", "vm-app-003-0004", "vm-app-050-0007", "vm-legacy-db-0003", "vm-app-101-0002" })
        {
            var r = Run(Seed.Value, "vm-app-001-0001", to);
            foreach (var hop in r.Hops.Where(h => h.Bond is not null))
            {
                var bond = ((Dcnet.Topology.Host)n.FindDevice(hop.Device)!).Bonds.Single(b => b.Name == hop.Bond!.Bond);
                var expected = Dcnet.Bonding.BondSelector.Select(bond, hop.Frame!);
                Assert.Equal(expected.Member!.Name, hop.Bond!.Member);
                Assert.Equal(expected.Why, hop.Bond.Why);
                members.Add(hop.Bond.Member);
            }
        }

        Assert.Equal(2, members.Count); // different flows land on both members of the LACP bond
    }

    [Fact]
    public void Segmentation_drops_show_the_deciding_acl_and_allowed_packets_the_rule_that_let_them_through()
    {
        var denied = Run(Seed.Value, "vm-legacy-web-0001", "vm-legacy-db-0007", dport: 22);
        Assert.Equal(TraceVerdict.Dropped, denied.Verdict);
        var drop = denied.Hops[^1];
        Assert.Equal(HopAction.Drop, drop.Action);
        Assert.Equal(("ls_out_acl", 1000, "to-lport", true), (drop.Acl!.Stage, drop.Acl.Priority, drop.Acl.Direction, drop.Acl.IsDefault));
        Assert.Contains("dropped by the default rule", denied.VerdictDetail, StringComparison.Ordinal);
        Assert.Equal("worker-067", drop.Device); // a to-lport drop happens on the destination chassis, after the fabric

        var allowed = Run(Seed.Value, "vm-legacy-web-0001", "vm-legacy-db-0007", dport: 5432);
        var hop = allowed.Hops.Last(h => h.Acl is not null);
        Assert.False(hop.Acl!.IsDefault);
        Assert.Contains("tcp.dst == 5432", hop.Acl.Match, StringComparison.Ordinal);
        Assert.StartsWith("allow-related (rule1:web-to-db", hop.Acl.Action, StringComparison.Ordinal);
    }

    [Fact]
    public void Pcap_holds_one_frame_per_hop_that_tshark_can_read()
    {
        var r = Run(Seed.Value, "vm-app-001-0001", "vm-app-002-0001");
        var frames = PcapWriter.Read(TraceFormatter.Pcap(r));
        Assert.Equal(r.Hops.Count(h => h.Frame is not null), frames.Count);
        Assert.Equal(FrameCodec.Encode(r.Hops[0].Frame!), frames[0]);
    }

    [Fact]
    public void Icmp_and_ipv6_traces_work_end_to_end()
    {
        var r = Run(Seed.Value, "vm-legacy-web-0001", "vm-legacy-web-0002", family: IpFamily.Ipv6, proto: TraceProtocol.Icmp); // within the group: allowed
        Assert.Equal(TraceVerdict.Delivered, r.Verdict);
        Assert.Equal(1500 - 48, r.MaxDfPayload);
        Assert.NotNull(r.Hops[^1].Frame!.Find<Icmpv6Layer>());
    }

    [Fact]
    public void Unknown_endpoints_are_argument_errors_with_suggestions()
    {
        var e = Assert.Throws<ArgumentException>(() => Run(Seed.Value, "vm-legacy-web-001", "worker-001"));
        Assert.Contains("did you mean 'vm-legacy-web-0001'?", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Latency_terms_add_up_and_overrides_apply()
    {
        var n = Seed.Value.Network;
        var fast = new Tracer(n, new LatencyProfile().With(["switch=100ns", "vm=1us"]));
        var a = Run(Seed.Value, "vm-legacy-web-0001", "vm-legacy-db-0007");
        var b = Run(fast, "vm-legacy-web-0001", "vm-legacy-db-0007");
        Assert.True(b.LatencyNs < a.LatencyNs);
        Assert.Equal(a.Hops.Sum(h => h.Latency.SerializationNs), b.Hops.Sum(h => h.Latency.SerializationNs));
        Assert.Throws<ArgumentException>(() => new LatencyProfile().With(["swich=1us"]));
    }
}
