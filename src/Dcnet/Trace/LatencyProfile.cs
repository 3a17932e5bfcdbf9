using System.Globalization;
using Dcnet.Text;

namespace Dcnet.Trace;

/// <summary>
/// Per-device latency figures the trace adds to serialization and propagation. The defaults are typical published
/// figures, not measurements of the user's gear; override any with <c>--latency KIND=DURATION</c>.
/// </summary>
public sealed record LatencyProfile
{
    /// <summary>Kind, default figure, and where the figure comes from.</summary>
    public static readonly IReadOnlyList<(string Kind, double Ns, string Source)> Defaults =
    [
        ("vm", 15_000, "virtio-net guest transmit/receive through vhost (typical 10-20 us)"),
        ("vswitch", 5_000, "OVS kernel datapath megaflow hit, Linux bridge or Hyper-V vSwitch forwarding (typical 2-10 us)"),
        ("encap", 1_000, "tunnel encapsulation or decapsulation in the host kernel (typical 0.5-2 us)"),
        ("router", 2_000, "a logical (OVN) router hop in the host datapath"),
        ("nic", 1_000, "NIC DMA and driver per direction"),
        ("switch", 800, "cut-through data-center switch port to port (typical 0.5-1 us)"),
        ("vtep", 300, "hardware VXLAN encap or decap on a leaf ASIC"),
        ("border", 5_000, "border routing, firewall or edge in front of the outside"),
    ];

    /// <summary>Cable lengths by link role, for propagation at 5 ns per metre.</summary>
    public const double HostLinkMetres = 3;

    public const double FabricLinkMetres = 30;

    public const double NanosecondsPerMetre = 5;

    private readonly Dictionary<string, double> figures = Defaults.ToDictionary(d => d.Kind, d => d.Ns, StringComparer.Ordinal);

    public double Of(string kind) => figures.GetValueOrDefault(kind);

    /// <summary>Applies overrides written as KIND=DURATION (5us, 800ns, 0.8us, 1ms).</summary>
    public LatencyProfile With(IEnumerable<string> overrides)
    {
        var copy = new LatencyProfile();
        foreach (var (k, v) in figures)
        {
            copy.figures[k] = v;
        }

        foreach (string o in overrides)
        {
            int eq = o.IndexOf('=', StringComparison.Ordinal);
            string kind = eq > 0 ? o[..eq] : o;
            if (eq <= 0 || !copy.figures.ContainsKey(kind) || !TryParseNs(o[(eq + 1)..], out double ns))
            {
                string? guess = eq > 0 ? Suggest.Closest(kind, copy.figures.Keys) : null;
                throw new ArgumentException($"--latency '{o}' is not KIND=DURATION with KIND one of {string.Join(", ", Defaults.Select(d => d.Kind))}" + (guess is null ? "" : $"; did you mean '{guess}'?"));
            }

            copy.figures[kind] = ns;
        }

        return copy;
    }

    private static bool TryParseNs(string text, out double ns)
    {
        ns = 0;
        var units = new (string Suffix, double Factor)[] { ("ns", 1), ("us", 1_000), ("µs", 1_000), ("ms", 1_000_000), ("s", 1_000_000_000) };
        foreach (var (suffix, factor) in units)
        {
            if (text.EndsWith(suffix, StringComparison.Ordinal)
                && double.TryParse(text.AsSpan(0, text.Length - suffix.Length), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double v) && v >= 0)
            {
                ns = v * factor;
                return true;
            }
        }

        return false;
    }
}
