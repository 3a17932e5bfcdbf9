using System.Globalization;
using System.Net;
using Dcnet.Design;
using Dcnet.Interop.Tests.Support;
using Dcnet.Topology;
using Dcnet.Trace;

namespace Dcnet.Interop.Tests.PathMtu;

/// <summary>
/// dcnet's MTU arithmetic against this machine's kernel. Each scenario is a design in Designs/; the test resolves it,
/// asks dcnet for the largest DF ping payload (maxDfPayload) and the verdict of an oversized packet, builds network
/// namespaces with the addresses and MTUs of the resolved design (a Linux bridge stands in for the leaf, a forwarding
/// namespace for the leaf's gateway), and sends DF pings: dcnet's size must get through, one byte more must not, and an
/// oversized packet must fail the way dcnet says (silently, or with ICMP too-big from the router).
/// </summary>
/// <remarks>
/// The host kernel has no 8021q, so the lab carries each VLAN untagged on its own links; tagging is proven byte for
/// byte against the real 8021q driver in KernelEncapTests.
/// </remarks>
public class KernelMtuTests
{
    private static string DesignPath(string name) => Repo.Path("tests", "Dcnet.Interop.Tests", "PathMtu", "Designs", name);

    private static Network Load(string name) => Resolver.Resolve(DesignLoader.Load(DesignPath(name), name));

    private static string I(int v) => v.ToString(CultureInfo.InvariantCulture);

    [Theory]
    [InlineData("matching.yaml", IpFamily.Ipv4)]
    [InlineData("matching.yaml", IpFamily.Ipv6)]
    [InlineData("mismatch.yaml", IpFamily.Ipv4)]
    [InlineData("mismatch.yaml", IpFamily.Ipv6)]
    public void Same_vlan_hosts_deliver_exactly_dcnets_largest_df_payload(string design, IpFamily family)
    {
        Peer.RequireProgram("ping", "iputils-ping");
        var net = Load(design);
        var a = net.Hosts[0].Interfaces.Single(i => i.Segment.Name == "storage");
        var b = net.Hosts[1].Interfaces.Single(i => i.Segment.Name == "storage");
        bool v6 = family == IpFamily.Ipv6;
        var tracer = new Tracer(net);
        var predicted = tracer.Trace(new TraceRequest { From = a.Host.Name + "/" + a.Name, To = Addr(b, v6).ToString(), Protocol = TraceProtocol.Icmp, Family = family });
        var oversized = tracer.Trace(new TraceRequest { From = a.Host.Name + "/" + a.Name, To = Addr(b, v6).ToString(), Protocol = TraceProtocol.Icmp, Family = family, Size = a.Mtu.Bytes });

        using var lab = new NetnsLab(nameof(Same_vlan_hosts_deliver_exactly_dcnets_largest_df_payload));
        string nsA = lab.AddNamespace("a"), nsB = lab.AddNamespace("b"), leaf = lab.AddNamespace("leaf");
        int port = net.Leaves[0].PortMtu.Bytes;
        lab.Exec(leaf, "ip", "link", "add", "br0", "mtu", I(port), "type", "bridge").EnsureOk();
        lab.AddVeth(nsA, "eth0", leaf, "p1", a.Mtu.Bytes, port);
        lab.AddVeth(nsB, "eth0", leaf, "p2", b.Mtu.Bytes, port);
        foreach (string p in new[] { "p1", "p2" })
        {
            lab.Exec(leaf, "ip", "link", "set", p, "master", "br0").EnsureOk();
        }

        lab.Exec(leaf, "ip", "link", "set", "br0", "up").EnsureOk();
        lab.AddAddress(nsA, "eth0", Cidr(a, v6));
        lab.AddAddress(nsB, "eth0", Cidr(b, v6));

        AssertBoundary(lab, nsA, Addr(b, v6), v6, predicted);
        AssertFailureMode(lab, nsA, Addr(b, v6), v6, oversized);
    }

