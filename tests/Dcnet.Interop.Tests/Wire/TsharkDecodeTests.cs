using System.Globalization;
using System.Net;
using System.Text.Json;
using Dcnet.Interop.Tests.Support;
using Dcnet.Wire;

namespace Dcnet.Interop.Tests.Wire;

/// <summary>
/// Every codec's output written to pcap and decoded by tshark, an independent decoder: VLAN id and PCP, VNI, GENEVE
/// option class/type/length, ports, lengths, checksums and fragment offsets must equal what dcnet encoded.
/// </summary>
public class TsharkDecodeTests
{
    private static readonly MacAddress A = MacAddress.Parse("02:00:00:00:00:01");
    private static readonly MacAddress B = MacAddress.Parse("02:00:00:00:00:02");

    private static Frame Tcp() => new(
        [new EthernetLayer(B, A), new Ipv4Layer(IPAddress.Parse("198.51.100.1"), IPAddress.Parse("198.51.100.2"), Identification: 7), new TcpLayer(33333, 443, Sequence: 1000, Flags: TcpFlags.Syn, Mss: 1460)],
        []);

    private static Frame Udp6() => new(
        [new EthernetLayer(B, A), new Ipv6Layer(IPAddress.Parse("2001:db8::1"), IPAddress.Parse("2001:db8::2")), new UdpLayer(5353, 53)],
        new byte[24]);

    /// <summary>The frames under test, each with the assertions tshark's view must satisfy.</summary>
    private static IEnumerable<(string Name, Frame Frame, Action<JsonElement> Check)> Cases()
    {
        yield return ("802.1Q PCP 5 VID 100", Encapsulation.Tag(Tcp(), 100, pcp: 5), l =>
        {
            Assert.Equal("100", Field(l, "vlan", "vlan.id"));
            Assert.Equal("5", Field(l, "vlan", "vlan.priority"));
            Assert.Equal("0x0800", Field(l, "vlan", "vlan.etype"));
        });
        yield return ("QinQ 200/100", Encapsulation.Tag(Encapsulation.Tag(Udp6(), 100), 200, tpid: VlanLayer.Dot1ad), l =>
        {
            Assert.Equal("200", Field(l, "ieee8021ad", "ieee8021ad.id"));
            Assert.Equal("100", Field(l, "vlan", "vlan.id"));
        });

        var tep = new TunnelEndpoints(A, B, IPAddress.Parse("192.0.2.1"), IPAddress.Parse("192.0.2.2"), 49152, DontFragment: true, Identification: 99);
        yield return ("VXLAN VNI 5000", Encapsulation.Vxlan(Tcp(), 5000, tep), l =>
        {
            Assert.Equal("5000", Field(l, "vxlan", "vxlan.vni"));
            Assert.Equal("4789", Nth(l, "udp", 0, "udp.dstport"));
            Assert.Equal("49152", Nth(l, "udp", 0, "udp.srcport"));
            Assert.Equal(I(8 + 8 + 14 + 20 + 24), Nth(l, "udp", 0, "udp.length"));
        });
        yield return ("GENEVE with OVN's option", Encapsulation.Geneve(Tcp(), 0x123456, tep with { UdpChecksum = true }, [GeneveOption.Ovn(3, 5)]), l =>
        {
            Assert.Equal(0x123456, Number(Field(l, "geneve", "geneve.vni")));
            Assert.Equal(0x0102, Number(Deep(l, "geneve", "geneve.option.class")));
            Assert.Equal(0x80, Number(Deep(l, "geneve", "geneve.option.type")));
            Assert.Equal(8, Number(Deep(l, "geneve", "geneve.option.length"))); // tshark counts the 4-byte option header too
            Assert.Equal("6081", Nth(l, "udp", 0, "udp.dstport"));
        });

        var big = new Frame([new EthernetLayer(B, A), new Ipv4Layer(IPAddress.Parse("10.0.0.1"), IPAddress.Parse("10.0.0.2"), DontFragment: false, Identification: 4242), new UdpLayer(1111, 2222)], new byte[2000]);
        var fragments = Fragmentation.FragmentIpv4(big, 1500);
        yield return ("IPv4 first fragment", fragments[0], l =>
        {
            Assert.Equal("0", Field(l, "ip", "ip.frag_offset"));
            Assert.Equal("1", Deep(l, "ip", "ip.flags.mf"));
            Assert.Equal("1500", Field(l, "ip", "ip.len"));
        });
        yield return ("IPv4 last fragment", fragments[1], l =>
        {
            Assert.Equal(I(fragments[1].Find<Ipv4Layer>()!.FragmentOffset), Field(l, "ip", "ip.frag_offset")); // tshark 4.0 counts 8-byte units: 185 = 1480 bytes
            Assert.Equal(1480, fragments[1].Find<Ipv4Layer>()!.FragmentOffsetBytes);
            Assert.Equal("0", Deep(l, "ip", "ip.flags.mf"));
            Assert.Equal(I(20 + 2008 - 1480), Field(l, "ip", "ip.len"));
        });
        yield return ("ICMP fragmentation needed", IcmpErrors.FragmentationNeeded(Tcp(), IPAddress.Parse("10.0.0.254"), B, A, 1400), l =>
        {
            Assert.Equal("3", Field(l, "icmp", "icmp.type"));
            Assert.Equal("4", Field(l, "icmp", "icmp.code"));
            Assert.Equal("1400", Field(l, "icmp", "icmp.mtu"));
            Assert.Equal("1", Field(l, "icmp", "icmp.checksum.status"));
        });
        yield return ("ICMPv6 packet too big", IcmpErrors.PacketTooBig(Udp6(), IPAddress.Parse("2001:db8::ff"), B, A, 1280), l =>
        {
            Assert.Equal("2", Field(l, "icmpv6", "icmpv6.type"));
            Assert.Equal("1280", Field(l, "icmpv6", "icmpv6.mtu"));
            Assert.Equal("1", Field(l, "icmpv6", "icmpv6.checksum.status"));
        });
        yield return ("TCP with MSS", Tcp(), l =>
        {
            Assert.Equal("1460", Deep(l, "tcp", "tcp.options.mss_val"));
            Assert.Equal("24", Field(l, "tcp", "tcp.hdr_len"));
            Assert.Equal("443", Field(l, "tcp", "tcp.dstport"));
        });
        yield return ("IPv6 UDP", Udp6(), l =>
        {
            Assert.Equal("32", Field(l, "udp", "udp.length"));
            Assert.Equal("32", Field(l, "ipv6", "ipv6.plen"));
        });
    }

