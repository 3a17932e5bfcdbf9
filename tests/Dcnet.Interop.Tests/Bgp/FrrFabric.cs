using System.Diagnostics;
using Switch = Dcnet.Topology.Switch;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Dcnet.Bgp;
using Dcnet.Design;
using Dcnet.Interop.Tests.Support;
using Dcnet.Platforms.Frr;
using Dcnet.Topology;

namespace Dcnet.Interop.Tests.Bgp;

/// <summary>
/// A fabric of real FRR 8.4 routers built from a dcnet design: one network namespace per spine, leaf and speaker,
/// veth pairs for the fabric links (named as the resolver names the ports), one bridge namespace for the VLAN the
/// speakers peer on, zebra + bgpd (+ bfdd) per device started as user frr on private sockets, and the configuration
/// dcnet rendered applied with vtysh -f, as a real box applies /etc/frr/frr.conf. Loopbacks and the anycast gateways
/// of the networks a leaf originates sit on lo (this kernel has no dummy device); a leaf's own address on the peering
/// VLAN sits on its SVI, the veth into the bridge.
/// </summary>
public sealed class FrrFabric : IDisposable
{
    private const string FrrBin = "/usr/lib/frr";
    private readonly NetnsLab lab;
    private readonly Dictionary<string, string> ns = new(StringComparer.Ordinal);
    private readonly string dir;

    private FrrFabric(NetnsLab lab, BgpModel model, string dir)
    {
        this.lab = lab;
        Model = model;
        this.dir = dir;
    }

    public BgpModel Model { get; }

    /// <summary>From starting the first daemon to every router running its configuration.</summary>
    public TimeSpan StartTime { get; private set; }

    public static void RequirePeers()
    {
        Peer.RequireRoot();
        Peer.RequireProgram(FrrBin + "/bgpd", "frr");
        Peer.RequireProgram("vtysh", "frr");
        Peer.RequireProgram("nft", "nftables");
    }

    public static FrrFabric Start(string owner, Network network)
    {
        RequirePeers();
        var model = BgpModel.Build(network);
        var lab = new NetnsLab(owner);
        FrrFabric? fabric = null;
        try
        {
            fabric = new FrrFabric(lab, model, lab.TempDirectory("frr"));
            fabric.Build(network);
            fabric.Launch(network);
            return fabric;
        }
        catch
        {
            if (fabric is not null)
            {
                fabric.Dispose();
            }
            else
            {
                lab.Dispose();
            }

            throw;
        }
    }

    private string Dir(string router) => Path.Combine(dir, router);

