using System.Globalization;
using Dcnet.Design;
using Dcnet.Topology;

namespace Dcnet.Bgp;

/// <summary>How a failed element fails, which decides how fast its BGP neighbours notice.</summary>
public enum FailureMode
{
    /// <summary>
    /// It stops forwarding but its interfaces stay up (a hung device, a one-way optic fault, a filter): neighbours
    /// notice when BFD misses its packets, or else when the hold timer expires.
    /// </summary>
    [Token("silent")]
    Silent,

    /// <summary>
    /// Its interfaces go down (a pulled cable, an administrative shutdown, power off): point-to-point neighbours see
    /// the interface go down and FRR's fast-external-failover resets the session at once; neighbours on a shared VLAN
    /// still wait for BFD or the hold timer.
    /// </summary>
    [Token("down")]
    Down,
}

/// <summary>One failure of a what-if, as written on the command line: <c>link:A/B[:silent|:down]</c> or <c>node:N[:silent|:down]</c>.</summary>
public sealed record BgpFailure(bool IsNode, string A, string? B, FailureMode Mode)
{
    public const string Syntax = "link:A/B or node:N, optionally followed by :silent (the default) or :down";

    public string Spec => (IsNode ? "node:" + A : "link:" + A + "/" + B) + ":" + (Mode == FailureMode.Silent ? "silent" : "down");

    public string Target => IsNode ? A : A + "/" + B;

    public static BgpFailure Parse(string text)
    {
        string t = text.Trim();
        var mode = FailureMode.Silent;
        int last = t.LastIndexOf(':');
        if (last > 0 && t.IndexOf(':', StringComparison.Ordinal) != last)
        {
            mode = t[(last + 1)..] switch
            {
                "silent" => FailureMode.Silent,
                "down" => FailureMode.Down,
                _ => throw new ArgumentException($"'{text}': unknown failure mode '{t[(last + 1)..]}' (expected {Syntax})"),
            };
            t = t[..last];
        }

        if (t.StartsWith("node:", StringComparison.Ordinal) && t.Length > 5 && !t[5..].Contains('/', StringComparison.Ordinal))
        {
            return new BgpFailure(true, t[5..], null, mode);
        }

        if (t.StartsWith("link:", StringComparison.Ordinal))
        {
            var parts = t[5..].Split('/');
            if (parts.Length == 2 && parts[0].Length > 0 && parts[1].Length > 0)
            {
                return new BgpFailure(false, parts[0], parts[1], mode);
            }
        }

        throw new ArgumentException($"'{text}' is not a failure (expected {Syntax})");
    }
}

/// <summary>When one end of a failed session notices, and why.</summary>
public sealed record Detection(BgpSession Session, BgpNeighbor End, int? Milliseconds, string Why);

/// <summary>The failures of a what-if resolved against the BGP model: which sessions fail, which routers die, who notices when.</summary>
public sealed class BgpScenario
{
    private BgpScenario(IReadOnlyList<BgpFailure> failures) => Failures = failures;

    public IReadOnlyList<BgpFailure> Failures { get; }

    /// <summary>Routers that are down (their own RIB is gone).</summary>
    public IReadOnlySet<BgpRouter> FailedRouters { get; private set; } = new HashSet<BgpRouter>();

    /// <summary>Per failed session end that survives, when it notices (null: never).</summary>
    public IReadOnlyList<Detection> Detections { get; private set; } = [];

    /// <summary>Things worth saying about the failures that change no session.</summary>
    public IReadOnlyList<string> Notes { get; private set; } = [];

    internal HashSet<int> FailedSessions { get; } = [];

    internal bool IsRouterFailed(int index) => FailedRouters.Any(r => r.Index == index);