    [Fact]
    public void Vxlan_over_a_1500_underlay_delivers_exactly_dcnets_largest_df_payload()
    {
        Peer.RequireProgram("ping", "iputils-ping");
        var net = Load("vxlan-1500.yaml");
        var vmA = net.Vms[0].Vnics[0];
        var vmB = net.Vms[1].Vnics[0];
        Assert.NotSame(vmA.Vm.Host, vmB.Vm.Host);
        var tracer = new Tracer(net);
        var predicted = tracer.Trace(new TraceRequest { From = vmA.Vm.Name, To = vmB.Vm.Name, Protocol = TraceProtocol.Icmp });
        var oversized = tracer.Trace(new TraceRequest { From = vmA.Vm.Name, To = vmB.Vm.Name, Protocol = TraceProtocol.Icmp, Size = vmA.Segment.Mtu.Bytes });

        using var lab = new NetnsLab(nameof(Vxlan_over_a_1500_underlay_delivers_exactly_dcnets_largest_df_payload));
        string leaf = lab.AddNamespace("leaf");
        int port = net.Leaves[0].PortMtu.Bytes;
        lab.Exec(leaf, "ip", "link", "add", "br0", "mtu", I(port), "type", "bridge").EnsureOk();
        lab.Exec(leaf, "ip", "link", "set", "br0", "up").EnsureOk();
        int n = 0;
        string? nsVmA = null;
        foreach (var vnic in new[] { vmA, vmB })
        {
            n++;
            var host = vnic.Vm.Host!;
            var other = (vnic == vmA ? vmB : vmA).Vm.Host!;
            var tep = host.TunnelEndpoint!;
            string nsH = lab.AddNamespace("h" + I(n)), nsV = lab.AddNamespace("vm" + I(n));
            nsVmA ??= nsV;

            // Underlay: the host's tunnel interface on the leaf bridge, at the design's MTUs.
            lab.AddVeth(nsH, "eth0", leaf, "p" + I(n), tep.Mtu.Bytes, port);
            lab.Exec(leaf, "ip", "link", "set", "p" + I(n), "master", "br0").EnsureOk();
            lab.AddAddress(nsH, "eth0", tep.V4 + "/" + I(tep.Segment.Ipv4!.Value.PrefixLength));

            // The host's VM bridge with the VXLAN device (VNI from the design) and the VM's port.
            int vxMtu = Math.Min(vnic.Segment.Mtu.Bytes, tep.Mtu.Bytes - 50); // the kernel caps a vxlan on 'dev' at lower MTU - 50
            lab.Exec(nsH, "ip", "link", "add", "br0", "type", "bridge").EnsureOk();
            lab.Exec(nsH, "ip", "link", "add", "vx0", "mtu", I(vxMtu), "type", "vxlan", "id", I((int)vnic.Segment.Vni!.Value), "local", tep.V4!.ToString(),
                "remote", other.TunnelEndpoint!.V4!.ToString(), "dstport", "4789", "dev", "eth0").EnsureOk();
            lab.Exec(nsH, "ip", "link", "set", "vx0", "master", "br0").EnsureOk();
            lab.AddVeth(nsV, "eth0", nsH, "vm0", vnic.Segment.Mtu.Bytes, vnic.Segment.Mtu.Bytes);
            lab.Exec(nsH, "ip", "link", "set", "vm0", "master", "br0").EnsureOk();
            foreach (string dev in new[] { "vx0", "br0" })
            {
                lab.Exec(nsH, "ip", "link", "set", dev, "up").EnsureOk();
            }

            lab.Exec(nsV, "ip", "link", "set", "eth0", "address", vnic.Mac.ToString()).EnsureOk();
            lab.AddAddress(nsV, "eth0", vnic.V4 + "/" + I(vnic.Segment.Ipv4!.Value.PrefixLength));
        }

        AssertBoundary(lab, nsVmA!, vmB.V4!, false, predicted);
        AssertFailureMode(lab, nsVmA!, vmB.V4!, false, oversized);
    }

    [Theory]
    [InlineData(IpFamily.Ipv4)]
    [InlineData(IpFamily.Ipv6)]
    public void A_routed_hop_that_steps_the_mtu_down_answers_with_icmp_and_delivers_dcnets_largest(IpFamily family)
    {
        Peer.RequireProgram("ping", "iputils-ping");
        var net = Load("routed.yaml");
        bool v6 = family == IpFamily.Ipv6;
        var a = net.Hosts.Single(h => h.Group.Name == "a").Interfaces.Single();
        var b = net.Hosts.Single(h => h.Group.Name == "b").Interfaces.Single();
        var tracer = new Tracer(net);
        var predicted = tracer.Trace(new TraceRequest { From = a.Host.Name, To = Addr(b, v6).ToString(), Protocol = TraceProtocol.Icmp, Family = family });
        var oversized = tracer.Trace(new TraceRequest { From = a.Host.Name, To = Addr(b, v6).ToString(), Protocol = TraceProtocol.Icmp, Family = family, Size = a.Mtu.Bytes });
        Assert.Contains(predicted.Hops, h => h.Action == HopAction.Route);

        using var lab = new NetnsLab(nameof(A_routed_hop_that_steps_the_mtu_down_answers_with_icmp_and_delivers_dcnets_largest));
        string nsA = lab.AddNamespace("a"), nsB = lab.AddNamespace("b"), router = lab.AddNamespace("gw");
        lab.Exec(router, "sysctl", "-qw", "net.ipv4.ip_forward=1", "net.ipv6.conf.all.forwarding=1").EnsureOk();

        // The leaf's gateway: one routed interface per network, each at that network's MTU (the SVI MTU).
        lab.AddVeth(nsA, "eth0", router, "svi-a", a.Mtu.Bytes, a.Segment.Mtu.Bytes);
        lab.AddVeth(nsB, "eth0", router, "svi-b", b.Mtu.Bytes, b.Segment.Mtu.Bytes);
        foreach (var (ns, iface, svi) in new[] { (nsA, a, "svi-a"), (nsB, b, "svi-b") })
        {
            lab.AddAddress(ns, "eth0", Cidr(iface, v6));
            var seg = iface.Segment;
            string gw = (v6 ? seg.Gateway6 : seg.Gateway4)!.ToString();
            lab.AddAddress(router, svi, gw + "/" + I(v6 ? seg.Ipv6!.Value.PrefixLength : seg.Ipv4!.Value.PrefixLength));
            lab.Exec(ns, "ip", v6 ? "-6" : "-4", "route", "add", "default", "via", gw).EnsureOk();
        }

        AssertBoundary(lab, nsA, Addr(b, v6), v6, predicted);
        AssertFailureMode(lab, nsA, Addr(b, v6), v6, oversized);
    }