    private void Build(Network network)
    {
        foreach (var r in Model.Routers)
        {
            string n = lab.AddNamespace(r.Name);
            ns[r.Name] = n;

            // Keep IPv6 addresses when a port goes down, so a link brought back up resumes its sessions.
            lab.Exec(n, "sysctl", "-qw", "net.ipv6.conf.all.keep_addr_on_down=1", "net.ipv6.conf.default.keep_addr_on_down=1").EnsureOk();
            if (r.Role != DeviceRole.Host)
            {
                lab.Exec(n, "sysctl", "-qw", "net.ipv4.ip_forward=1", "net.ipv6.conf.all.forwarding=1").EnsureOk();
            }
        }

        foreach (var link in network.FabricLinks)
        {
            string s = ns[link.Spine.Name], l = ns[link.Leaf.Name];
            lab.AddVeth(s, link.SpineInterface, l, link.LeafInterface);
            if (network.Design.Fabric.Addressing == LinkAddressing.Numbered)
            {
                if (link.SpineV4 is not null)
                {
                    lab.AddAddress(s, link.SpineInterface, $"{link.SpineV4}/{link.PrefixV4!.Value.PrefixLength}");
                    lab.AddAddress(l, link.LeafInterface, $"{link.LeafV4}/{link.PrefixV4!.Value.PrefixLength}");
                }

                if (link.SpineV6 is not null)
                {
                    lab.AddAddress(s, link.SpineInterface, $"{link.SpineV6}/{link.PrefixV6!.Value.PrefixLength}");
                    lab.AddAddress(l, link.LeafInterface, $"{link.LeafV6}/{link.PrefixV6!.Value.PrefixLength}");
                }
            }
        }

        // The peering VLAN: one bridge, every leaf's SVI and every speaker's host interface plugged into it.
        var peer = Model.PeerSegment;
        string? bridge = null;
        foreach (var r in Model.Routers)
        {
            var ends = r.Neighbors.Where(x => x.Kind is NeighborKind.LeafToSpeaker or NeighborKind.SpeakerToLeaf && x.LocalAddress is not null).ToList();
            if (ends.Count == 0 || peer is null)
            {
                continue;
            }

            if (bridge is null)
            {
                bridge = lab.AddNamespace("l2");
                lab.Exec(bridge, "ip", "link", "add", "br0", "type", "bridge").EnsureOk();
                lab.Exec(bridge, "ip", "link", "set", "br0", "type", "bridge", "mcast_snooping", "0").EnsureOk();
                lab.Exec(bridge, "ip", "link", "set", "br0", "up").EnsureOk();
            }

            string side = "p-" + r.Name;
            lab.AddVeth(ns[r.Name], ends[0].Interface, bridge, side);
            lab.Exec(bridge, "ip", "link", "set", side, "master", "br0").EnsureOk();
            foreach (var a in ends.Select(e => e.LocalAddress!).Distinct())
            {
                int len = a.IsV4() ? peer.Ipv4!.Value.PrefixLength : peer.Ipv6!.Value.PrefixLength;
                lab.AddAddress(ns[r.Name], ends[0].Interface, $"{a}/{len}");
            }
        }

        // Loopbacks, and the gateways that make each originated network a connected route (for network + import-check).
        foreach (var r in Model.Routers.Where(r => r.Device is Switch))
        {
            var sw = (Switch)r.Device;
            foreach (var p in r.Networks(IpFamily.Ipv4).Concat(r.Networks(IpFamily.Ipv6)))
            {
                bool loopback = p.BaseAddress.Equals(sw.LoopbackV4) || p.BaseAddress.Equals(sw.LoopbackV6);
                if (loopback)
                {
                    lab.AddAddress(ns[r.Name], "lo", $"{p.BaseAddress}/{p.PrefixLength}");
                    continue;
                }

                var seg = network.Segments.First(s => p.Equals(s.Ipv4) || p.Equals(s.Ipv6));
                bool onSvi = ReferenceEquals(seg, peer) && r.Neighbors.Any(x => x.Kind == NeighborKind.LeafToSpeaker);
                if (!onSvi)
                {
                    var gw = p.IsV4() ? seg.Gateway4! : seg.Gateway6!;
                    lab.AddAddress(ns[r.Name], "lo", $"{gw}/{p.PrefixLength}");
                }
            }
        }
    }

    private void Launch(Network network)
    {
        var render = new FrrRenderer().Render(network);
        foreach (var r in Model.Routers)
        {
            string d = Dir(r.Name);
            Directory.CreateDirectory(d);
            File.WriteAllText(Path.Combine(d, "frr.conf"), render.First(f => f.RelativePath == r.Name + "/frr.conf").Content);

            // The hostname a real box has as its system name; every daemon reports it (bgpd in its hostname capability).
            foreach (string daemon in new[] { "zebra", "bgpd", "bfdd" })
            {
                File.WriteAllText(Path.Combine(d, daemon + ".conf"), $"hostname {r.Name}\nlog file {d}/{daemon}.log\n");
            }

            File.WriteAllText(Path.Combine(d, "vtysh.conf"), "");
        }

        Shell.Run("chmod", "755", dir).EnsureOk();
        Shell.Run("chown", "-R", "frr:frr", dir).EnsureOk();

        var clock = Stopwatch.StartNew();
        foreach (var r in Model.Routers)
        {
            Daemon(r, "zebra");
        }

        foreach (var r in Model.Routers)
        {
            WaitFor(Path.Combine(Dir(r.Name), "zserv.api"));
            if (r.Neighbors.Any(n => n.Bfd is not null))
            {
                Daemon(r, "bfdd", "--bfdctl", Path.Combine(Dir(r.Name), "bfdd.sock"));
            }

            Daemon(r, "bgpd");
        }

        foreach (var r in Model.Routers)
        {
            WaitFor(Path.Combine(Dir(r.Name), "bgpd.vty"));
            if (r.Neighbors.Any(n => n.Bfd is not null))
            {
                WaitFor(Path.Combine(Dir(r.Name), "bfdd.vty"));
            }

            var apply = Shell.Run("vtysh", "--vty_socket", Dir(r.Name), "-f", Path.Combine(Dir(r.Name), "frr.conf"));
            if (!apply.Ok || apply.Stdout.Contains("Unknown command", StringComparison.Ordinal) || apply.Stderr.Contains("Unknown command", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"vtysh -f rejected the rendered configuration of {r.Name}:\n{apply.Stdout}{apply.Stderr}");
            }
        }

        StartTime = clock.Elapsed;
    }

