using System.Globalization;

namespace Dcnet.Sdn;

/// <summary>An inclusive range of L4 ports, written as <c>443</c> or <c>8000-8100</c>.</summary>
public readonly record struct PortRange(ushort First, ushort Last)
{
    public static readonly PortRange All = new(0, 65535);

    public bool IsSingle => First == Last;

    public bool Contains(int port) => port >= First && port <= Last;

    public static bool TryParse(string text, out PortRange range)
    {
        range = default;
        int dash = text.IndexOf('-', StringComparison.Ordinal);
        var a = dash < 0 ? text.AsSpan() : text.AsSpan(0, dash);
        var b = dash < 0 ? text.AsSpan() : text.AsSpan(dash + 1);
        if (!ushort.TryParse(a, NumberStyles.None, CultureInfo.InvariantCulture, out ushort first)
            || !ushort.TryParse(b, NumberStyles.None, CultureInfo.InvariantCulture, out ushort last)
            || first == 0 || last < first)
        {
            return false;
        }

        range = new PortRange(first, last);
        return true;
    }

    public override string ToString() => IsSingle
        ? First.ToString(CultureInfo.InvariantCulture)
        : string.Create(CultureInfo.InvariantCulture, $"{First}-{Last}");
}