    private static IPAddress Addr(HostInterface i, bool v6) => (v6 ? i.V6 : i.V4)!;

    private static string Cidr(HostInterface i, bool v6) => Addr(i, v6) + "/" + I(v6 ? i.Segment.Ipv6!.Value.PrefixLength : i.Segment.Ipv4!.Value.PrefixLength);

    private static CommandResult Ping(NetnsLab lab, string ns, IPAddress to, bool v6, int payload) =>
        lab.Exec(ns, TimeSpan.FromSeconds(10), "ping", [.. (v6 ? new[] { "-6" } : []), "-M", "do", "-c", "1", "-W", "1", "-s", I(payload), to.ToString()]);

    /// <summary>dcnet's maxDfPayload gets through; one byte more does not.</summary>
    private static void AssertBoundary(NetnsLab lab, string ns, IPAddress to, bool v6, TraceResult predicted)
    {
        int n = predicted.MaxDfPayload;
        Assert.True(n > 0, "dcnet predicts no deliverable size: " + predicted.VerdictDetail);

        // A first ping lets ARP/ND and the router's neighbour entries settle.
        Ping(lab, ns, to, v6, 56);
        var fits = Ping(lab, ns, to, v6, n);
        Assert.True(fits.Ok, $"dcnet says a {I(n)}-byte DF payload gets through; the kernel says:\n{fits.Stdout}{fits.Stderr}");
        var over = Ping(lab, ns, to, v6, n + 1);
        Assert.False(over.Ok, $"dcnet says {I(n)} is the largest DF payload, but the kernel delivered {I(n + 1)}:\n{over.Stdout}");
    }

    /// <summary>An oversized DF packet fails the way dcnet says: silently, with ICMP from a router, or at the sender.</summary>
    private static void AssertFailureMode(NetnsLab lab, string ns, IPAddress to, bool v6, TraceResult oversized)
    {
        int payload = oversized.Hops[0].Frame!.Length - 14 - (v6 ? 48 : 28);
        var r = Ping(lab, ns, to, v6, payload);
        string said = r.Stdout + r.Stderr;
        bool icmp = said.Contains("Frag needed", StringComparison.Ordinal) || said.Contains("Packet too big", StringComparison.Ordinal);
        bool local = said.Contains("message too long", StringComparison.Ordinal);
        switch (oversized.Verdict)
        {
            case TraceVerdict.Delivered:
                Assert.True(r.Ok, $"dcnet delivers a {I(payload)}-byte payload; the kernel did not:\n{said}");
                break;
            case TraceVerdict.Dropped when oversized.VerdictDetail.Contains("ICMP", StringComparison.Ordinal) && !oversized.VerdictDetail.Contains("silently", StringComparison.Ordinal):
                Assert.False(r.Ok);
                Assert.True(icmp || local, $"dcnet says the router answers with ICMP too-big ({oversized.VerdictDetail}); the kernel's ping saw:\n{said}");
                break;
            case TraceVerdict.Dropped:
                Assert.False(r.Ok);
                Assert.False(icmp || local, $"dcnet says the packet is dropped silently ({oversized.VerdictDetail}); the kernel's ping saw:\n{said}");
                break;
            case TraceVerdict.TooBigAtSource:
                Assert.True(local, $"dcnet says the sender refuses it; the kernel's ping saw:\n{said}");
                break;
            default:
                Assert.Fail("unexpected verdict " + oversized.Verdict + ": " + oversized.VerdictDetail);
                break;
        }
    }
}