    private void Daemon(BgpRouter r, string daemon, params string[] extra)
    {
        string d = Dir(r.Name);
        lab.Exec(ns[r.Name], TimeSpan.FromSeconds(30), Path.Combine(FrrBin, daemon),
            ["-d", "-P", "0", "--vty_socket", d, "-z", Path.Combine(d, "zserv.api"), "-i", Path.Combine(d, daemon + ".pid"), "-f", Path.Combine(d, daemon + ".conf"), .. extra]).EnsureOk();
    }

    private static void WaitFor(string path)
    {
        var clock = Stopwatch.StartNew();
        while (!File.Exists(path))
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(20))
            {
                throw new TimeoutException("FRR did not create " + path);
            }

            Thread.Sleep(20);
        }
    }

    /// <summary>Runs vtysh commands against one router.</summary>
    public string Vtysh(string router, string command)
    {
        var r = Shell.Run("vtysh", ["--vty_socket", Dir(router), "-c", command], TimeSpan.FromSeconds(20));
        return r.EnsureOk().Stdout;
    }

    /// <summary><c>show bgp ipv4|ipv6 unicast json</c> of one router.</summary>
    public JsonObject Table(string router, IpFamily family)
    {
        string text = Vtysh(router, $"show bgp {BgpReport.FamilyToken(family)} unicast json");
        return JsonNode.Parse(string.IsNullOrWhiteSpace(text) ? "{}" : text) as JsonObject ?? [];
    }

    /// <summary>Administratively shuts one end of a fabric link (the other end loses carrier).</summary>
    public void LinkDown(string router, string iface) => lab.Exec(ns[router], "ip", "link", "set", iface, "down").EnsureOk();

    public void LinkUp(string router, string iface) => lab.Exec(ns[router], "ip", "link", "set", iface, "up").EnsureOk();

    /// <summary>Drops every IP packet in and out of <paramref name="iface"/> with nftables: the interface stays up, traffic stops.</summary>
    public void Silence(string router, string iface)
    {
        string n = ns[router];
        lab.Exec(n, "nft", "add", "table", "inet", "dcnetfail").EnsureOk();
        lab.Exec(n, "nft", "add", "chain", "inet", "dcnetfail", "in", "{", "type", "filter", "hook", "input", "priority", "0", ";", "}").EnsureOk();
        lab.Exec(n, "nft", "add", "chain", "inet", "dcnetfail", "out", "{", "type", "filter", "hook", "output", "priority", "0", ";", "}").EnsureOk();
        lab.Exec(n, "nft", "add", "rule", "inet", "dcnetfail", "in", "iifname", iface, "drop").EnsureOk();
        lab.Exec(n, "nft", "add", "rule", "inet", "dcnetfail", "out", "oifname", iface, "drop").EnsureOk();
    }

    public void Unsilence(string router) => lab.Exec(ns[router], "nft", "delete", "table", "inet", "dcnetfail").EnsureOk();

    public void Dispose() => lab.Dispose();

    public static string Ms(TimeSpan t) => ((long)t.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) + " ms";

    public static bool IsLinkLocal(string ip) => ip.StartsWith("fe80:", StringComparison.OrdinalIgnoreCase);

    public static bool IsV4(string ip) => IPAddress.TryParse(ip, out var a) && a.IsV4();
}
