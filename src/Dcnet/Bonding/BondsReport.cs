using System.Globalization;
using System.Text;
using Dcnet.Design;
using Dcnet.Reporting;
using Dcnet.Text;
using Dcnet.Topology;

namespace Dcnet.Bonding;

/// <summary>
/// <c>dcnet bonds</c>: for every host bond (or those of the hosts matching a name or glob), the share of flows and
/// bytes each member carries under the design's traffic profile, the imbalance, the largest single flow against a
/// member's speed, and the failover figures.
/// </summary>
public sealed class BondsReport
{
    private BondsReport(Network network, TrafficModel model, IReadOnlyList<BondLoad> loads, IReadOnlyList<FailoverEstimate> failover, string? hostFilter)
    {
        Network = network;
        Model = model;
        Loads = loads;
        Failover = failover;
        HostFilter = hostFilter;
    }

    public Network Network { get; }

    public TrafficModel Model { get; }

    /// <summary>The loads of the selected bonds, in host then bond order.</summary>
    public IReadOnlyList<BondLoad> Loads { get; }

    /// <summary>Failover figures, one per entry of <see cref="Loads"/>.</summary>
    public IReadOnlyList<FailoverEstimate> Failover { get; }

    public string? HostFilter { get; }

    /// <summary>Builds the report; <paramref name="host"/> (a host name or glob) limits it to matching hosts.</summary>
    public static BondsReport Build(Network network, string? host = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        var model = TrafficModel.Build(network);
        var loads = new List<BondLoad>();
        var failover = new List<FailoverEstimate>();
        foreach (var h in network.Hosts)
        {
            if (host is not null && !(Glob.IsGlob(host) ? Glob.Matches(host, h.Name) : h.Name == host))
            {
                continue;
            }

            foreach (var bond in h.Bonds)
            {
                var load = BondBalance.Analyze(bond, model.FlowsOf(bond));
                loads.Add(load);
                failover.Add(Bonding.Failover.Estimate(network, bond, load));
            }
        }

        return new BondsReport(network, model, loads, failover, host);
    }

    private static string N(double v, string format = "0") => v.ToString(format, CultureInfo.InvariantCulture);

    private static string Plural(int n, string what) => N(n) + " " + what + (n == 1 ? "" : "s");

    private static string Pct(double share) => N(share * 100, "0.0") + " %";

    /// <summary>A rate as 25G, 1.2G, 400M.</summary>
    public static string Rate(double bitsPerSecond) => bitsPerSecond switch
    {
        >= 1e9 => N(bitsPerSecond / 1e9, "0.##") + "G",
        >= 1e6 => N(bitsPerSecond / 1e6, "0.##") + "M",
        >= 1e3 => N(bitsPerSecond / 1e3, "0.##") + "k",
        _ => N(bitsPerSecond, "0.##"),
    };