    /// <summary>Resolves <paramref name="failures"/>; throws <see cref="ArgumentException"/> for names the design does not have.</summary>
    public static BgpScenario Resolve(BgpModel model, IReadOnlyList<BgpFailure> failures)
    {
        var scenario = new BgpScenario(failures);
        var failedRouters = new HashSet<BgpRouter>();
        var detections = new Dictionary<(int Session, bool AEnd), Detection>();
        var notes = new List<string>();
        var net = model.Network;

        void Fail(BgpSession s, Func<BgpNeighbor, (int?, string)> detect)
        {
            scenario.FailedSessions.Add(s.Index);
            foreach (var end in new[] { s.A, s.B })
            {
                var (ms, why) = detect(end);
                var key = (s.Index, ReferenceEquals(end, s.A));
                if (!detections.TryGetValue(key, out var old) || Earlier(ms, old.Milliseconds))
                {
                    detections[key] = new Detection(s, end, ms, why);
                }
            }
        }

        foreach (var f in failures)
        {
            if (f.IsNode)
            {
                var r = model.Find(f.A) ?? throw new ArgumentException(net.FindDevice(f.A) is null
                    ? $"'{f.A}' is not a device of this design"
                    : $"'{f.A}' runs no BGP (only spines, leaves and load-balancer speakers do)");
                failedRouters.Add(r);
                foreach (var n in r.Neighbors.Where(n => n.Session is { Establishes: true }))
                {
                    Fail(n.Session!, end => f.Mode == FailureMode.Down && !end.SharedSegment
                        ? (0, $"{end.Interface} goes down: fast-external-failover resets the session at once")
                        : Liveness(n.Session!, end));
                }

                continue;
            }

            var a = net.FindDevice(f.A) ?? throw new ArgumentException($"'{f.A}' is not a device of this design");
            var b = net.FindDevice(f.B!) ?? throw new ArgumentException($"'{f.B}' is not a device of this design");
            if (a is Switch { Role: DeviceRole.Leaf } && b is Switch { Role: DeviceRole.Spine })
            {
                (a, b) = (b, a);
            }

            if (a is Host && b is Switch)
            {
                (a, b) = (b, a);
            }

            if (a is Switch { Role: DeviceRole.Spine } spine && b is Switch { Role: DeviceRole.Leaf } leaf)
            {
                var link = net.FabricLinks.First(l => ReferenceEquals(l.Spine, spine) && ReferenceEquals(l.Leaf, leaf));
                foreach (var s in model.Sessions.Where(s => ReferenceEquals(s.A.Link, link) && s.Establishes))
                {
                    Fail(s, end => f.Mode == FailureMode.Down
                        ? (0, $"{end.Interface} goes down: fast-external-failover resets the session at once")
                        : Liveness(s, end));
                }

                continue;
            }

            if (a is Switch { Role: DeviceRole.Leaf } l2 && b is Host host)
            {
                if (!host.Leaves.Contains(l2))
                {
                    throw new ArgumentException($"there is no link {f.Target}: {host.Name} is attached to {string.Join(" and ", host.Leaves.Select(x => x.Name))}");
                }

                if (host.Leaves.Count == 2 && l2.MlagPair is { } pair && pair.Contains(host.Leaves[0]) && pair.Contains(host.Leaves[1]))
                {
                    notes.Add($"{f.Target}: no BGP change; {host.Name} is dual-homed to MLAG pair {pair.Name} and reaches {l2.Name}'s address over the other leaf and the peer link");
                    continue;
                }

                foreach (var s in model.Sessions.Where(s => s.Establishes && s.A.Router.Name == l2.Name && s.B.Router.Name == host.Name))
                {
                    Fail(s, end => Liveness(s, end));
                }

                continue;
            }

            throw new ArgumentException($"there is no link {f.Target} (a link joins a spine and a leaf, or a leaf and a host)");
        }

        scenario.FailedRouters = failedRouters;
        scenario.Detections = detections.Values
            .Where(d => !failedRouters.Contains(d.End.Router))
            .OrderBy(d => d.Session.Index).ThenBy(d => ReferenceEquals(d.End, d.Session.A) ? 0 : 1).ToList();
        scenario.Notes = notes;
        return scenario;
    }

    private static bool Earlier(int? a, int? b) => a is int x && (b is not int y || x < y);

    /// <summary>How an end notices a peer that went silent: BFD if both ends run it, else the negotiated hold time.</summary>
    internal static (int?, string) Liveness(BgpSession s, BgpNeighbor end)
    {
        var other = s.Other(end);
        if (end.Bfd is { } mine && other.Bfd is { } theirs)
        {
            var t = mine.DetectionTime(theirs);
            return ((int)t.TotalMilliseconds, string.Create(CultureInfo.InvariantCulture,
                $"BFD: {theirs.Multiplier} x {(int)(mine.Interval > theirs.Interval ? mine.Interval : theirs.Interval).TotalMilliseconds} ms missed"));
        }

        var hold = s.NegotiatedHold;
        return hold == TimeSpan.Zero
            ? (null, "never: hold time 0 and no BFD")
            : ((int)hold.TotalMilliseconds, string.Create(CultureInfo.InvariantCulture, $"hold timer {(int)hold.TotalSeconds} s expires"));
    }
}
