using System.Globalization;

namespace Dcnet.Wire;

/// <summary>
/// A maximum transmission unit in bytes: the largest IP packet (L3 MTU) an interface sends without fragmenting.
/// The Ethernet header, an 802.1Q tag and the FCS are not part of it.
/// </summary>
public readonly record struct Mtu(int Bytes) : IComparable<Mtu>
{
    /// <summary>The smallest MTU an IPv6 link may have (RFC 8200 §5).</summary>
    public static readonly Mtu Ipv6Minimum = new(1280);

    /// <summary>The classic Ethernet MTU.</summary>
    public static readonly Mtu Ethernet = new(1500);

    /// <summary>The usual jumbo MTU of hosts.</summary>
    public static readonly Mtu Jumbo = new(9000);

    public const int Minimum = 68;
    public const int Maximum = 65535;

    public static bool TryParse(long value, out Mtu mtu, out string? problem)
    {
        mtu = default;
        if (value < Minimum || value > Maximum)
        {
            problem = string.Create(CultureInfo.InvariantCulture, $"MTU {value} is out of range");
            return false;
        }

        mtu = new Mtu((int)value);
        problem = null;
        return true;
    }

    public int CompareTo(Mtu other) => Bytes.CompareTo(other.Bytes);

    public static bool operator <(Mtu a, Mtu b) => a.Bytes < b.Bytes;

    public static bool operator >(Mtu a, Mtu b) => a.Bytes > b.Bytes;

    public static bool operator <=(Mtu a, Mtu b) => a.Bytes <= b.Bytes;

    public static bool operator >=(Mtu a, Mtu b) => a.Bytes >= b.Bytes;

    public override string ToString() => Bytes.ToString(CultureInfo.InvariantCulture);
}