    private string ProfileLine()
    {
        var p = Network.Design.TrafficProfile;
        var lm = p.LiveMigration;
        return string.Create(CultureInfo.InvariantCulture,
            $"north-south {Plural(p.NorthSouth.ConnectionsPerVm, "connection")} x {Rate(p.NorthSouth.RatePerVm.BitsPerSecond)} per vNIC to {p.NorthSouth.PeerIpv4}:{p.NorthSouth.Port}; east-west {Plural(p.EastWest.PeersPerVm, "peer")}, {Rate(p.EastWest.RatePerVm.BitsPerSecond)} per vNIC; storage {Rate(p.Storage.Rate.BitsPerSecond)} per host to {Plural(p.Storage.Replicas, "replica")}; live migration {lm.Concurrent} x {Plural(lm.Streams, "stream")} at {(lm.Rate is { } r ? Rate(r.BitsPerSecond) : "the bond's speed")}");
    }

    private string OverlayLine()
    {
        var d = Network.Design;
        if (d.Overlay.Type == OverlayType.None)
        {
            return "none";
        }

        string gw = Model.GatewayHosts.Count == 0 ? "none (VMs leave through their own host)" : string.Join(", ", Model.GatewayHosts.Take(6).Select(h => h.Name)) + (Model.GatewayHosts.Count > 6 ? ", ..." : "");
        return $"{Tokens.Of(d.Overlay.Type)}, outer source port {(Model.SourcePortEntropy ? "carries" : "does not carry")} the inner flow's entropy{(d.Overlay.SourcePortEntropy is null ? " (" + OverlayEntropy.Source(d.Platform) + ")" : " (overlay.source-port-entropy)")}; gateway hosts: {gw}";
    }

    /// <summary>One table row per bond; with a host filter, every member and the failover figures in full.</summary>
    public string Text()
    {
        var d = Network.Design;
        var sb = new StringBuilder();
        sb.Append(d.SourcePath).Append(": ").Append(d.Name).Append(" (").Append(Platforms.PlatformNames.Display(d.Platform)).Append("): ")
          .Append(Plural(Loads.Count, "bond")).Append(" on ").Append(Plural(Loads.Select(l => l.Bond.Host).Distinct().Count(), "host"))
          .Append(HostFilter is null ? "" : " matching '" + HostFilter + "'").Append("\n\n");
        sb.Append("Traffic profile: ").Append(ProfileLine()).Append('\n');
        sb.Append("Tunnels: ").Append(OverlayLine()).Append('\n');
        sb.Append("Shares are of the flows and bytes each bond transmits, member by member in enslave order. Imbalance is the busiest\nmember's share over the mean share: 1.00 is even, 2.00 is everything on one of two members.\n\n");
        if (HostFilter is null)
        {
            Summary(sb);
        }
        else
        {
            Detail(sb);
        }

        return sb.ToString();
    }

    private void Summary(StringBuilder sb)
    {
        var table = new TextTable("bond", "mode", "policy", "members", "flows", "flow shares", "offered", "byte shares", "imbalance f/b", "largest flow").AlignRight(4, 6, 8);
        foreach (var l in Loads)
        {
            table.Add(l.Bond.FullName, Tokens.Of(l.Bond.Mode), Tokens.Of(l.Bond.HashPolicy),
                N(l.Bond.Members.Count) + " x " + (l.Bond.Members.Count > 0 ? l.Bond.Members[0].Speed.ToString() : "-"),
                N(l.FlowCount), Shares(l.FlowShares), Rate(l.BitsPerSecond), Shares(l.ByteShares),
                l.FlowCount == 0 ? "-" : N(l.FlowImbalance, "0.00") + "/" + N(l.ByteImbalance, "0.00"), Worst(l.Worst));
        }

        sb.Append("Bonds\n");
        table.WriteTo(sb);
        var worst = Loads.Where(l => l.FlowCount >= 20).OrderByDescending(l => l.FlowImbalance).ThenBy(l => l.Bond.FullName, StringComparer.Ordinal).FirstOrDefault();
        if (worst is not null)
        {
            sb.Append("\nMost uneven of the bonds with at least 20 flows: ").Append(worst.Bond.FullName).Append(", flows ").Append(Shares(worst.FlowShares)).Append(" (imbalance ").Append(N(worst.FlowImbalance, "0.00")).Append(", ").Append(worst.Note).Append(")\n");
        }

        sb.Append("\nFailover (worst case per bond design)\n");
        var ft = new TextTable("bonds", "mode", "link down", "silent failure", "recovery", "flows hit");
        foreach (var group in Failover.GroupBy(f => (f.Bond.Host.Group.Name, f.Bond.Name)))
        {
            var f = group.OrderByDescending(x => x.AffectedShare).First();
            ft.Add(group.Key.Item1 + "-*/" + group.Key.Item2, Tokens.Of(f.Bond.Mode), f.LinkDown is { } ld ? Bonding.Failover.Ms(ld) : "never",
                f.Silent is { } si ? Bonding.Failover.Ms(si) : "never", Bonding.Failover.Ms(f.Recovery), Pct(f.AffectedShare));
        }

        ft.WriteTo(sb);
        sb.Append("\nRun with --host NAME (or a glob) for every member, traffic class and failover detail.\n");
    }

    private void Detail(StringBuilder sb)
    {
        var kinds = Enum.GetValues<TrafficKind>();
        for (int i = 0; i < Loads.Count; i++)
        {
            var l = Loads[i];
            var f = Failover[i];
            var info = BondModes.Of(l.Bond.Mode);
            sb.Append(l.Bond.FullName).Append("  ").Append(Tokens.Of(l.Bond.Mode)).Append(' ').Append(Tokens.Of(l.Bond.HashPolicy))
              .Append(", switch side: ").Append(Tokens.Of(info.Switch)).Append(", carries ").Append(string.Join(", ", l.Bond.Carries.Select(Tokens.Of))).Append('\n');
            sb.Append("  ").Append(N(l.FlowCount)).Append(" flows, ").Append(Rate(l.BitsPerSecond)).Append(" offered; ").Append(l.Note).Append('\n');
            var t = new TextTable(["member", "leaf", "speed", "flows", "share", "offered", "share", "load", .. kinds.Select(Tokens.Of)]).AlignRight([3, 4, 5, 6, 7, .. Enumerable.Range(8, kinds.Length)]);
            foreach (var m in l.Members)
            {
                t.Add([m.Nic.Name + (m.Usable ? "" : " (idle)"), m.Nic.Leaf?.Name ?? "-", m.Nic.Speed.ToString(), N(m.Flows, "0.#"),
                    Pct(l.FlowCount == 0 ? 0 : m.Flows / Math.Max(1e-9, l.Members.Sum(x => x.Flows))), Rate(m.BitsPerSecond),
                    Pct(l.BitsPerSecond == 0 ? 0 : m.BitsPerSecond / Math.Max(1e-9, l.Members.Sum(x => x.BitsPerSecond))), Pct(m.Utilisation),
                    .. kinds.Select(k => N(m.FlowsByKind[(int)k], "0.#"))]);
            }

            t.WriteTo(sb, "    ");
            if (l.FlowCount > 0)
            {
                sb.Append("  imbalance: flows ").Append(N(l.FlowImbalance, "0.00")).Append(", bytes ").Append(N(l.ByteImbalance, "0.00")).Append('\n');
            }

            if (l.Worst is { } w)
            {
                sb.Append("  largest flow: ").Append(Worst(w)).Append(" (").Append(Tokens.Of(w.Flow.Kind)).Append(' ').Append(w.Flow.From).Append(" -> ").Append(w.Flow.To).Append(")\n");
            }

            sb.Append("  link down: ").Append(f.LinkDownHow).Append('\n');
            sb.Append("  silent failure: ").Append(f.SilentHow).Append('\n');
            sb.Append("  recovery: updelay ").Append(Bonding.Failover.Ms(f.Recovery)).Append('\n');
            sb.Append("  loss: ").Append(f.Loss).Append('\n');
            if (f.Overlay is not null)
            {
                sb.Append("  ").Append(f.Overlay).Append('\n');
            }

            sb.Append('\n');
        }
    }

    private static string Shares(IEnumerable<double> shares) => string.Join(" / ", shares.Select(s => N(s * 100, "0.0")));

    private static string Worst(WorstFlow? w) => w is null ? "-"
        : Rate(w.Flow.BitsPerSecond) + (w.Capped ? " capped at " + Rate(w.CappedBitsPerSecond) + " (one member)" : " (fits)");

    /// <summary>The report as JSON (shape in docs/cli.md).</summary>
    public string Json() => JsonOutput.Write(w =>
    {
        var d = Network.Design;
        var p = d.TrafficProfile;
        w.WriteStartObject();
        w.WriteString("design", d.SourcePath);
        w.WriteString("name", d.Name);
        w.WriteString("platform", Tokens.Of(d.Platform));
        if (HostFilter is not null)
        {
            w.WriteString("host", HostFilter);
        }

        w.WriteStartObject("profile");
        w.WriteStartObject("northSouth");
        w.WriteNumber("connectionsPerVm", p.NorthSouth.ConnectionsPerVm);
        w.WriteNumber("bitsPerSecondPerVm", p.NorthSouth.RatePerVm.BitsPerSecond);
        w.WriteEndObject();
        w.WriteStartObject("eastWest");
        w.WriteNumber("peersPerVm", p.EastWest.PeersPerVm);
        w.WriteNumber("bitsPerSecondPerVm", p.EastWest.RatePerVm.BitsPerSecond);
        w.WriteEndObject();
        w.WriteStartObject("storage");
        w.WriteNumber("replicas", p.Storage.Replicas);
        w.WriteNumber("bitsPerSecond", p.Storage.Rate.BitsPerSecond);
        w.WriteEndObject();
        w.WriteStartObject("liveMigration");
        w.WriteNumber("concurrent", p.LiveMigration.Concurrent);
        w.WriteNumber("streams", p.LiveMigration.Streams);
        if (p.LiveMigration.Rate is { } r)
        {
            w.WriteNumber("bitsPerSecond", r.BitsPerSecond);
        }

        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteStartObject("overlay");
        w.WriteString("type", Tokens.Of(d.Overlay.Type));
        w.WriteBoolean("sourcePortEntropy", Model.SourcePortEntropy);
        w.WriteString("entropySource", d.Overlay.SourcePortEntropy is null ? OverlayEntropy.Source(d.Platform) : "overlay.source-port-entropy");
        w.WriteStartArray("gatewayHosts");
        foreach (var h in Model.GatewayHosts)
        {
            w.WriteStringValue(h.Name);
        }

        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteStartArray("bonds");
        for (int i = 0; i < Loads.Count; i++)
        {
            var l = Loads[i];
            var f = Failover[i];
            double totalFlows = l.Members.Sum(m => m.Flows), totalBits = l.Members.Sum(m => m.BitsPerSecond);
            w.WriteStartObject();
            w.WriteString("host", l.Bond.Host.Name);
            w.WriteString("bond", l.Bond.Name);
            w.WriteString("mode", Tokens.Of(l.Bond.Mode));
            w.WriteString("xmitHashPolicy", Tokens.Of(l.Bond.HashPolicy));
            w.WriteString("placement", l.Note);
            w.WriteNumber("flows", l.FlowCount);
            w.WriteNumber("bitsPerSecond", Math.Round(l.BitsPerSecond));
            w.WriteNumber("flowImbalance", Math.Round(l.FlowImbalance, 4));
            w.WriteNumber("byteImbalance", Math.Round(l.ByteImbalance, 4));
            w.WriteStartArray("members");
            foreach (var m in l.Members)
            {
                w.WriteStartObject();
                w.WriteString("name", m.Nic.Name);
                if (m.Nic.Leaf is { } leaf)
                {
                    w.WriteString("leaf", leaf.Name);
                }

                w.WriteNumber("speed", m.Nic.Speed.BitsPerSecond);
                w.WriteBoolean("usable", m.Usable);
                w.WriteNumber("flows", Math.Round(m.Flows, 4));
                w.WriteNumber("flowShare", totalFlows == 0 ? 0 : Math.Round(m.Flows / totalFlows, 4));
                w.WriteNumber("bitsPerSecond", Math.Round(m.BitsPerSecond));
                w.WriteNumber("byteShare", totalBits == 0 ? 0 : Math.Round(m.BitsPerSecond / totalBits, 4));
                w.WriteNumber("utilisation", Math.Round(m.Utilisation, 4));
                w.WriteStartObject("flowsByKind");
                foreach (var k in Enum.GetValues<TrafficKind>())
                {
                    w.WriteNumber(Tokens.Of(k), Math.Round(m.FlowsByKind[(int)k], 4));
                }

                w.WriteEndObject();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            if (l.Worst is { } worst)
            {
                w.WriteStartObject("largestFlow");
                w.WriteString("kind", Tokens.Of(worst.Flow.Kind));
                w.WriteString("from", worst.Flow.From);
                w.WriteString("to", worst.Flow.To);
                w.WriteNumber("bitsPerSecond", Math.Round(worst.Flow.BitsPerSecond));
                if (worst.Member is { } mem)
                {
                    w.WriteString("member", mem.Name);
                }

                w.WriteNumber("cappedBitsPerSecond", Math.Round(worst.CappedBitsPerSecond));
                w.WriteBoolean("capped", worst.Capped);
                w.WriteEndObject();
            }

            w.WriteStartObject("failover");
            if (f.LinkDown is { } ld)
            {
                w.WriteNumber("linkDownMs", ld.TotalMilliseconds);
            }

            w.WriteString("linkDown", f.LinkDownHow);
            if (f.Silent is { } si)
            {
                w.WriteNumber("silentFailureMs", si.TotalMilliseconds);
            }

            w.WriteString("silentFailure", f.SilentHow);
            w.WriteNumber("recoveryMs", f.Recovery.TotalMilliseconds);
            w.WriteNumber("affectedShare", Math.Round(f.AffectedShare, 4));
            w.WriteString("loss", f.Loss);
            if (f.Overlay is not null)
            {
                w.WriteString("overlay", f.Overlay);
            }

            w.WriteEndObject();
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    });
}