    [Fact]
    public void Tshark_reads_every_field_dcnet_encoded()
    {
        Peer.RequireProgram("tshark", "tshark");
        var cases = Cases().ToList();
        string dir = Directory.CreateTempSubdirectory("dcnet-tshark-").FullName;
        try
        {
            string pcap = Path.Combine(dir, "frames.pcap");
            File.WriteAllBytes(pcap, PcapWriter.Write(cases.Select((c, i) => (FrameCodec.Encode(c.Frame), (long)i))));
            var result = Shell.Run("tshark", "-r", pcap, "-T", "json", "--no-duplicate-keys",
                "-o", "ip.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE").EnsureOk();
            using var doc = JsonDocument.Parse(result.Stdout);
            var packets = doc.RootElement.EnumerateArray().ToList();
            Assert.Equal(cases.Count, packets.Count);
            for (int i = 0; i < cases.Count; i++)
            {
                var layers = packets[i].GetProperty("_source").GetProperty("layers");
                try
                {
                    cases[i].Check(layers);
                    AssertChecksumsGood(layers);
                    Assert.Equal(I(FrameCodec.Encode(cases[i].Frame).Length), Field(layers, "frame", "frame.len"));
                }
                catch (Exception e) when (e is Xunit.Sdk.XunitException or KeyNotFoundException or InvalidOperationException)
                {
                    Assert.Fail($"{cases[i].Name}: {e.Message}\ntshark saw:\n{layers}");
                }
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void A_trace_pcap_opens_in_tshark_with_every_hops_headers()
    {
        Peer.RequireProgram("tshark", "tshark");
        var network = Dcnet.Topology.Resolver.Resolve(Dcnet.Design.DesignLoader.Load(Repo.Path("examples", "dc-5000.yaml")));
        var trace = new Dcnet.Trace.Tracer(network).Trace(new Dcnet.Trace.TraceRequest { From = "vm-legacy-web-0001", To = "vm-legacy-db-0007", DestinationPort = 5432 });
        string dir = Directory.CreateTempSubdirectory("dcnet-tshark-").FullName;
        try
        {
            string pcap = Path.Combine(dir, "trace.pcap");
            File.WriteAllBytes(pcap, Dcnet.Trace.TraceFormatter.Pcap(trace));
            var result = Shell.Run("tshark", "-r", pcap, "-T", "json", "--no-duplicate-keys",
                "-o", "ip.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE").EnsureOk();
            using var doc = JsonDocument.Parse(result.Stdout);
            var packets = doc.RootElement.EnumerateArray().Select(p => p.GetProperty("_source").GetProperty("layers")).ToList();
            var hops = trace.Hops.Where(h => h.Frame is not null).ToList();
            Assert.Equal(hops.Count, packets.Count);
            for (int i = 0; i < hops.Count; i++)
            {
                var layers = packets[i];
                Assert.False(layers.TryGetProperty("_ws.malformed", out _), $"hop {hops[i].Index} ({hops[i].Device}) is malformed for tshark");
                AssertChecksumsGood(layers);
                if (hops[i].Frame!.Find<VlanLayer>() is { } tag)
                {
                    Assert.Equal(I(tag.Vid), Field(layers, "vlan", "vlan.id"));
                }

                if (hops[i].Frame!.Find<VxlanLayer>() is { } vx)
                {
                    Assert.Equal(I((int)vx.Vni), Field(layers, "vxlan", "vxlan.vni"));
                }

                // The innermost IPv4 header is the VM's packet: its addresses survive every hop.
                var ip = layers.GetProperty("ip");
                var inner = ip.ValueKind == JsonValueKind.Array ? ip[ip.GetArrayLength() - 1] : ip;
                Assert.Equal(trace.Source.ToString(), inner.GetProperty("ip.src").GetString());
                Assert.Equal(trace.Destination.ToString(), inner.GetProperty("ip.dst").GetString());
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Every checksum tshark verified is good (status 1).</summary>
    private static void AssertChecksumsGood(JsonElement layers)
    {
        foreach (var (name, value) in Walk(layers))
        {
            if (name.EndsWith(".checksum.status", StringComparison.Ordinal) && value != "2")
            {
                Assert.True(value == "1", $"{name} = {value} (1 is good)");
            }
        }
    }

    private static IEnumerable<(string Name, string Value)> Walk(JsonElement e)
    {
        if (e.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in e.EnumerateObject())
            {
                if (p.Value.ValueKind == JsonValueKind.String)
                {
                    yield return (p.Name, p.Value.GetString()!);
                }
                else
                {
                    foreach (var x in Walk(p.Value))
                    {
                        yield return x;
                    }
                }
            }
        }
        else if (e.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in e.EnumerateArray())
            {
                foreach (var x in Walk(item))
                {
                    yield return x;
                }
            }
        }
    }

    private static string I(int v) => v.ToString(CultureInfo.InvariantCulture);

    private static JsonElement Layer(JsonElement layers, string name, int index = 0)
    {
        var l = layers.GetProperty(name);
        return l.ValueKind == JsonValueKind.Array ? l[index] : l;
    }

    private static string Field(JsonElement layers, string layer, string field) => Layer(layers, layer).GetProperty(field).GetString()!;

    private static string Nth(JsonElement layers, string layer, int index, string field) => Layer(layers, layer, index).GetProperty(field).GetString()!;

    /// <summary>A field anywhere inside a layer (tshark nests options and flags in subtrees).</summary>
    private static string Deep(JsonElement layers, string layer, string field) =>
        Walk(Layer(layers, layer)).First(x => x.Name == field).Value;

    private static long Number(string text) => text.StartsWith("0x", StringComparison.Ordinal)
        ? long.Parse(text.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture)
        : long.Parse(text, CultureInfo.InvariantCulture);
}
