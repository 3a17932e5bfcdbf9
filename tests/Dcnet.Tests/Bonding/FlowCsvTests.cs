using Dcnet.Bonding;
using Dcnet.Design;

namespace Dcnet.Tests.Bonding;

/// <summary>The flow CSV shared with kernel-lab: what it accepts, and every error with its line and column.</summary>
public class FlowCsvTests
{
    private static IReadOnlyList<string> Errors(string csv) =>
        Assert.Throws<DesignException>(() => FlowCsv.Parse(csv, "flows.csv")).Errors.Select(e => e.ToString()).ToList();

    [Fact]
    public void The_kernel_lab_readme_example_parses_with_all_its_columns()
    {
        var rows = FlowCsv.Parse("""
            src_mac,dst_mac,vlan,src_ip,dst_ip,proto,src_port,dst_port,frag,inner
            # a comment, and an empty line, are skipped

            02:00:00:00:00:0a,02:00:00:00:00:0b,,10.0.0.1,10.0.0.2,tcp,40000,80,0,
            02:00:00:00:00:0a,02:00:00:00:00:0b,100,2001:db8::1,2001:db8::2,udp,5353,53,0,
            02:00:00:00:00:0a,02:00:00:00:00:0b,,10.0.0.1,10.0.0.2,udp,40000,80,1,
            02:00:00:00:00:0a,02:00:00:00:00:0b,,10.0.0.1,10.0.0.2,icmp,77,1,0,
            02:00:00:00:00:0c,02:00:00:00:00:0b,,,,,,,0,
            02:aa:00:00:00:01,02:aa:00:00:00:02,,192.0.2.1,192.0.2.2,udp,55555,4789,0,02:00:00:00:00:01|02:00:00:00:00:02||198.51.100.1|198.51.100.2|tcp|1234|443
            """, "flows.csv");
        Assert.Equal(6, rows.Count);
        Assert.Equal(4, rows[0].Location.Line);
        Assert.Equal((ushort)100, rows[1].Flow.Vlan);
        Assert.True(rows[2].Flow.Fragment);
        Assert.Equal(1, rows[3].Flow.Protocol);
        Assert.False(rows[4].Flow.IsIp);
        Assert.Equal((ushort)443, rows[5].Flow.Inner!.DestinationPort);

        // layer3+4, 3 members, as the kernel answered in kernel-lab's README: 0,1,1,2,2,0.
        Assert.Equal([0, 1, 1, 2, 2, 0], HashReport.Run(rows, XmitHashPolicy.Layer34, 3).Select(h => h.Member));
    }

    [Fact]
    public void Empty_cells_stand_for_absent_layers_and_default_macs()
    {
        var rows = FlowCsv.Parse("src_mac,dst_mac,vlan,src_ip,dst_ip,proto,src_port,dst_port\n,,,10.0.0.1,10.0.0.2,udp,1,2\n,,,,,0x0806,,\n", "f.csv");
        Assert.Equal(FlowSpec.DefaultSourceMac, rows[0].Flow.SourceMac);
        Assert.Equal((ushort)0x0806, rows[1].Flow.EtherType);
    }

    [Fact]
    public void Every_error_is_reported_with_its_line_and_column()
    {
        var errors = Errors("""
            src_mac,dst_mac,vlan,src_ip,dst_ip,proto,src_port,dst_port
            zz,02:00:00:00:00:02,5000,10.0.0.1,10.0.0.2,tcp,1,2
            ,,,10.0.0.1,2001:db8::1,tcp,1,2
            ,,,10.0.0.1,10.0.0.2,sctpx,1,2
            ,,,10.0.0.1,10.0.0.2,tcp,,2
            ,,,10.0.0.1,,udp,1,2
            ,,,10
            """);
        Assert.Equal(
        [
            "flows.csv:2:1: 'zz' is not a MAC address (expected aa:bb:cc:dd:ee:ff)",
            "flows.csv:2:22: vlan '5000' is not a VLAN id (expected 0 to 4094, or empty for an untagged frame)",
            "flows.csv:3:13: src_ip and dst_ip are of different address families (expected two IPv4 or two IPv6 addresses)",
            "flows.csv:4:22: proto 'sctpx' is not a protocol (expected tcp, udp, icmp, icmpv6 or a number 0..255)",
            "flows.csv:5:26: tcp and udp rows need both ports (expected a port number 0..65535)",
            "flows.csv:6:13: only one of src_ip and dst_ip is given (expected both addresses (an IP row) or neither (a non-IP row))",
            "flows.csv:7:1: row has 4 fields, the header has 8 (expected one field per header column, no quoting)",
        ], errors);
    }

    [Fact]
    public void A_wrong_header_is_rejected()
    {
        Assert.Equal(["flows.csv:1:1: header column 1 is 'src' (expected the header to start with 'src_mac,dst_mac,vlan,src_ip,dst_ip,proto,src_port,dst_port')"], Errors("src,dst\n"));
        Assert.Equal(["flows.csv:1:60: unknown column 'ttl' (expected frag, inner, vni or hex after the first eight columns)"], Errors("src_mac,dst_mac,vlan,src_ip,dst_ip,proto,src_port,dst_port,ttl\n"));
        Assert.Equal(["flows.csv:1:1: no header line (expected a first line 'src_mac,dst_mac,vlan,src_ip,dst_ip,proto,src_port,dst_port')"], Errors("# nothing\n"));
    }

    [Fact]
    public void Written_flows_read_back_as_the_same_flows()
    {
        var flows = FlowSamples.Varied(3, 200).Concat(FlowSamples.Special().Select(s => s.Flow)).ToList();
        var back = FlowCsv.Parse(FlowCsv.Write(flows), "round-trip.csv");
        Assert.Equal(flows.Count, back.Count);
        for (int i = 0; i < flows.Count; i++)
        {
            Assert.Equal(flows[i].Encode(tagInBand: true), back[i].Flow.Encode(tagInBand: true));
        }
    }
}
