using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Dcnet.Topology;

/// <summary>Address arithmetic on <see cref="IPAddress"/> and <see cref="IPNetwork"/>, by way of 128-bit integers.</summary>
public static class IpMath
{
    public static bool IsV4(this IPAddress a) => a.AddressFamily == AddressFamily.InterNetwork;

    public static bool IsV4(this IPNetwork n) => n.BaseAddress.AddressFamily == AddressFamily.InterNetwork;

    public static int Bits(this IPNetwork n) => n.IsV4() ? 32 : 128;

    public static UInt128 ToUInt128(IPAddress a)
    {
        Span<byte> b = stackalloc byte[16];
        a.TryWriteBytes(b, out int written);
        UInt128 v = 0;
        for (int i = 0; i < written; i++)
        {
            v = (v << 8) | b[i];
        }

        return v;
    }

    public static IPAddress FromUInt128(UInt128 v, bool v4)
    {
        int len = v4 ? 4 : 16;
        Span<byte> b = stackalloc byte[len];
        for (int i = len - 1; i >= 0; i--)
        {
            b[i] = (byte)(v & 0xFF);
            v >>= 8;
        }

        return new IPAddress(b);
    }

    /// <summary>Number of addresses in the prefix (saturates at UInt128.MaxValue for ::/0).</summary>
    public static UInt128 Size(this IPNetwork n)
    {
        int hostBits = n.Bits() - n.PrefixLength;
        return hostBits >= 128 ? UInt128.MaxValue : UInt128.One << hostBits;
    }

    /// <summary>The address at <paramref name="offset"/> from the network address.</summary>
    public static IPAddress Nth(this IPNetwork n, UInt128 offset) => FromUInt128(ToUInt128(n.BaseAddress) + offset, n.IsV4());

    public static UInt128 First(this IPNetwork n) => ToUInt128(n.BaseAddress);

    public static UInt128 Last(this IPNetwork n) => First(n) + (Size(n) - 1);

    public static bool Overlaps(this IPNetwork a, IPNetwork b) =>
        a.IsV4() == b.IsV4() && a.First() <= b.Last() && b.First() <= a.Last();

    /// <summary>The i-th subnet of length <paramref name="length"/> inside <paramref name="n"/>.</summary>
    public static IPNetwork Subnet(this IPNetwork n, int length, UInt128 index)
    {
        UInt128 step = UInt128.One << (n.Bits() - length);
        return new IPNetwork(FromUInt128(n.First() + (step * index), n.IsV4()), length);
    }

    /// <summary>Usable host addresses: IPv4 excludes the network and broadcast addresses (except /31 and /32, RFC 3021).</summary>
    public static UInt128 UsableHosts(this IPNetwork n)
    {
        if (!n.IsV4())
        {
            return n.Size() <= 1 ? n.Size() : n.Size() - 1; // the subnet-router anycast address (RFC 4291 §2.6.1)
        }

        return n.PrefixLength >= 31 ? n.Size() : n.Size() - 2;
    }

    public static string Format(IPNetwork n) => n.ToString();

    public static int Compare(IPAddress a, IPAddress b)
    {
        int f = a.AddressFamily.CompareTo(b.AddressFamily);
        return f != 0 ? f : ToUInt128(a).CompareTo(ToUInt128(b));
    }

    public static int Compare(IPNetwork a, IPNetwork b)
    {
        int c = Compare(a.BaseAddress, b.BaseAddress);
        return c != 0 ? c : a.PrefixLength.CompareTo(b.PrefixLength);
    }

    /// <summary>Parses a CIDR prefix, telling a malformed one from one with host bits set.</summary>
    public static bool TryParsePrefix(string text, out IPNetwork prefix, out string? problem, out string? expected)
    {
        prefix = default;
        problem = null;
        expected = null;
        int slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            problem = $"'{text}' has no prefix length";
            expected = "a CIDR prefix such as 10.0.0.0/24 or 2001:db8::/64";
            return false;
        }

        if (!IPAddress.TryParse(text.AsSpan(0, slash), out var address) || text.AsSpan(0, slash).Contains('%')
            || !int.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int length))
        {
            problem = $"'{text}' is not a valid CIDR prefix";
            expected = "a CIDR prefix such as 10.0.0.0/24 or 2001:db8::/64";
            return false;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            problem = $"'{text}' is an IPv4-mapped IPv6 prefix";
            expected = "a plain IPv4 or IPv6 prefix";
            return false;
        }

        int bits = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        if (length > bits)
        {
            problem = string.Create(CultureInfo.InvariantCulture, $"'{text}' has prefix length {length}, longer than {bits}");
            expected = string.Create(CultureInfo.InvariantCulture, $"a prefix length from 0 to {bits}");
            return false;
        }

        UInt128 value = ToUInt128(address);
        UInt128 hostMask = length == 0 ? (bits == 128 ? UInt128.MaxValue : (UInt128.One << 32) - 1) : (UInt128.One << (bits - length)) - 1;
        if ((value & hostMask) != 0)
        {
            var network = FromUInt128(value & ~hostMask, bits == 32);
            problem = $"'{text}' has host bits set";
            expected = string.Create(CultureInfo.InvariantCulture, $"the network address, {network}/{length}");
            return false;
        }

        prefix = new IPNetwork(address, length);
        return true;
    }
}
